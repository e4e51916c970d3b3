// Background compression: valid archives holding exactly the lines written, crash
// recovery of killed compressions, failures that keep the raw archive, mixed settings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {findArchives} from '../../src/decide/numbered-names.js';
import {findProgram, zlibHasZstd} from '../../src/compress/codecs.js';
import type {RecoveryReport} from '../../src/compress/recovery.js';
import {readLogFile} from '../helpers/files.js';
import {root} from '../helpers/paths.js';
import {orFalse, poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const recoverScript = path.join(root, 'dist', 'test', 'helpers', 'recover.js');
const zstdProgram = findProgram('zstd');
const haveZstd = zlibHasZstd() || zstdProgram !== undefined;
if (!haveZstd) {
	console.log('compress tests: no zstd in node:zlib and no zstd program on PATH; zstd tests skipped');
}

/** `count` numbered lines of about 40 bytes each, tagged with `tag`. */
function lines(tag: string, count: number): Buffer {
	let text = '';
	for (let index = 0; index < count; index++) {
		text += `${tag} ${String(index).padStart(7, '0')} the quick brown fox\n`;
	}

	return Buffer.from(text);
}


/** Oldest archive first, then FILE: the whole history of the log as bytes. */
function history(file: string): Buffer {
	const directory = path.dirname(file);
	const archives = findArchives(path.basename(file), fs.readdirSync(directory));
	const indices = [...new Set(archives.map(archive => archive.index))].sort((a, b) => b - a);
	const parts: Buffer[] = [];
	for (const index of indices) {
		// One copy per index: a raw archive next to its compressed copy would be a duplicate.
		const group = archives.filter(archive => archive.index === index);
		const chosen = group.find(archive => archive.extension !== '') ?? group[0]!;
		parts.push(readLogFile(path.join(directory, chosen.name)));
	}

	parts.push(fs.readFileSync(file));
	return Buffer.concat(parts);
}

function names(directory: string): string[] {
	return fs.readdirSync(directory).sort();
}

function temps(directory: string): string[] {
	return names(directory).filter(name => name.includes('.compress.'));
}

/**
 * Waits for `condition` while `writer` runs (it is meant to stall in a test fault); if the writer
 * ends first, fails at once with its stderr rather than after the whole timeout.
 */
async function untilStalled(writer: Promise<{exitCode?: number | undefined; stderr: unknown}>, condition: () => boolean, what: string): Promise<void> {
	let ended = false;
	void writer.finally(() => {
		ended = true;
	});
	await poll(orFalse(() => ended || condition()), what);
	if (ended && !condition()) {
		const result = await writer;
		throw new Error(`the writer exited (${result.exitCode ?? 'by a signal'}) before ${what}: ${String(result.stderr)}`);
	}
}

async function recover(file: string, codec = 'gzip'): Promise<RecoveryReport> {
	const {stdout} = await execa(process.execPath, [recoverScript, file, codec]);
	return JSON.parse(stdout) as RecoveryReport;
}

function write(file: string, input: Buffer, options: string[], env: Record<string, string> = {}) {
	return rotlog([file, ...options], {input, env, stripFinalNewline: true});
}

/** If the test fails half-way, its writer and the compressions it started must not linger. */
function reap(t: {teardown(fn: () => void): void}, subprocess: {pid?: number | undefined}): void {
	t.teardown(() => {
		try {
			process.kill(-subprocess.pid!, 'SIGKILL');
		} catch {
			// Gone already.
		}
	});
}

/** Waits for a process started with `detached: true` to die with its whole group. */
async function killGroup(subprocess: {pid?: number | undefined} & Promise<unknown>): Promise<void> {
	process.kill(-subprocess.pid!, 'SIGKILL');
	await subprocess.catch(() => undefined);
}

const roundTrip = test.macro(async (t, codec: string, extension: string) => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = lines('w', 8000);
	const result = await write(file, input, ['--max', '64K', '--keep', '100', '--compress', codec]);
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	const archives = findArchives('app.log', names(directory));
	t.true(archives.length >= 3, names(directory).join(' '));
	t.true(archives.every(archive => archive.extension === extension), names(directory).join(' '));
	t.deepEqual(temps(directory), []);
	t.true(history(file).equals(input));
	const logMode = fs.statSync(file).mode & 0o777;
	t.true(archives.every(archive => (fs.statSync(path.join(directory, archive.name)).mode & 0o777) === logMode));
});

