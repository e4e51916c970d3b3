// Byte-exact round trips through the real process, from a socket pair, a regular file and a FIFO,
// with and without rotation, and the newline repair of a FILE left without one.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {execa} from 'execa';
import {linesOf, logFiles, readLog} from '../helpers/files.js';
import {nastyInput} from '../helpers/lines.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const bigLineLength = 5 * 1024 * 1024;
// Does not end with a newline: rotlog adds one.
const nasty = nastyInput(2, bigLineLength);
const expected = Buffer.concat([nasty, Buffer.from('\n')]);
const bigLine = linesOf(nasty).find(line => line.length === bigLineLength)!;

type Source = 'socket' | 'file' | 'fifo';

/** Runs rotlog with `input` on stdin, given the way a real caller might. */
async function run(t: ExecutionContext, source: Source, input: Buffer, args: readonly string[]) {
	const directory = path.dirname(args[0]!);
	if (source === 'socket') {
		return rotlog(args, {input});
	}

	const inputFile = path.join(directory, '.input');
	fs.writeFileSync(inputFile, input);
	t.teardown(() => {
		fs.rmSync(inputFile, {force: true});
	});
	if (source === 'file') {
		const fd = fs.openSync(inputFile, 'r');
		try {
			return await rotlog(args, {stdin: fd});
		} finally {
			fs.closeSync(fd);
		}
	}

	// `cat input | rotlog ...`: stdin is a FIFO, as in a shell pipeline.
	return execa('sh', ['-c', 'input=$1; shift; cat "$input" | "$@"', 'sh', inputFile, process.execPath, rotlogBin, ...args], {reject: false, timeout: 60_000});
}

for (const source of ['socket', 'file', 'fifo'] as const) {
	test(`nasty input with a 5 MiB line from a ${source}: FILE holds exactly the input bytes plus the final newline`, async t => {
		const file = path.join(await tempDir(t), 'app.log');
		const result = await run(t, source, nasty, [file]);
		t.is(result.exitCode, 0, String(result.stderr));
		t.is(result.stderr, '');
		const written = fs.readFileSync(file);
		t.is(written.length, expected.length);
		t.true(written.equals(expected));
	});
}

// Raw archives: with the default gzip, the writer would wait at EOF for 10 MiB of random bytes
// to be compressed at nice 19, which took over a minute on a loaded machine. Compression of
// archives is checked byte for byte in compress.test.ts (and with gzip in writers and fifo tests).
for (const source of ['socket', 'fifo'] as const) {
	test(`nasty input from a ${source} with --max 64K, smaller than the 5 MiB line: bytes exact across the files, the big line alone in one file`, async t => {
		const file = path.join(await tempDir(t), 'app.log');
		const result = await run(t, source, Buffer.concat([nasty, nasty]), [file, '--max', '64K', '--keep', '1000', '--compress', 'none']);
		t.is(result.exitCode, 0, String(result.stderr));
		t.true(readLog(file).equals(Buffer.concat([nasty, expected])));

		const files = logFiles(file).map(name => fs.readFileSync(name, 'latin1'));
		const big = files.filter(text => text.length > 65_536);
		t.is(big.length, 2, 'two files over --max: the two copies of the big line');
		for (const text of big) {
			t.is(text, `${bigLine}\n`);
		}

		t.true(files.length >= 4, 'something before and after each big line');
	});
}

test('FILE not ending in a newline (a writer died mid-line): the next writer writes a newline first', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	fs.writeFileSync(file, 'partial');
	const result = await rotlog([file], {input: 'one\ntwo\n'});
	t.is(result.exitCode, 0, result.stderr);
	t.is(fs.readFileSync(file, 'latin1'), 'partial\none\ntwo\n');
});

test('FILE ending in a newline: appended to as it is, nothing added', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	fs.writeFileSync(file, 'old\r\n');
	const first = await rotlog([file], {input: 'one\n'});
	t.is(first.exitCode, 0, first.stderr);
	const second = await rotlog([file], {input: 'two'});
	t.is(second.exitCode, 0, second.stderr);
	t.is(fs.readFileSync(file, 'latin1'), 'old\r\none\ntwo\n');
});

test('empty input: exit 0 and an empty FILE', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const result = await rotlog([file], {input: ''});
	t.is(result.exitCode, 0, result.stderr);
	t.is(fs.readFileSync(file).length, 0);
});
