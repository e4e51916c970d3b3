// FIFO mode: many FIFOs, writers opening and closing them at will, signals, idle cost.
// Real processes throughout: bin/rotlog and node writer processes; every wait polls a condition.
import {execSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import test from 'ava';
import {execa} from 'execa';
import {archivesOf, countNewlines, logFiles, readLogFile} from '../helpers/files.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

// A SIGTERMed rotlog waits for its compressions, which may take longer than execa's default 5 s
// grace before SIGKILL on a loaded machine; the timeout still bounds it.
const draining = {timeout: 100_000, forceKillAfterDelay: false} as const;

/** True once some process reads the FIFO: a non-blocking open for writing fails with ENXIO until then. */
function hasReader(fifo: string): boolean {
	try {
		fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
		return true;
	} catch {
		return false;
	}
}

/** The whole log, archives decompressed. */
function readLog(file: string): string {
	return logFiles(file).map(name => readLogFile(name).toString('latin1')).join('');
}

/** Line `seq` of `writer`: its padding's letter and length depend on both, so a torn line cannot pass. */
function numberedLine(writer: string, seq: number): string {
	let hash = seq * 7;
	for (const char of writer) {
		hash = ((hash * 31) + char.charCodeAt(0)) % 1_000_003;
	}

	return `${writer}-${String(seq).padStart(6, '0')}-${'abcdefghijklmnopqrstuvwxyz'.charAt(hash % 26).repeat(hash % 90)}`;
}

function numberedLines(writer: string, from: number, count: number): string {
	let text = '';
	for (let seq = from; seq < from + count; seq++) {
		text += `${numberedLine(writer, seq)}\n`;
	}

	return text;
}

/** Every line must be the next line of its writer; returns the problems (a few) and the counts. */
function checkLines(text: string, expected: ReadonlyMap<string, readonly string[]>): {problems: string[]; seen: Map<string, number>} {
	const seen = new Map([...expected.keys()].map(writer => [writer, 0]));
	const problems: string[] = [];
	const lines = text.split('\n');
	if (lines.pop() !== '') {
		problems.push('the log does not end with a newline');
	}

	for (const [number, line] of lines.entries()) {
		const writer = /^([^-]*)-/.exec(line)?.[1] ?? '';
		const next = seen.get(writer);
		if (next === undefined || line !== expected.get(writer)?.[next]) {
			problems.push(`line ${number + 1} is not ${writer}'s line ${next ?? '?'}: ${JSON.stringify(line.slice(0, 80))}`);
			if (problems.length >= 5) {
				break;
			}

			continue;
		}

		seen.set(writer, next + 1);
	}

	for (const [writer, lines] of expected) {
		if (seen.get(writer) !== lines.length) {
			problems.push(`${writer}: ${seen.get(writer) ?? 0} of ${lines.length} lines`);
		}
	}

	return {problems, seen};
}

/**
 * A writer process. For each round, for each (FIFO, data file) pair: open the FIFO, write that
 * round's share of the data, close it. `whole`: shares and writes are whole lines, each write at
 * most PIPE_BUF bytes (so writers sharing a FIFO never interleave inside a line). `split`: shares
 * and writes are cut at arbitrary bytes, so lines span writes and even close/reopen.
 */
const writerScript = String.raw`
import fs from 'node:fs';
const [mode, roundsText, ...pairs] = process.argv.slice(1);
const rounds = Number(roundsText);
let seed = 12345;
const random = below => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % below; };
const shares = [];
for (let i = 0; i < pairs.length; i += 2) {
	const data = fs.readFileSync(pairs[i + 1]);
	const cuts = [0];
	for (let r = 1; r < rounds; r++) {
		let at = Math.floor(data.length * r / rounds);
		if (mode === 'whole') at = data.indexOf(10, at) + 1 || data.length;
		cuts.push(Math.max(at, cuts.at(-1)));
	}
	cuts.push(data.length);
	shares.push({fifo: pairs[i], data, cuts});
}
for (let r = 0; r < rounds; r++) {
	for (const {fifo, data, cuts} of shares) {
		const share = data.subarray(cuts[r], cuts[r + 1]);
		const fd = fs.openSync(fifo, 'w');
		let done = 0;
		while (done < share.length) {
			let end;
			if (mode === 'whole') {
				end = share.lastIndexOf(10, Math.min(done + 4096, share.length) - 1) + 1;
				if (end <= done) throw new Error('a line longer than PIPE_BUF');
			} else {
				end = Math.min(share.length, done + 1 + random(300));
			}
			fs.writeSync(fd, share, done, end - done);
			done = end;
		}
		fs.closeSync(fd);
	}
}
`;

/** Starts a writer on (FIFO, lines) pairs; the lines go through a data file. */
function writer(directory: string, mode: 'whole' | 'split', rounds: number, pairs: ReadonlyArray<[fifo: string, text: string]>) {
	const args: string[] = [];
	for (const [fifo, text] of pairs) {
		const data = path.join(directory, `.data-${Math.random().toString(36).slice(2)}`);
		fs.writeFileSync(data, text, 'latin1');
		args.push(fifo, data);
	}

	return execa(process.execPath, ['--input-type=module', '-e', writerScript, mode, String(rounds), ...args], {stdin: 'ignore', timeout: 100_000});
}

function appendExpected(expected: Map<string, string[]>, writer: string, text: string): void {
	const lines = text.split('\n');
	if (lines.at(-1) === '') {
		lines.pop();
	}

	expected.set(writer, [...(expected.get(writer) ?? []), ...lines]);
}

test('3 FIFOs, writers opening, writing and closing repeatedly, one splitting lines; SIGTERM drains', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const fifos = ['a', 'b', 'c'].map(name => path.join(directory, `${name}.fifo`));
	const subprocess = rotlog([file, ...fifos.flatMap(fifo => ['--fifo', fifo])], draining);
	await poll(() => fifos.every(fifo => fs.existsSync(fifo) && hasReader(fifo)), 'rotlog to open its FIFOs');
	t.true(fifos.every(fifo => fs.statSync(fifo).isFIFO()), 'missing FIFOs are created');

	// FIFO a: one writer splitting lines at random bytes, across writes and across close/reopen.
	// FIFOs b and c: three writers each, whole lines. Every writer's lines are numbered.
	const expected = new Map<string, string[]>();
	const wave = (from: number, count: number, splitTail: string) => {
		const split = numberedLines('s0', from, count) + splitTail;
		appendExpected(expected, 's0', split);
		const writers = [writer(directory, 'split', 20, [[fifos[0]!, split]])];
		for (const [index, fifo] of fifos.slice(1).entries()) {
			for (let n = 0; n < 3; n++) {
				const name = `w${index}${n}`;
				const text = numberedLines(name, from, count);
				appendExpected(expected, name, text);
				writers.push(writer(directory, 'whole', 20, [[fifo, text]]));
			}
		}

		return Promise.all(writers);
	};

	// Wave 1; then every writer has closed, and rotlog must still read wave 2.
	await wave(0, 2000, '');
	const firstWave = [...expected.values()].reduce((sum, lines) => sum + lines.length, 0);
	await poll(() => countNewlines(file) === firstWave, 'the first wave on disk');

	// Wave 2 while rotlog is stopped (each FIFO's share fits in its 64 KiB buffer), so all of it
	// is in the FIFOs when SIGTERM arrives; the split writer ends with a line without a newline.
	// Whether the event loop or the signal's drain reads it, every line must land (the drain
	// itself is checked in test/unit/fifo.test.ts).
	subprocess.kill('SIGSTOP');
	const partial = numberedLine('s0', 2150);
	try {
		await wave(2000, 150, partial);
		subprocess.kill('SIGTERM');
	} finally {
		subprocess.kill('SIGCONT');
	}

	const result = await subprocess;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	const {problems} = checkLines(readLog(file), expected);
	t.deepEqual(problems, []);
	t.true(readLog(file).includes(`\n${partial}\n`), 'the partial last line is written with a newline');
});