test('gzip archives hold exactly the lines written', roundTrip, 'gzip', '.gz');
test('brotli archives hold exactly the lines written', roundTrip, 'brotli', '.br');
(haveZstd ? test : test.skip)('zstd archives hold exactly the lines written', roundTrip, 'zstd', '.zst');

test('--keep counts raw and compressed archives alike; archives deleted while compressing are discarded', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = lines('r', 8000);
	const result = await write(file, input, ['--max', '16K', '--keep', '2']);
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.lock']);
	const kept = history(file);
	t.true(kept.length > 32 * 1024 && input.subarray(input.length - kept.length).equals(kept));
});

test('gzip is the default and none keeps raw archives', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = lines('d', 4000);
	t.is((await write(file, input, ['--max', '64K'])).exitCode, 0);
	t.true(findArchives('app.log', names(directory)).every(archive => archive.extension === '.gz'));
	const plain = path.join(directory, 'plain.log');
	t.is((await write(plain, input, ['--max', '64K', '--compress', 'none'])).exitCode, 0);
	const archives = findArchives('plain.log', names(directory));
	t.true(archives.length > 0 && archives.every(archive => archive.extension === ''));
	t.true(history(plain).equals(input));
});

test('on SIGTERM rotlog writes what it read, waits for its compressions, then exits 0', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const gate = path.join(await tempDir(t), 'open');
	const input = lines('s', 5000);
	const writer = rotlog([file, '--max', '64K'], {stdin: 'pipe', env: {ROTLOG_TEST_COMPRESS: `gate:${gate}`}, detached: true, forceKillAfterDelay: false, stripFinalNewline: true});
	reap(t, writer);
	// Stdin stays open and ends in a partial line: the writer is still reading when the signal comes.
	writer.stdin!.write(Buffer.concat([input, Buffer.from('partial')]));
	await poll(orFalse(() => history(file).length === input.length && temps(directory).length === 2), 'two compressions waiting at the gate');
	writer.kill('SIGTERM');
	await poll(orFalse(() => fs.readFileSync(file).toString().endsWith('partial\n')), 'the partial line written at SIGTERM');
	// Only now may the compressions finish; the writer must still be waiting for them.
	fs.writeFileSync(gate, '');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.lock']);
	t.true(history(file).equals(Buffer.concat([input, Buffer.from('partial\n')])));
});

/** Pids of the compression children of `parent` (from /proc). */
function compressionChildren(parent: number): number[] {
	return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter(pid => {
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			// Fields after the command name (which may hold spaces): state, ppid, ...
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			return ppid === parent && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compress/child.js');
		} catch {
			return false;
		}
	});
}

