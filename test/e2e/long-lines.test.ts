// Lines longer than --max-line (at least 1 MiB, default 1 GiB) are split into lines of at most
// that length, no byte lost, counted in one line on stderr, and writing goes on: without a limit
// an endless line would grow memory until Node cannot hold it (it holds at most 4 GiB in one
// buffer), and the process would end with every line after it lost.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const mebibyte = 1024 * 1024;

test('a line over --max-line is split into lines of at most that length, the lines around it kept', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const long = Buffer.alloc((3 * mebibyte) + 17, 'x');
	const writer = rotlog([file, '--max-line', '1M', '--compress', 'none'], {stdin: 'pipe'});
	writer.stdin.write('before\n');
	// In pieces, as a producer writes it: the line is held across many reads.
	for (let at = 0; at < long.length; at += 100_000) {
		writer.stdin.write(long.subarray(at, at + 100_000));
	}

	writer.stdin.end(`\n${'y'.repeat(mebibyte)}\nafter\n`);
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, 'rotlog: split 1 line(s) longer than --max-line (1048576 bytes) into lines of at most that length\n');
	const pieces = [mebibyte, mebibyte, mebibyte, 17].map(length => `${'x'.repeat(length)}\n`).join('');
	t.is(fs.readFileSync(file, 'latin1'), `before\n${pieces}${'y'.repeat(mebibyte)}\nafter\n`);
});

test('--max-line below the largest read is a usage error', async t => {
	const result = await rotlog([path.join(await tempDir(t), 'app.log'), '--max-line', '64K']);
	t.is(result.exitCode, 2);
	t.is(result.stderr, 'rotlog: invalid --max-line \'64K\': must be at least 1M (the largest single read)\n');
});
