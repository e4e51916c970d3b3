// rotate, check and --config end to end: real processes, real files.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import {allLines} from '../helpers/files.js';
import {checkPlainNumbered, plainNumberedLines} from '../helpers/lines.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

test('rotate: FILE becomes FILE.1, a new empty FILE is there, an empty FILE is not rotated', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, 'one\n');
	const first = await rotlog(['rotate', file, '--compress', 'none'], {stripFinalNewline: true});
	t.is(first.exitCode, 0);
	t.is(first.stdout, '');
	t.is(first.stderr, '');
	t.is(fs.readFileSync(`${file}.1`, 'utf8'), 'one\n');
	t.is(fs.readFileSync(file, 'utf8'), '');

	const again = await rotlog(['rotate', file, '--verbose', '--compress', 'none'], {stripFinalNewline: true});
	t.is(again.exitCode, 0);
	t.is(again.stdout, '');
	t.false(fs.existsSync(`${file}.2`));

	const missing = await rotlog(['rotate', path.join(directory, 'none.log')], {stripFinalNewline: true});
	t.is(missing.exitCode, 1);
	t.is(missing.stderr, `rotlog: no log at '${path.join(directory, 'none.log')}': skipped (--missing-ok to allow)`);
	t.false(fs.existsSync(path.join(directory, 'none.log.lock')));
	const allowed = await rotlog(['rotate', path.join(directory, 'none.log'), '--missing-ok'], {stripFinalNewline: true});
	t.is(allowed.exitCode, 0);
	t.is(allowed.stderr, '');
	t.false(fs.existsSync(path.join(directory, 'none.log.lock')));

	const twoLocks = await rotlog(['rotate', file, `${file}.x`, '--lock', path.join(directory, 'l')], {stripFinalNewline: true});
	t.is(twoLocks.exitCode, 2);
	t.is(twoLocks.stderr, 'rotlog: invalid --lock: one lock file cannot serve several FILEs');
});

test('rotate honours --keep, ends a torn last line, and --verbose names each action', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	for (let n = 1; n <= 4; n++) {
		fs.writeFileSync(file, n === 4 ? 'torn' : `${n}\n`);
		const result = await rotlog(['rotate', file, '--keep', '2', '-v', '--compress', 'none'], {stripFinalNewline: true});
		t.is(result.exitCode, 0, result.stderr);
		const removed = n >= 3 ? `removed '${file}.2': retention\n` : '';
		t.is(result.stdout, `${removed}rotated '${file}' to '${file}.1': forced, ${n === 4 ? 5 : 2} bytes`);

	}

	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'app.log.1', 'app.log.2', 'app.log.lock']);
	t.is(fs.readFileSync(`${file}.1`, 'utf8'), 'torn\n');
	t.is(fs.readFileSync(`${file}.2`, 'utf8'), '3\n');
});

test('rotate --keep 0 --verbose names FILE and every archive it deletes', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, 'now\n');
	fs.writeFileSync(`${file}.1`, 'one\n');
	fs.writeFileSync(`${file}.2.gz`, 'two\n');
	const result = await rotlog(['rotate', file, '--keep', '0', '-v', '--compress', 'none'], {stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(result.stdout.split('\n').sort(), [
		`removed '${file}.1': retention`,
		`removed '${file}.2.gz': retention`,
		`rotated '${file}' deleted it (--keep 0): forced, 4 bytes`,
	]);
	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'app.log.lock']);
});

