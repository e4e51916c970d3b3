// status and cat end to end: what a person or a script reads back.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import {execa} from 'execa';
import {readLogFile} from '../helpers/files.js';
import {follow, trickle} from '../helpers/follow.js';
import {checkPlainNumbered, plainNumberedLines} from '../helpers/lines.js';
import {root} from '../helpers/paths.js';
import {poll} from '../helpers/poll.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** A process that holds FILE's lock until its stdin closes. */
function holdLock(lockPath: string) {
	const script = `import fs from 'node:fs'; import fsx from 'fs-native-extensions';
const fd = fs.openSync(process.argv[1], 'a+'); fsx.waitForLockSync(fd); process.stdout.write('locked\\n');
process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
	return execa('node', ['--input-type=module', '-e', script, lockPath], {cwd: root, stdin: 'pipe', buffer: false});
}

test('status --json: FILE, each archive with its time range, and whether the lock is held now', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// Raw archives: the test compresses one itself below, to see the ratio read from the gzip trailer.
	await rotlog([file, '--max', '100', '--compress', 'none'], {input: plainNumberedLines(0, 0, 10), reject: true});
	const free = await rotlog(['status', file, '--json'], {stripFinalNewline: true});
	t.is(free.exitCode, 0, free.stderr);
	const status = JSON.parse(free.stdout) as {
		current: {size: number; modified: string; from: string | null} | null;
		archives: Array<{name: string; size: number; modified: string; from: string | null}>;
		lock: {path: string; held: boolean};
		totalBytes: number;
	};
	t.is(status.current?.size, fs.statSync(file).size);
	t.deepEqual(status.archives.map(archive => archive.name), fs.readdirSync(directory).filter(name => /\.\d+$/.test(name)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())));
	t.true(status.archives.length >= 2);
	for (const [index, archive] of status.archives.entries()) {
		t.is(archive.size, fs.statSync(path.join(directory, archive.name)).size);
		t.is(archive.from, status.archives[index + 1]?.modified ?? null);
	}

	t.is(status.current?.from, status.archives[0]?.modified);
	t.is(status.totalBytes, status.current!.size + status.archives.reduce((sum, archive) => sum + archive.size, 0));
	t.deepEqual(status.lock, {path: `${file}.lock`, held: false});

	const holder = holdLock(`${file}.lock`);
	await new Promise<void>(resolve => {
		holder.stdout.once('data', () => {
			resolve();
		});
	});
	const held = await rotlog(['status', file, '--json'], {stripFinalNewline: true});
	t.true((JSON.parse(held.stdout) as {lock: {held: boolean}}).lock.held);
	const table = await rotlog(['status', file], {stripFinalNewline: true});
	t.regex(table.stdout, /^NAME +SIZE +RATIO +FROM +LAST WRITE\napp\.log /);
	t.regex(table.stdout, /lock .*app\.log\.lock: held now$/);
	holder.stdin.end();
	await holder;

	const archive = path.join(directory, status.archives[0]!.name);
	fs.writeFileSync(`${archive}.gz`, zlib.gzipSync(fs.readFileSync(archive)));
	fs.unlinkSync(archive);
	const compressed = JSON.parse((await rotlog(['status', file, '--json'], {stripFinalNewline: true})).stdout) as {archives: Array<{size: number; uncompressedSize: number | null}>};
	t.is(compressed.archives[0]!.uncompressedSize, status.archives[0]!.size);
	t.is(compressed.archives[1]!.uncompressedSize, null);
});

test('--on-rotate hooks run after the lock is released, for raw and compressed archives', async t => {
	const directory = await tempDir(t);
	const hook = path.join(directory, 'hook.sh');
	fs.writeFileSync(hook, `#!/bin/sh\n"${rotlogBin}" status "$ROTLOG_FILE" --json > "$1.status"\n`, {mode: 0o755});
	// A raw archive gets its hook right after the rotation; with the default gzip, the hook runs on
	// the final .gz once the compression is done.
	for (const [name, compress, archive] of [['raw.log', ['--compress', 'none'], 'raw.log.1'], ['gz.log', [], 'gz.log.1.gz']] as const) {
		const file = path.join(directory, name);
		fs.writeFileSync(file, 'x\n');
		const result = await rotlog(['rotate', file, '--on-rotate', hook, ...compress], {stripFinalNewline: true});
		t.is(result.exitCode, 0, result.stderr);
		t.false((JSON.parse(fs.readFileSync(path.join(directory, `${archive}.status`), 'utf8')) as {lock: {held: boolean}}).lock.held, archive);
	}
});

test('cat: archives oldest first, then FILE, decompressed by suffix', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = plainNumberedLines(0, 0, 400);
	// Raw archives, compressed below with each codec by hand.
	await rotlog([file, '--max', '1K', '--keep', '100', '--compress', 'none'], {input, reject: true});
	fs.writeFileSync(`${file}.2.gz`, zlib.gzipSync(fs.readFileSync(`${file}.2`)));
	fs.unlinkSync(`${file}.2`);
	fs.writeFileSync(`${file}.3.br`, zlib.brotliCompressSync(fs.readFileSync(`${file}.3`)));
	fs.unlinkSync(`${file}.3`);
	const zstd = await execa('zstd', ['-q', '--rm', `${file}.4`], {reject: false});
	if (zstd.failed) {
		t.log('zstd not installed: .zst not tested');
	}

	const result = await rotlog(['cat', file], {encoding: 'buffer', reject: true});
	t.is(Buffer.from(result.stdout).toString('latin1'), input);
});