test('32 FIFOs with --max 64K and gzip: nothing lost, nothing stalls, no file over --max', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const fifos = Array.from({length: 32}, (_, index) => path.join(directory, `in${index}.fifo`));
	const subprocess = rotlog([file, '--max', '64K', '--keep', '1000', ...fifos.flatMap(fifo => ['--fifo', fifo])], draining);
	await poll(() => fifos.every(fifo => fs.existsSync(fifo) && hasReader(fifo)), 'rotlog to open its FIFOs');

	// Four writer processes, eight FIFOs each, round-robin, reopening every FIFO 10 times.
	const expected = new Map<string, string[]>();
	const writers = [];
	for (let group = 0; group < 4; group++) {
		const pairs: Array<[string, string]> = [];
		for (const [index, fifo] of fifos.entries()) {
			if (index % 4 === group) {
				const text = numberedLines(`f${index}`, 0, 1200);
				appendExpected(expected, `f${index}`, text);
				pairs.push([fifo, text]);
			}
		}

		writers.push(writer(directory, 'whole', 10, pairs));
	}

	await Promise.all(writers);
	const total = [...expected.values()].reduce((sum, lines) => sum + lines.length, 0);
	await poll(() => countNewlines(file) === total, 'every line on disk');
	const stopping = Date.now();
	subprocess.kill('SIGTERM');
	const result = await subprocess;
	t.log(`exit ${Date.now() - stopping} ms after SIGTERM (waiting for the compressions in flight)`);
	t.is(result.exitCode, 0, `${result.signal ?? ''} ${result.stderr}`);
	t.deepEqual(checkLines(readLog(file), expected).problems, []);
	const files = logFiles(file);
	t.true(files.length > 20, `rotated: ${files.length} files`);
	// rotlog waited for its compressions before exiting: every archive is final.
	t.deepEqual(archivesOf(file).filter(archive => archive.extension !== '.gz').map(archive => path.basename(archive.path)), []);
	t.deepEqual(fs.readdirSync(directory).filter(name => name.includes('.compress.')), [], 'no compression temp file left');
	for (const name of files) {
		t.true(readLogFile(name).length <= 64 * 1024, `${name} is within --max`);
	}
});

