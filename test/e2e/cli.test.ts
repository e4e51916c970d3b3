// The command line as a user meets it: errors as one line naming the bad value with the right
// exit status, FILE from $ROTLOG_FILE, --help and --version.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {root} from '../helpers/paths.js';
import {rotlog, type RotlogResult} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string};

/** One line on stderr, `rotlog: ...`, naming `value`; nothing on stdout; no stack trace. */
function assertOneLineError(t: ExecutionContext, result: RotlogResult, exitCode: number, value: string) {
	t.is(result.exitCode, exitCode, result.stderr);
	t.is(result.stdout, '');
	const lines = result.stderr.split('\n');
	t.is(lines.length, 2, `one line on stderr: ${JSON.stringify(result.stderr)}`);
	t.is(lines[1], '');
	t.true(lines[0]!.startsWith('rotlog: '), lines[0]);
	t.true(lines[0]!.includes(value), `${JSON.stringify(lines[0])} names ${JSON.stringify(value)}`);
	t.false(result.stderr.includes('    at '));
}

const usageErrors: Array<[string, string[], string]> = [
	['--max abc', ['--max', 'abc'], '\'abc\''],
	['--max 0', ['--max', '0'], '\'0\''],
	['--max 1X', ['--max', '1X'], '\'1X\''],
	['--keep -1', ['--keep', '-1'], '\'-1\''],
	['--keep=-1', ['--keep=-1'], '\'-1\''],
	['--keep 1.5', ['--keep', '1.5'], '\'1.5\''],
	['--max given twice', ['--max', '1K', '--max', '2K'], '--max'],
	['--max without a value', ['--max'], 'max'],
	['an unknown option', ['--frobnicate'], 'frobnicate'],
	['an unknown short option', ['-z'], 'z'],
	['an extra positional', ['extra.log'], 'extra.log'],
	['an empty --lock', ['--lock', ''], '--lock'],
];

for (const [title, args, value] of usageErrors) {
	test(`usage error, exit 2: ${title}`, async t => {
		const directory = await tempDir(t);
		const file = path.join(directory, 'app.log');
		const result = await rotlog([file, ...args], {input: 'x\n'});
		assertOneLineError(t, result, 2, value);
		t.deepEqual(fs.readdirSync(directory), [], 'nothing created');
	});
}

test('usage error, exit 2: an empty FILE', async t => {
	const result = await rotlog([''], {input: 'x\n', cwd: await tempDir(t)});
	assertOneLineError(t, result, 2, 'FILE');
});

test('runtime failure, exit 1: FILE in a missing directory', async t => {
	const file = path.join(await tempDir(t), 'missing', 'app.log');
	const result = await rotlog([file], {input: 'x\n'});
	assertOneLineError(t, result, 1, file);
	t.regex(result.stderr, /no such file or directory/);
});

test('runtime failure, exit 1: FILE cannot be written (it is a directory, which fails for root too)', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	fs.mkdirSync(file);
	const result = await rotlog([file], {input: 'x\n'});
	assertOneLineError(t, result, 1, file);
});

test('runtime failure, exit 1: the lock file cannot be opened (a directory)', async t => {
	const directory = await tempDir(t);
	const lock = path.join(directory, 'lockdir');
	fs.mkdirSync(lock);
	const result = await rotlog([path.join(directory, 'app.log'), '--lock', lock], {input: 'x\n'});
	assertOneLineError(t, result, 1, lock);
});

test('runtime failure, exit 1: the lock file in a missing directory', async t => {
	const directory = await tempDir(t);
	const lock = path.join(directory, 'missing', 'app.lock');
	const result = await rotlog([path.join(directory, 'app.log'), '--lock', lock], {input: 'x\n'});
	assertOneLineError(t, result, 1, lock);
});

test('FILE omitted: $ROTLOG_FILE', async t => {
	const directory = await tempDir(t);
	const cwd = await tempDir(t);
	const file = path.join(directory, 'from-env.log');
	const result = await rotlog([], {input: 'x\n', cwd, env: {ROTLOG_FILE: file}});
	t.is(result.exitCode, 0, result.stderr);
	t.is(fs.readFileSync(file, 'latin1'), 'x\n');
	t.deepEqual(fs.readdirSync(cwd), []);
});

test('FILE omitted and no $ROTLOG_FILE: a usage error, nothing created', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['--max', '1K'], {input: 'x\n', cwd, env: {ROTLOG_FILE: undefined}});
	assertOneLineError(t, result, 2, 'no FILE given');
	t.deepEqual(fs.readdirSync(cwd), []);
});

test('FILE given: it wins over $ROTLOG_FILE', async t => {
	const directory = await tempDir(t);
	const result = await rotlog(['given.log'], {input: 'x\n', cwd: directory, env: {ROTLOG_FILE: path.join(directory, 'env.log')}});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(fs.readdirSync(directory).sort(), ['given.log', 'given.log.lock']);
});

test('--help: exit 0, the options on stdout', async t => {
	const cwd = await tempDir(t);
	for (const flag of ['--help', '-h']) {
		const result = await rotlog([flag], {cwd});
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stderr, '');
		for (const option of ['--max', '--keep', '--lock', '--help', '--version']) {
			t.true(result.stdout.includes(option), `help mentions ${option}`);
		}
	}

	t.deepEqual(fs.readdirSync(cwd), [], 'nothing written');
});

test('--version: exit 0, the package version', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['--version'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, `${manifest.version}\n`);
	t.deepEqual(fs.readdirSync(cwd), []);
});
