// Guards at the command line: a typo of a command, a missing FILE or a terminal on stdin never
// creates a log; ambiguous and dangerous values are refused before any input is read.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {execa} from 'execa';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';


/** Exit 2, one line on stderr matching `pattern`, nothing on stdout, no stack trace. */
function assertUsageError(t: ExecutionContext, result: {exitCode?: number | undefined; stdout: string; stderr: string}, pattern: RegExp) {
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

test('--max-age 6M is refused as ambiguous', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['check', 'app.log', '--max-age', '6M'], {cwd});
	assertUsageError(t, result, /^rotlog: invalid --max-age '6M': M is ambiguous: m for minutes; months are not a duration unit\n$/);
});

test('--mode 07777 is refused', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['app.log', '--mode', '07777'], {input: 'x\n', cwd});
	assertUsageError(t, result, /^rotlog: invalid --mode '07777': setuid, setgid and sticky bits are refused/);
	t.deepEqual(fs.readdirSync(cwd), []);
});

const missingHook = '/nonexistent/ship';
const hookRefused = /^rotlog: invalid --on-rotate '\/nonexistent\/ship': program '\/nonexistent\/ship' not found\n$/;

test('--on-rotate with a missing program: the write mode exits 2 before reading input', async t => {
	const cwd = await tempDir(t);
	// stdin stays open: the refusal must not wait for input.
	const writer = rotlog(['app.log', '--on-rotate', missingHook], {stdin: 'pipe', cwd, timeout: 20_000});
	const result = await writer;
	assertUsageError(t, result, hookRefused);
	t.deepEqual(fs.readdirSync(cwd), []);
});

for (const command of ['rotate', 'check']) {
	test(`--on-rotate with a missing program: ${command} exits 2 and rotates nothing`, async t => {
		const cwd = await tempDir(t);
		fs.writeFileSync(path.join(cwd, 'app.log'), 'x\n');
		const result = await rotlog([command, 'app.log', '--max', '1', '--on-rotate', missingHook], {cwd});
		assertUsageError(t, result, hookRefused);
		t.deepEqual(fs.readdirSync(cwd), ['app.log']);
	});
}

test('--on-rotate with a program not in PATH, or not executable, is refused too', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'ship'), '#!/bin/sh\n', {mode: 0o644});
	const bare = await rotlog(['rotate', 'app.log', '--on-rotate', 'no-such-program-rotlog --flag'], {cwd});
	assertUsageError(t, bare, /^rotlog: invalid --on-rotate 'no-such-program-rotlog --flag': program 'no-such-program-rotlog' not found in PATH\n$/);
	const plain = await rotlog(['rotate', 'app.log', '--on-rotate', './ship'], {cwd});
	assertUsageError(t, plain, /^rotlog: invalid --on-rotate '\.\/ship': program '\.\/ship' is not executable\n$/);
});

test('--on-rotate in a --config entry is checked at start', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'app.log'), 'x\n');
	fs.writeFileSync(path.join(cwd, 'config.json'), JSON.stringify({files: [{path: 'app.log', 'on-rotate': missingHook}]}));
	const result = await rotlog(['check', '--config', 'config.json', '--max', '1'], {cwd});
	assertUsageError(t, result, /^rotlog: invalid config 'config\.json': files\[0\]\.on-rotate "\/nonexistent\/ship": program '\/nonexistent\/ship' not found\n$/);
	t.deepEqual(fs.readdirSync(cwd).sort(), ['app.log', 'config.json']);
});

test('--date-format ending in .gz is refused', async t => {
	const cwd = await tempDir(t);
	const result = await rotlog(['app.log', '--name', 'date', '--date-format', '%Y-%m-%dT%H-%M-%S.gz'], {input: 'x\n', cwd});
	assertUsageError(t, result, /^rotlog: invalid --date-format '%Y-%m-%dT%H-%M-%S\.gz': the stamp ends in '\.gz'/);
	t.deepEqual(fs.readdirSync(cwd), []);
});

const lockCases: Array<[string, string[], boolean]> = [
	['write', [], false],
	['rotate', ['rotate'], true],
	['check', ['check'], true],
	['status', ['status'], true],
	['cat', ['cat'], true],
];

for (const [title, command, existing] of lockCases) {
	test(`--lock naming an archive of FILE, or FILE itself, is refused: ${title}`, async t => {
		const cwd = await tempDir(t);
		if (existing) {
			fs.writeFileSync(path.join(cwd, 'app.log'), 'x\n');
		}

		const before = fs.readdirSync(cwd).sort();
		for (const [lock, extra, why] of [
			['app.log.1', [], /the lock file would be taken for an archive of 'app\.log'/],
			['app.log.2.gz', [], /the lock file would be taken for an archive of 'app\.log'/],
			['app.log.2026-11-26', ['--name', 'date', '--date-format', '%Y-%m-%d'], /the lock file would be taken for an archive of 'app\.log'/],
			['app.log', [], /the lock file cannot be FILE itself/],
		] as const) {
			const result = await rotlog([...command, 'app.log', '--lock', lock, ...extra], {input: 'x\n', cwd});
			assertUsageError(t, result, new RegExp(`^rotlog: invalid --lock '${lock.replaceAll('.', String.raw`\.`)}': `));
			t.regex(result.stderr, why);
			t.deepEqual(fs.readdirSync(cwd).sort(), before);
		}
	});
}

test('--lock naming an archive in a --config entry is refused', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'config.json'), JSON.stringify({files: [{path: 'app.log', lock: 'app.log.1'}]}));
	const result = await rotlog(['check', '--config', 'config.json'], {cwd});
	assertUsageError(t, result, /^rotlog: invalid config 'config\.json': files\[0\]\.lock "app\.log\.1": the lock file would be taken for an archive of 'app\.log'\n$/);
});

test('hooks get absolute paths, so a log named like an option is never one', async t => {
	const cwd = await tempDir(t);
	const record = path.join(cwd, 'hook.out');
	const hook = path.join(cwd, 'hook.sh');
	fs.writeFileSync(hook, `#!/bin/sh\nprintf '%s|%s|%s|%s\\n' "$#" "$1" "$ROTLOG_FILE" "$ROTLOG_ARCHIVE" >> '${record}'\n`, {mode: 0o755});
	for (const name of ['-rf.log', '--output=x.log']) {
		fs.writeFileSync(path.join(cwd, name), 'x\n');
	}

	const result = await rotlog(['rotate', '*.log', '--compress', 'none', '--on-rotate', hook], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	const lines = fs.readFileSync(record, 'utf8').trim().split('\n').sort();
	t.deepEqual(lines, [
		`1|${cwd}/--output=x.log.1|${cwd}/--output=x.log|${cwd}/--output=x.log.1`,
		`1|${cwd}/-rf.log.1|${cwd}/-rf.log|${cwd}/-rf.log.1`,
	]);
	t.false(fs.existsSync(path.join(cwd, 'x.log')));
});
