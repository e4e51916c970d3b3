// Size rotation and retention as a user sees it: --keep 3 after many rotations.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {logFiles, readLog} from '../helpers/files.js';
import {numberedLines} from '../helpers/lines.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

test('--keep 3 after many rotations: exactly FILE.1 .. FILE.3 remain, holding the newest lines, each full', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const max = 4096;
	// Raw archives, so sizes can be checked as stored (test/e2e/compress.test.ts has --keep with gzip).
	const args = [file, '--max', '4K', '--keep', '3', '--compress', 'none'];
	// Two runs: the second one starts from the archives the first one left.
	const input = numberedLines('r', 6000);
	const half = input.indexOf('\n', input.length / 2) + 1;
	for (const part of [input.slice(0, half), input.slice(half)]) {
		const result = await rotlog(args, {input: part});
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stderr, '');
	}

	t.true(input.length > 40 * max, 'many rotations');
	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'app.log.1', 'app.log.2', 'app.log.3', 'app.log.lock']);

	const kept = readLog(file).toString('latin1');
	t.true(input.endsWith(kept), 'the files hold the newest input, in order');
	t.true(kept.length === 0 || input[input.length - kept.length - 1] === '\n', 'starting at a line boundary');

	const files = logFiles(file);
	t.deepEqual(files.map(name => path.basename(name)), ['app.log.3', 'app.log.2', 'app.log.1', 'app.log']);
	for (let i = 0; i + 1 < files.length; i++) {
		const size = fs.statSync(files[i]!).size;
		const nextFirstLine = fs.readFileSync(files[i + 1]!).indexOf(0x0a) + 1;
		t.true(size <= max, `${files[i]} holds ${size} bytes`);
		t.true(size + nextFirstLine > max, `${files[i]} was rotated while the next line still fit`);
	}
});

test('--keep 0: a rotation deletes FILE, no archive is made', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = numberedLines('z', 300);
	const result = await rotlog([file, '--max', '1K', '--keep', '0'], {input});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'app.log.lock']);
	const kept = fs.readFileSync(file, 'latin1');
	t.true(kept.length > 0 && kept.length <= 1024);
	t.true(input.endsWith(kept));
});

test('--lock moves the lock file', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const lock = path.join(directory, 'locks', 'my.lock');
	fs.mkdirSync(path.dirname(lock));
	const result = await rotlog([file, '--lock', lock], {input: 'x\n'});
	t.is(result.exitCode, 0, result.stderr);
	t.true(fs.existsSync(lock));
	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'locks']);
});