test('cat ends cleanly when the reader goes away (| head)', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// The default gzip: cat stops in the middle of decompressing the oldest archive.
	await rotlog([file, '--max', '64K', '--keep', '100'], {input: plainNumberedLines(0, 0, 100_000), reject: true});
	t.true(fs.existsSync(`${file}.40.gz`), 'many compressed archives');
	const result = await execa('bash', ['-c', `set -o pipefail; "${rotlogBin}" cat "${file}" | head -n 2`], {reject: false});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.is(result.stdout, plainNumberedLines(0, 0, 2).trimEnd());
	// Leaving in the middle of a large gzip read once closed the descriptor twice (EBADF, exit 1).
	for (let round = 0; round < 3; round++) {
		const partial = await execa('bash', ['-c', `set -o pipefail; "${rotlogBin}" cat "${file}" | head -c 100000 > /dev/null`], {reject: false});
		t.is(partial.exitCode, 0, partial.stderr);
		t.is(partial.stderr, '');
	}
});

test('cat --follow reads every line exactly once while three writers rotate every 4 KiB', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// Some history first, so the follower starts with archives to print.
	await rotlog([file, '--max', '4K', '--keep', '100000'], {input: plainNumberedLines(9, 0, 300), reject: true});
	const {follower, output} = follow(file);
	await poll(() => output().length === plainNumberedLines(9, 0, 300).length, 'the history');
	const perWriter = 2000;
	for (const writer of await trickle(file, ['--max', '4K', '--keep', '100000'], 3, perWriter)) {
		t.is(writer.exitCode, 0);
	}

	const expected = [0, 1, 2].reduce((sum, writer) => sum + plainNumberedLines(writer, 0, perWriter).length, plainNumberedLines(9, 0, 300).length);
	await poll(() => output().length >= expected, 'every line through cat --follow');
	follower.kill('SIGTERM');
	const result = await follower;
	t.is(result.exitCode, 0);
	t.true(fs.readdirSync(directory).length > 30, 'enough rotations');
	const lines = output().slice(0, -1).split('\n');
	t.is(checkPlainNumbered(lines.filter(line => !line.startsWith('w9-')), [perWriter, perWriter, perWriter]), undefined);
	t.is(lines.filter(line => line.startsWith('w9-')).length, 300);
	t.is(output().length, expected);
});

test('status and cat with --name date: date archives listed newest first, read oldest first, followed across rotations', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const naming = ['--name', 'date', '--date-format', '%Y-%m-%d'];
	// Size rotations within one day: app.log.<day>, app.log.<day>.1, ... (gzip by default).
	const history = plainNumberedLines(9, 0, 400);
	await rotlog([file, '--max', '2K', '--keep', '1000', ...naming], {input: history, reject: true});
	const archives = fs.readdirSync(directory).filter(name => /^app\.log\.\d{4}-\d\d-\d\d(\.\d+)?\.gz$/.test(name));
	t.true(archives.length >= 5, fs.readdirSync(directory).join(' '));

	const all = await rotlog(['cat', file, ...naming], {encoding: 'buffer', reject: true});
	t.is(Buffer.from(all.stdout).toString('latin1'), history);
	// Without the naming on its command line, cat takes it from the writers' record: every line.
	const plain = await rotlog(['cat', file], {reject: true});
	t.is(plain.stdout, history);

	const status = JSON.parse((await rotlog(['status', file, '--json', ...naming], {stripFinalNewline: true})).stdout) as {archives: Array<{name: string; index: number; modified: string; from: string | null}>};
	t.is(status.archives.length, archives.length);
	t.deepEqual(status.archives.map(archive => archive.index), archives.map((_, index) => index + 1));
	// Newest first: each archive's lines began when the next older one was last written.
	for (const [index, archive] of status.archives.entries()) {
		t.is(archive.from, status.archives[index + 1]?.modified ?? null);
	}

	const oldest = status.archives.at(-1)!.name;
	t.is(readLogFile(path.join(directory, oldest)).toString('latin1'), history.slice(0, readLogFile(path.join(directory, oldest)).length), `${oldest} holds the first lines`);

	const {follower, output} = follow(file, naming);
	await poll(() => output().length === history.length, 'the history');
	const perWriter = 1000;
	for (const writer of await trickle(file, ['--max', '2K', '--keep', '1000', ...naming], 2, perWriter)) {
		t.is(writer.exitCode, 0);
	}

	const expected = history.length + plainNumberedLines(0, 0, perWriter).length + plainNumberedLines(1, 0, perWriter).length;
	await poll(() => output().length >= expected, 'every line through cat --follow');
	follower.kill('SIGTERM');
	t.is((await follower).exitCode, 0);
	const lines = output().slice(0, -1).split('\n');
	t.is(checkPlainNumbered(lines.filter(line => !line.startsWith('w9-')), [perWriter, perWriter]), undefined);
	t.is(output().length, expected);
});

test('cat --follow waits for FILE to appear and ends on SIGINT', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'later.log');
	const follower = rotlog(['cat', '-f', file], {buffer: false});
	let output = '';
	follower.stdout.setEncoding('latin1');
	follower.stdout.on('data', (chunk: string) => {
		output += chunk;
	});
	await rotlog([file, '--max', '64'], {input: plainNumberedLines(0, 0, 20), reject: true});
	await poll(() => output === plainNumberedLines(0, 0, 20), 'the lines of every file');
	follower.kill('SIGINT');
	t.is((await follower).exitCode, 0);
});