/** The nice value of each thread of `pid` (field 19 of /proc/PID/task/TID/stat). */
function threadNiceness(pid: number): number[] {
	return fs.readdirSync(`/proc/${pid}/task`).map(tid => {
		const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
	});
}

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux('compression children run every thread at nice 19, one per core at most, while the writer stays at its own priority', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const gate = path.join(await tempDir(t), 'open');
	const input = lines('n', 8000);
	// Each child stops before its swap until the gate opens: the children are alive to look at.
	const writer = rotlog([file, '--max', '64K'], {input, env: {ROTLOG_TEST_COMPRESS: `gate:${gate}`}, stripFinalNewline: true});
	reap(t, writer);
	t.teardown(() => {
		// A failed assertion must not leave the children waiting at the gate.
		fs.writeFileSync(gate, '');
	});
	const cores = os.availableParallelism();
	await poll(orFalse(() => temps(directory).length >= Math.min(cores, 2)), 'compressions waiting at the gate');
	const children = compressionChildren(writer.pid!);
	t.true(children.length >= 1 && children.length <= cores, `children: ${children.join(' ')}`);
	for (const child of children) {
		const niceness = threadNiceness(child);
		t.true(niceness.length > 1, 'Node\'s threads are counted too');
		t.deepEqual([...new Set(niceness)], [19], `thread nice values of child ${child}`);
	}

	t.deepEqual([...new Set(threadNiceness(writer.pid!))], [os.getPriority()], 'the writer keeps the priority it was started with');
	fs.writeFileSync(gate, '');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(temps(directory), []);
	t.true(history(file).equals(input));
});

test('a failing compression keeps the raw archive, says so in one line and writing continues', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = lines('f', 8000);
	const result = await write(file, input, ['--max', '64K'], {ROTLOG_TEST_COMPRESS: 'fail'});
	t.is(result.exitCode, 0);
	const archives = findArchives('app.log', names(directory));
	t.true(archives.length >= 3, names(directory).join(' '));
	t.true(archives.every(archive => archive.extension === ''));
	const errors = result.stderr.split('\n');
	t.is(errors.length, archives.length, result.stderr);
	t.true(errors.every(line => /^rotlog: cannot compress '.*app\.log\.\d+': injected failure .*; kept uncompressed$/.test(line)), result.stderr);
	t.deepEqual(temps(directory), []);
	t.true(history(file).equals(input));
});

test('a killed compression loses nothing; a live one is left alone; recovery finishes the rest', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = lines('k', 2500);
	// Exactly one rotation; its compression stalls before the swap, so the writer waits for it.
	const writer = rotlog([file, '--max', '64K'], {input, detached: true, env: {ROTLOG_TEST_COMPRESS: 'stall-swap'}, stripFinalNewline: true});
	reap(t, writer);
	await untilStalled(writer, () => temps(directory).length === 1 && fs.statSync(path.join(directory, temps(directory)[0]!)).size > 0, 'a temp file');

	const live = await recover(file);
	t.deepEqual(live.removedTemps, []);
	t.deepEqual(live.compressed, []);
	t.deepEqual(live.busy, ['app.log.1']);
	t.is(temps(directory).length, 1);

	await killGroup(writer);
	const after = await recover(file);
	t.is(after.removedTemps.length, 1);
	t.deepEqual(after.compressed, ['app.log.1']);
	t.deepEqual(temps(directory), []);
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.lock']);
	t.true(history(file).equals(input));
});

test('a compression killed between rename and unlink is finished by the next rotation', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const first = lines('a', 2500);
	const writer = rotlog([file, '--max', '64K'], {input: first, detached: true, env: {ROTLOG_TEST_COMPRESS: 'stall-drop'}, stripFinalNewline: true});
	reap(t, writer);
	await untilStalled(writer, () => fs.existsSync(`${file}.1.gz`) && fs.existsSync(`${file}.1`), 'app.log.1 next to app.log.1.gz');
	await killGroup(writer);

	// A killed compression before its swap, too: an orphaned temp and a raw archive.
	const second = lines('b', 2500);
	const stalled = rotlog([file, '--max', '64K'], {input: second, detached: true, env: {ROTLOG_TEST_COMPRESS: 'stall-swap'}, stripFinalNewline: true});
	reap(t, stalled);
	await untilStalled(stalled, () => temps(directory).length === 1, 'a temp file');
	await killGroup(stalled);
	// Its own rotation may have removed the raw app.log.2 already; app.log.1 is surely left raw.
	t.true(fs.existsSync(`${file}.1`) && !fs.existsSync(`${file}.1.gz`));
	t.true(history(file).equals(Buffer.concat([first, second])));

	const third = lines('c', 2500);
	const result = await write(file, third, ['--max', '64K']);
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.3.gz', 'app.log.lock']);
	t.true(history(file).equals(Buffer.concat([first, second, third])));
});