/** utime + stime of a process, in clock ticks, from /proc/PID/stat (fields 14 and 15). */
function cpuTicks(pid: number): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields after the name start at field 3 (state): utime is field 14, stime field 15.
	return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

// The CPU time comes from /proc: without it, the test is skipped (and counted as skipped).
const withProc = fs.existsSync('/proc/self/stat') ? test : test.skip;

withProc('an idle rotlog with 8 FIFOs uses under 1% of a core', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const fifos = Array.from({length: 8}, (_, index) => path.join(directory, `idle${index}.fifo`));
	const subprocess = rotlog([file, ...fifos.flatMap(fifo => ['--fifo', fifo])], draining);
	await poll(() => fifos.every(fifo => fs.existsSync(fifo) && hasReader(fifo)), 'rotlog to open its FIFOs');
	// One line through every FIFO first, so start-up work is over when the measurement begins.
	for (const [index, fifo] of fifos.entries()) {
		fs.writeFileSync(fifo, `warm-up ${index}\n`);
	}

	await poll(() => countNewlines(file) === fifos.length, 'the warm-up lines');
	const ticksPerSecond = Number(execSync('getconf CLK_TCK', {encoding: 'utf8'}));
	const pid = subprocess.pid!;
	const before = cpuTicks(pid);
	const started = process.hrtime.bigint();
	await delay(2000); // The measurement window itself, not a wait for something to happen.
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const used = (cpuTicks(pid) - before) / ticksPerSecond;
	t.log(`idle CPU: ${(100 * used / seconds).toFixed(2)}% of a core (${used} s in ${seconds.toFixed(2)} s)`);
	t.true(used / seconds < 0.01, `${used} s of CPU in ${seconds} s`);

	// Still reading after the quiet spell.
	fs.writeFileSync(fifos[3]!, 'after idle\n');
	await poll(() => countNewlines(file) === fifos.length + 1, 'the line written after idling');
	subprocess.kill('SIGTERM');
	const result = await subprocess;
	t.is(result.exitCode, 0, result.stderr);
});