test('check: silent, rotates only what is due, expands patterns itself, applies --keep', async t => {
	const directory = await tempDir(t);
	const big = path.join(directory, 'big.log');
	const small = path.join(directory, 'small.log');
	fs.writeFileSync(big, 'x'.repeat(99) + '\n');
	fs.writeFileSync(small, 'y\n');
	for (let n = 1; n <= 5; n++) {
		fs.writeFileSync(`${small}.${n}`, `${n}\n`);
	}

	fs.writeFileSync(path.join(directory, 'other.txt'), 'z\n');
	const result = await rotlog(['check', path.join(directory, '*.log'), '--max', '100', '--keep', '3', '--compress', 'none'], {stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, '');
	t.is(result.stderr, '');
	t.deepEqual(fs.readdirSync(directory).sort(), [
		'big.log', 'big.log.1', 'big.log.lock', 'other.txt', 'small.log', 'small.log.1', 'small.log.2', 'small.log.3', 'small.log.lock',
	]);
	t.is(fs.readFileSync(big, 'utf8'), '');
	t.is(fs.readFileSync(small, 'utf8'), 'y\n');

	// [..] and ? patterns, relative to the working directory, --verbose.
	fs.writeFileSync(big, 'x'.repeat(100) + '\n');
	const verbose = await rotlog(['check', 'b?g.[a-l]og', 's[!x]all.log', '--max', '100', '-v', '--compress', 'none'], {cwd: directory, stripFinalNewline: true});
	t.is(verbose.exitCode, 0, verbose.stderr);
	t.is(verbose.stdout, 'rotated \'big.log\' to \'big.log.1\': size, 101 bytes');
});

test('check: wildcards in directory components too', async t => {
	const directory = await tempDir(t);
	for (const service of ['api', 'web', 'worker']) {
		fs.mkdirSync(path.join(directory, service));
		fs.writeFileSync(path.join(directory, service, 'app.log'), `${service}\n`);
	}

	fs.writeFileSync(path.join(directory, 'app.log'), 'top\n');
	const result = await rotlog(['check', path.join(directory, 'w*', '*.log'), '--max', '1', '-v', '--compress', 'none'], {stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(result.stdout.replaceAll(directory, '').split('\n'), [
		'rotated \'/web/app.log\' to \'/web/app.log.1\': size, 4 bytes',
		'rotated \'/worker/app.log\' to \'/worker/app.log.1\': size, 7 bytes',
	]);
	t.false(fs.existsSync(path.join(directory, 'api', 'app.log.1')));
	t.false(fs.existsSync(path.join(directory, 'app.log.1')));
});

test('check: a failure on one file is one line, the others are still done, exit 1', async t => {
	const directory = await tempDir(t);
	const config = path.join(directory, 'rotlog.json');
	const logs = ['a.log', 'b.log', 'c.log'].map(name => path.join(directory, name));
	for (const log of logs) {
		fs.writeFileSync(log, 'line\n');
	}

	fs.writeFileSync(config, JSON.stringify({
		defaults: {max: '4', compress: 'none'},
		files: [logs[0], {path: logs[1], lock: path.join(directory, 'missing', 'b.lock')}, {path: path.join(directory, 'c.*')}, path.join(directory, 'nothing*')],
	}));
	const result = await rotlog(['check', '--config', config], {stripFinalNewline: true});
	t.is(result.exitCode, 1);
	const errors = result.stderr.split('\n');
	t.is(errors.length, 2, result.stderr);
	t.regex(errors[0]!, /^rotlog: cannot open lock file '.*missing\/b\.lock': no such file or directory$/);
	t.regex(errors[1]!, /^rotlog: no file matches '.*nothing\*'$/);
	t.true(fs.existsSync(`${logs[0]!}.1`));
	t.false(fs.existsSync(`${logs[1]!}.1`));
	t.true(fs.existsSync(`${logs[2]!}.1`));
});

test('--config: a bad key or value is named, exit 2', async t => {
	const directory = await tempDir(t);
	const config = path.join(directory, 'rotlog.json');
	const cases: Array<[unknown, RegExp]> = [
		[{files: [{path: 'a.log', kepp: 3}]}, /files\[0]\.kepp: unknown key/],
		[{files: [{path: 'a.log', keep: -1}]}, /files\[0]\.keep -1: expected a whole number/],
		[{defaults: {max: 'abc'}, files: ['a.log']}, /defaults\.max "abc": expected bytes/],
		[{files: []}, /files: expected a non-empty array/],
		[{file: ['a.log']}, /file: unknown key/],
		[{files: [{path: '*.log', lock: 'x.lock'}]}, /files\[0]\.lock: a lock path cannot be shared/],
	];
	for (const [document, expected] of cases) {
		fs.writeFileSync(config, JSON.stringify(document));
		const result = await rotlog(['check', '--config', config], {stripFinalNewline: true});
		t.is(result.exitCode, 2);
		t.regex(result.stderr, expected);
		t.regex(result.stderr, /^rotlog: invalid config '.*rotlog\.json': [^\n]+\n?$/);
	}

	fs.writeFileSync(config, '{"files": [');
	const broken = await rotlog(['rotate', '--config', config], {stripFinalNewline: true});
	t.is(broken.exitCode, 2);
	t.regex(broken.stderr, /^rotlog: invalid config/);
	const none = await rotlog(['check'], {stripFinalNewline: true});
	t.is(none.exitCode, 2);
	t.regex(none.stderr, /^rotlog: no FILE given/);
});

test('rotate and check, 100 runs in all, while three writers write: nothing lost, nothing torn', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writers = [0, 1, 2].map(() => rotlog([file, '--max', '4K', '--keep', '100000', '--compress', 'none'], {stdin: 'pipe', stripFinalNewline: true}));
	let stop = false;
	const counts = [0, 0, 0];
	const feeders = writers.map(async (writer, index) => {
		while (!stop) {
			// Few bytes: every rotation renames every archive, so the archive count sets the cost.
			writer.stdin.write(plainNumberedLines(index, counts[index]!, 3));
			counts[index]! += 3;
			await new Promise(resolve => {
				setTimeout(resolve, 25);
			});
		}

		writer.stdin.end();
	});

	// 100 maintenance runs: two rotate loops and two check loops of 25 each, side by side.
	let rotated = 0;
	const loop = async (args: string[]) => {
		for (let n = 0; n < 25; n++) {
			const result = await rotlog(args, {stripFinalNewline: true});
			t.is(result.exitCode, 0, result.stderr);
			t.is(result.stderr, '');
			rotated += result.stdout.split('\n').filter(line => line.startsWith('rotated')).length;
		}
	};

	const rotate = ['rotate', file, '--keep', '100000', '-v', '--compress', 'none'];
	const check = ['check', file, '--max', '1K', '--keep', '100000', '-v', '--compress', 'none'];
	const started = Date.now();
	await Promise.all([loop(rotate), loop(check), loop(rotate), loop(check)]);
	t.log(`100 runs in ${Date.now() - started} ms, ${rotated} rotations`);
	stop = true;
	await Promise.all(feeders);
	for (const writer of await Promise.all(writers)) {
		t.is(writer.exitCode, 0, writer.stderr);
	}

	t.true(rotated > 50, `only ${rotated} rotations by rotate/check`);
	t.is(checkPlainNumbered(allLines(file), counts), undefined);
});

test('check compresses the archive it made (gzip by default) and runs --on-rotate on the final .gz', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const record = path.join(directory, 'hook.out');
	const hook = path.join(directory, 'hook.sh');
	fs.writeFileSync(hook, `#!/bin/sh\necho "$1" >> '${record}'\n`, {mode: 0o755});
	fs.writeFileSync(file, 'one\ntwo\n');
	const result = await rotlog(['check', file, '--max', '4', '-v', '--on-rotate', hook], {stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.is(zlib.gunzipSync(fs.readFileSync(`${file}.1.gz`)).toString(), 'one\ntwo\n');
	t.false(fs.existsSync(`${file}.1`));
	t.is(fs.readFileSync(record, 'utf8'), `${file}.1.gz\n`);
	t.deepEqual(result.stdout.split('\n'), [
		`rotated '${file}' to '${file}.1': size, 8 bytes`,
		`compressed '${file}.1'`,
		`ran --on-rotate for '${file}.1.gz'`,
	]);
	t.deepEqual(fs.readdirSync(directory).filter(name => name.startsWith('.')), []);
});
