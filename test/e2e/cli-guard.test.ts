// Guards at the command line: a typo of a command, a missing FILE or a terminal on stdin never
// creates a log; ambiguous and dangerous values are refused before any input is read.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {execa} from 'execa';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

type Result = Awaited<ReturnType<typeof rotlog>>;

/** Exit 2, one line on stderr matching `pattern`, nothing on stdout, no stack trace. */
function assertUsageError(t: ExecutionContext, result: Result, pattern: RegExp) {
	t.is(result.exitCode, 2, result.stderr);
	t.is(result.stdout, '');
	t.regex(result.stderr, /^rotlog: [^\n]*\n$/);
	t.regex(result.stderr, pattern);
}

const typos: Array<[string[], RegExp]> = [
	[['stauts'], /^rotlog: unknown command 'stauts' \(did you mean 'status'\?\)\n$/],
	[['Status'], /^rotlog: unknown command 'Status' \(did you mean 'status'\?\)\n$/],
	[['version'], /^rotlog: unknown command 'version' \(did you mean '--version'\?\)\n$/],
	[['chekc', 'app.log'], /^rotlog: unknown command 'chekc' \(did you mean 'check'\?\)\n$/],
	[['--max', '1K', 'roatte'], /^rotlog: unknown command 'roatte' \(did you mean 'rotate'\?\)\n$/],
];

for (const [args, pattern] of typos) {
	test(`a typo of a command is refused and creates nothing: rotlog ${args.join(' ')}`, async t => {
		const cwd = await tempDir(t);
		const result = await rotlog(args, {input: 'x\n', cwd, env: {ROTLOG_FILE: undefined}});
		assertUsageError(t, result, pattern);
		t.deepEqual(fs.readdirSync(cwd), []);
	});
}

test('a word like a command that names an existing file is that file', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'stauts'), 'old\n');
	const result = await rotlog(['stauts'], {input: 'new\n', cwd});
	t.is(result.exitCode, 0, result.stderr);
	t.is(fs.readFileSync(path.join(cwd, 'stauts'), 'utf8'), 'old\nnew\n');
});

test('a path like ./stauts is a file, not a typo', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['./stauts'], {input: 'x\n', cwd});
	t.is(result.exitCode, 0, result.stderr);
	t.is(fs.readFileSync(path.join(cwd, 'stauts'), 'utf8'), 'x\n');
});

test('no FILE and no $ROTLOG_FILE: a usage error, no ./rotlog.log', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['--max', '1K'], {input: 'x\n', cwd, env: {ROTLOG_FILE: undefined}});
	assertUsageError(t, result, /^rotlog: no FILE given \(name the log, or set ROTLOG_FILE\); usage: app \| rotlog FILE/);
	t.deepEqual(fs.readdirSync(cwd), []);
});

test('stdin a terminal: a usage error before anything is created', async t => {
	const cwd = await tempDir(t);
	const file = path.join(cwd, 'app.log');
	// script(1) runs rotlog with a pseudo-terminal as its stdin (and stdout, which carries stderr).
	const tty = await execa('script', ['-qec', `'${process.execPath}' '${rotlogBin}' '${file}'`, '/dev/null'], {cwd, reject: false, timeout: 20_000, stdin: 'ignore'});
	t.is(tty.exitCode, 2, tty.stdout);
	t.regex(tty.stdout, /rotlog: stdin is a terminal: /);
	t.deepEqual(fs.readdirSync(cwd), []);
});
