// Compression that scales with the log: the last archive under --keep 1 is compressed by the
// writer that made it, many writers on one log never run more compression children at once than
// the machine has cores, and a SIGTERM or SIGINT while compressions finish after EOF exits 0 at
// once (saying so when stderr is a terminal), leaving the rest to the next writer that rotates or
// to check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import {execa} from 'execa';
import {poll} from '../helpers/poll.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** `count` numbered lines of about 40 bytes each, tagged with `tag`. */
function lines(tag: string, count: number): Buffer {
	let text = '';
	for (let index = 0; index < count; index++) {
		text += `${tag} ${String(index).padStart(7, '0')} the quick brown fox\n`;
	}

	return Buffer.from(text);
}

function names(directory: string): string[] {
	return fs.readdirSync(directory).sort();
}

test('--keep 1: the one archive is compressed when the writer exits, and stays so after a check', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// Many rotations, each deleting the archive before: the new archive takes the old one's name.
	const input = lines('k', 20_000);
	const result = await rotlog([file, '--max', '16K', '--keep', '1'], {input});
	t.is(result.exitCode, 0, String(result.stderr));
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.lock']);
	const check = await rotlog(['check', file, '--max', '16K', '--keep', '1']);
	t.is(check.exitCode, 0, String(check.stderr));
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.lock']);
	// The archive holds the lines just before FILE's.
	const archived = zlib.gunzipSync(fs.readFileSync(`${file}.1.gz`));
	t.true(input.subarray(0, input.length - fs.statSync(file).size).toString().endsWith(archived.toString()));
});

/** The pids of compression children whose parent is one of `parents` (from /proc). */
function compressionChildren(parents: ReadonlySet<number>): number[] {
	return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter(pid => {
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			// Fields after the command name (which may hold spaces): state, ppid, ...
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			return parents.has(ppid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compress/child.js');
		} catch {
			return false;
		}
	});
}

/** Oldest archive first (decompressed), then FILE. */
function history(file: string): string {
	const directory = path.dirname(file);
	const base = path.basename(file);
	const archives = fs.readdirSync(directory)
		.map(name => ({name, index: /^\.(\d+)(\.gz)?$/.exec(name.slice(base.length))?.[1]}))
		.filter(({name, index}) => name.startsWith(base) && index !== undefined)
		.sort((a, b) => Number(b.index) - Number(a.index));
	const parts = archives.map(({name}) => {
		const bytes = fs.readFileSync(path.join(directory, name));
		return name.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes;
	});
	return Buffer.concat([...parts, fs.readFileSync(file)]).toString();
}

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux('16 writers with a small --max never run more compression children at once than cores; every line survives', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const policy = ['--max', '4K', '--keep', '100000'];
	const writers = Array.from({length: 16}, (_, index) => rotlog([file, ...policy], {input: lines(`w${index}`, 1500)}));
	const pids = new Set(writers.map(writer => writer.pid!));
	let most = 0;
	let running = true;
	const sampling = (async () => {
		while (running) {
			most = Math.max(most, compressionChildren(pids).length);
			await new Promise(resolve => {
				setTimeout(resolve, 5);
			});
		}
	})();
	const results = await Promise.all(writers);
	running = false;
	await sampling;
	for (const result of results) {
		t.is(result.exitCode, 0, String(result.stderr));
	}

	t.true(most <= os.availableParallelism(), `${most} compression children at once on ${os.availableParallelism()} cores`);
	const check = await rotlog(['check', file, ...policy]);
	t.is(check.exitCode, 0, String(check.stderr));
	const left = fs.readdirSync(directory).filter(name => /^app\.log\.\d+$/.test(name) || name.includes('.compress.'));
	t.deepEqual(left, [], 'every archive compressed, no temp left');
	const seen = new Map<string, number>();
	for (const line of history(file).split('\n').filter(Boolean)) {
		const [tag, number] = line.split(' ');
		t.is(Number(number), seen.get(tag!) ?? 0, `${tag} in order, each line once`);
		seen.set(tag!, Number(number) + 1);
	}

	t.deepEqual([...seen.values()], Array.from({length: 16}, () => 1500));
});