test('writers with mixed --compress settings on one file lose nothing', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const settings = haveZstd ? ['gzip', 'zstd', 'none', 'brotli'] : ['gzip', 'none', 'brotli'];
	const count = 3000;
	const results = await Promise.all(settings.map(async codec => write(file, lines(codec, count), ['--max', '32K', '--keep', '1000', '--compress', codec])));
	for (const result of results) {
		t.is(result.exitCode, 0, result.stderr);
	}

	t.deepEqual(temps(directory), []);
	const seen = new Map<string, number>();
	for (const line of history(file).toString().split('\n').filter(Boolean)) {
		const [tag, number] = line.split(' ');
		const next = seen.get(tag!) ?? 0;
		t.is(Number(number), next, `line ${line} out of order`);
		seen.set(tag!, next + 1);
	}

	t.deepEqual([...seen.values()], settings.map(() => count));
});

test('zstd without node:zlib zstd or the zstd program is one line at start-up', async t => {
	const empty = await tempDir(t);
	const file = path.join(await tempDir(t), 'app.log');
	const result = await rotlog([file, '--compress', 'zstd'], {input: 'x\n', env: {PATH: empty}, extendEnv: false, stripFinalNewline: true});
	if (zlibHasZstd()) {
		t.is(result.exitCode, 0);
		return;
	}

	t.is(result.exitCode, 1);
	t.regex(result.stderr, /^rotlog: cannot compress with zstd: Node v[\d.]+ has no zstd .* no 'zstd' program is on PATH$/);
	t.false(fs.existsSync(file));
});

(zstdProgram !== undefined && !zlibHasZstd() ? test : test.skip)('zstd vanishing mid-run keeps the raw archive and writing continues', async t => {
	const directory = await tempDir(t);
	const bin = await tempDir(t);
	fs.symlinkSync(zstdProgram!, path.join(bin, 'zstd'));
	const file = path.join(directory, 'app.log');
	const input = lines('z', 4000);
	const writer = rotlog([file, '--max', '64K', '--compress', 'zstd'], {stdin: 'pipe', env: {PATH: bin}, extendEnv: false, stripFinalNewline: true});
	// FILE exists once the start-up checks passed; then the program goes.
	await poll(orFalse(() => fs.existsSync(file)), 'FILE');
	fs.unlinkSync(path.join(bin, 'zstd'));
	writer.stdin!.end(input);
	const result = await writer;
	t.is(result.exitCode, 0);
	t.regex(result.stderr, /^rotlog: cannot compress '.*app\.log\.1': the zstd program is no longer on PATH; kept uncompressed$/m);
	t.true(findArchives('app.log', names(directory)).every(archive => archive.extension === ''));
	t.true(history(file).equals(input));
});

test('bad --compress and --compress-level values are usage errors', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const cases = [
		[['--compress', 'lz4'], /^rotlog: invalid --compress 'lz4': expected gzip, brotli, zstd, none$/],
		[['--compress-level', '10'], /^rotlog: invalid --compress-level '10': gzip takes 1 to 9$/],
		[['--compress', 'brotli', '--compress-level', 'x'], /^rotlog: invalid --compress-level 'x': expected a whole number$/],
		[['--compress', 'none', '--compress-level', '3'], /^rotlog: invalid --compress-level '3': --compress none takes no level$/],
	] as const;
	const results = await Promise.all(cases.map(async ([options]) => rotlog([file, ...options], {input: '', stripFinalNewline: true})));
	for (const [index, [options, message]] of cases.entries()) {
		t.is(results[index]!.exitCode, 2, options.join(' '));
		t.regex(results[index]!.stderr, message);
	}

	t.false(fs.existsSync(file));
});