test('--fifo naming something that is not a FIFO, FILE or its lock: one line naming it, nothing created', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const plain = path.join(directory, 'plain.txt');
	fs.writeFileSync(plain, 'not a fifo\n');
	const fifo = path.join(directory, 'ok.fifo');
	for (const bad of [plain, directory]) {
		const result = await rotlog([file, '--fifo', fifo, '--fifo', bad], draining);
		t.is(result.exitCode, 1);
		t.regex(result.stderr, /^rotlog: cannot read --fifo '[^']+': it is a (regular file|directory), not a FIFO\n$/);
		t.true(result.stderr.includes(`'${bad}'`));
	}

	t.false(fs.existsSync(file), 'FILE is not created');
	t.is(fs.readFileSync(plain, 'utf8'), 'not a fifo\n');

	const twice = await rotlog([file, '--fifo', fifo, '--fifo', `${directory}/./ok.fifo`], draining);
	t.is(twice.exitCode, 2);
	t.regex(twice.stderr, /^rotlog: invalid --fifo '[^']+': the same FIFO as --fifo '[^']+'\n$/);

	// FILE or its lock as a FIFO would feed rotlog its own output, without end.
	for (const own of [`${directory}/./app.log`, `${file}.lock`]) {
		const loop = await rotlog([file, '--fifo', own], draining);
		t.is(loop.exitCode, 2);
		t.regex(loop.stderr, /^rotlog: invalid --fifo '[^']+': it is the (log|lock) file, rotlog would read back what it writes\n$/);
		t.false(fs.existsSync(own), 'no FIFO is made in its place');
	}

	const missing = await rotlog([file, '--fifo', path.join(directory, 'no', 'such', 'dir.fifo')], draining);
	t.is(missing.exitCode, 1);
	t.regex(missing.stderr, /^rotlog: cannot create --fifo '[^']+dir\.fifo': no such file or directory\n$/);
});

test('with --fifo, stdin is read only with --stdin; stdin ending does not end FIFO mode', async t => {
	const directory = await tempDir(t);
	const fifo = path.join(directory, 'in.fifo');

	const without = path.join(directory, 'without.log');
	const ignoring = rotlog([without, '--fifo', fifo], {...draining, input: 'from-stdin\n'});
	await poll(() => fs.existsSync(fifo) && hasReader(fifo), 'rotlog to open its FIFO');
	fs.writeFileSync(fifo, 'from-fifo\n');
	await poll(() => countNewlines(without) === 1, 'the FIFO line');
	ignoring.kill('SIGINT');
	t.is((await ignoring).exitCode, 0);
	t.is(fs.readFileSync(without, 'latin1'), 'from-fifo\n');

	const both = path.join(directory, 'both.log');
	const reading = rotlog([both, '--fifo', fifo, '--stdin'], {...draining, input: 'from-stdin\nno-newline'});
	await poll(() => countNewlines(both) === 2, 'the stdin lines, the last one ended at EOF');
	t.is(fs.readFileSync(both, 'latin1'), 'from-stdin\nno-newline\n');
	// A line far longer than PIPE_BUF and than a FIFO framer's initial room, from a single writer.
	const long = `${'0123456789'.repeat(50_000)}\n`;
	fs.writeFileSync(fifo, `from-fifo\n${long}`);
	await poll(() => countNewlines(both) === 4, 'the FIFO lines after stdin ended');
	reading.kill('SIGINT');
	t.is((await reading).exitCode, 0);
	t.is(fs.readFileSync(both, 'latin1'), `from-stdin\nno-newline\nfrom-fifo\n${long}`);
});