/** FILE and its raw archives hold all `length` bytes of input, and a compression has claimed one. */
function writtenAndWaiting(file: string, length: number): boolean {
	const directory = path.dirname(file);
	const names = fs.readdirSync(directory);
	const raws = names.filter(name => /^app\.log\.\d+$/.test(name));
	return names.some(name => name.includes('.compress.'))
		&& fs.statSync(file).size + raws.reduce((sum, name) => sum + fs.statSync(path.join(directory, name)).size, 0) === length;
}

/** The raw archives in `directory`: what a stopped writer left for later. */
function rawArchives(directory: string): string[] {
	return fs.readdirSync(directory).filter(name => /^app\.log\.\d+$/.test(name));
}

// Archives over 4 MiB: smaller ones a writer whose input has ended compresses itself, and the
// point here is the children it waits for. The compressions stop before their swap until a gate
// opens, which it never does.
const gatedInput = lines('s', 400_000);

const stopAfterEof = test.macro({
	async exec(t, signal: 'SIGTERM' | 'SIGINT') {
		const directory = await tempDir(t);
		const file = path.join(directory, 'app.log');
		const gate = path.join(await tempDir(t), 'never');
		const writer = rotlog([file, '--max', '5M'], {input: gatedInput, env: {ROTLOG_TEST_COMPRESS: `gate:${gate}`}});
		await poll(() => writtenAndWaiting(file, gatedInput.length), 'every line written and a compression waiting');
		const signalled = Date.now();
		writer.kill(signal);
		const result = await writer;
		t.is(result.exitCode, 0, String(result.stderr));
		t.true(Date.now() - signalled < 5000, `exited ${Date.now() - signalled} ms after ${signal}`);
		t.is(result.stderr, '', 'stderr is not a terminal: nothing said');
		t.true(rawArchives(directory).length > 0, 'archives left raw');

		const check = await rotlog(['check', file, '--max', '5M']);
		t.is(check.exitCode, 0, String(check.stderr));
		t.deepEqual(fs.readdirSync(directory).filter(name => /^app\.log\.\d+$/.test(name) || name.includes('.compress.')), []);
		t.is(history(file), gatedInput.toString());
	},
	title: (_, signal) => `${signal} while compressions finish after EOF: exit 0 at once, and a check completes the work`,
});

test(stopAfterEof, 'SIGTERM');
test(stopAfterEof, 'SIGINT');

test('SIGTERM while compressions finish after EOF, stderr a terminal: one line says how many archives are left raw and who compresses them', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const scratch = await tempDir(t);
	const gate = path.join(scratch, 'never');
	const input = path.join(scratch, 'input');
	const pidFile = path.join(scratch, 'pid');
	fs.writeFileSync(input, gatedInput);
	// script(1) gives rotlog a pseudo-terminal as its stdout and stderr (stdin is the input file);
	// the shell writes its pid, which exec hands on to rotlog.
	const command = `echo $$ > '${pidFile}'; exec '${process.execPath}' '${rotlogBin}' app.log --max 5M < '${input}'`;
	const writer = execa('script', ['-qec', command, '/dev/null'], {
		cwd: directory, reject: false, timeout: 60_000, stdin: 'ignore', env: {ROTLOG_TEST_COMPRESS: `gate:${gate}`},
	});
	await poll(() => writtenAndWaiting(file, gatedInput.length), 'every line written and a compression waiting');
	process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stdout);
	const left = rawArchives(directory).length;
	t.true(left > 1, 'archives left raw');
	// The terminal also shows the status line, redrawn after a carriage return and an erase (ESC [K).
	const said = result.stdout.split(/\r\n?|\n/).map(line => line.replaceAll('\u001B[K', '')).filter(line => line.startsWith('rotlog: stopped'));
	t.deepEqual(said, [`rotlog: stopped with ${left} archives of 'app.log' not compressed yet; the next writer that rotates, or 'rotlog check', compresses them`]);
});
