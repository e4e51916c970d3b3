// The write mode's signals (SIGHUP, SIGUSR1, SIGTERM) and extras (--on-rotate, --tee,
// --timestamp, --mode), and shell completion.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {readText as read} from '../helpers/files.js';
import {poll} from '../helpers/poll.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function writer(file: string, args: string[] = []) {
	return rotlog([file, '--compress', 'none', ...args], {stdin: 'pipe'});
}

test('SIGUSR1 rotates now, SIGHUP reopens FILE, SIGTERM writes the partial line and exits 0', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const child = writer(file);
	child.stdin.write('one\n');
	await poll(() => read(file) === 'one\n', 'the first line');
	child.kill('SIGUSR1');
	await poll(() => read(`${file}.1`) === 'one\n', 'the rotation');
	// The new FILE is created right after the rename.
	await poll(() => fs.existsSync(file), 'the new FILE');

	// Moved away by another tool: SIGHUP makes rotlog open FILE by name again at once.
	fs.renameSync(file, path.join(directory, 'moved.log'));
	child.kill('SIGHUP');
	await poll(() => fs.existsSync(file), 'FILE reopened');
	child.stdin.write('two\nthree');
	await poll(() => read(file) === 'two\n', 'the second line');
	child.kill('SIGTERM');
	const result = await child;
	t.is(result.exitCode, 0, result.stderr);
	t.is(read(file), 'two\nthree\n');
});

test('--on-rotate runs CMD with the archive path and environment; a failure is one line', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const hook = path.join(directory, 'hook.sh');
	const record = path.join(directory, 'hook.out');
	// The hook records its arguments and environment.
	fs.writeFileSync(hook, `#!/bin/sh\necho "$1|$2|$ROTLOG_FILE|$ROTLOG_ARCHIVE" >> '${record}'\n`, {mode: 0o755});
	const input = Array.from({length: 30}, (_, n) => `line ${n}\n`).join('');
	const result = await rotlog([file, '--max', '64', '--keep', '100', '--compress', 'none', '--on-rotate', `${hook} tag`], {input, stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	const lines = read(record).trim().split('\n');
	t.true(lines.length >= 3, read(record));
	for (const line of lines) {
		t.regex(line, new RegExp(`^tag\\|${file}\\.1\\|${file}\\|${file}\\.1$`));
	}

	const failing = await rotlog([file, '--max', '64', '--on-rotate', 'false'], {input, stripFinalNewline: true});
	t.is(failing.exitCode, 0);
	// Compressed (gzip by default): the hook runs once the archive is final, under its name then.
	t.regex(failing.stderr, /^rotlog: --on-rotate 'false' failed for '.*app\.log\.\d+\.gz': exit status 1$/m);
	for (const line of failing.stderr.split('\n')) {
		t.regex(line, /^rotlog: --on-rotate 'false' failed for '.*app\.log\.\d+\.gz': exit status 1$/);
	}

	t.true(read(file).endsWith('line 29\n'));

	const missing = await rotlog(['rotate', file, '--on-rotate', path.join(directory, 'no-such-hook')], {stripFinalNewline: true});
	// A missing program is refused at start (usage error), rather than failing at each rotation.
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /^rotlog: invalid --on-rotate '.*no-such-hook': program '.*no-such-hook' not found$/);
});

test('--tee copies to stdout; when stdout closes, logging goes on', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = Array.from({length: 1000}, (_, n) => `line ${n}\n`).join('');
	const teed = await rotlog([file, '--tee'], {input, reject: true});
	t.is(teed.stdout, input);
	t.is(read(file), input);

	const big = Array.from({length: 200_000}, (_, n) => `line ${n}\n`).join('');
	const other = path.join(directory, 'other.log');
	const piped = await execa('sh', ['-c', `"${rotlogBin}" "${other}" --tee | head -n 1`], {input: big, reject: false});
	t.is(piped.exitCode, 0, piped.stderr);
	t.is(piped.stdout, 'line 0');
	t.is(piped.stderr, '');
	t.is(read(other), big);
});

/**
 * Waits until a teeing writer whose stdout nobody reads has stopped: FILE short of the `total`
 * bytes of input and unchanged over 20 polls (about 200 ms; a writer that is not stuck writes all
 * of it in a few milliseconds).
 */
async function teeStuck(file: string, total: number): Promise<void> {
	let size = -1;
	let still = 0;
	await poll(() => {
		const now = read(file).length;
		still = now > 0 && now === size ? still + 1 : 0;
		size = now;
		return still >= 20 && now < total;
	}, 'the teeing writer to stop, waiting for its stdout').catch((error: unknown) => {
		throw new Error(`${String(error)} (FILE has ${size} of ${total} bytes)`);
	});
}

test('--tee waiting for a slow stdout never keeps other writers waiting for the lock', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// Nobody reads this writer's stdout (a paused stream stops reading once its buffer is full):
	// its --tee copy fills the pipe and the writer waits there.
	const teeing = spawn(process.execPath, [rotlogBin, file, '--tee', '--compress', 'none'], {stdio: ['pipe', 'pipe', 'inherit']});
	teeing.stdout.pause();
	t.teardown(() => teeing.kill('SIGKILL'));
	const exited = new Promise<number | null>(resolve => {
		teeing.on('close', code => {
			resolve(code);
		});
	});
	// Several 1 MiB batches: the writer stops inside the input, whatever one batch holds.
	const mine = Array.from({length: 300_000}, (_, n) => `tee ${n}\n`).join('');
	teeing.stdin.write(mine);
	await teeStuck(file, mine.length);
	const other = Array.from({length: 1000}, (_, n) => `other ${n}\n`).join('');
	const result = await rotlog([file, '--compress', 'none'], {input: other, timeout: 20_000, stripFinalNewline: true});
	t.false(result.timedOut, 'the other writer waited for the lock while the teeing writer waited for its stdout');
	t.is(result.exitCode, 0, result.stderr);
	// Unblock the teeing writer: its stdout closes, teeing stops, logging goes on.
	teeing.stdin.end();
	teeing.stdout.destroy();
	t.is(await exited, 0);
	const lines = read(file);
	t.is(lines.split('\n').filter(line => line.startsWith('tee ')).length, 300_000);
	t.is(lines.split('\n').filter(line => line.startsWith('other ')).length, 1000);
});

/** CPU ticks (user + system) a process has used, from /proc. */
function cpuTicks(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return Number(fields[11]) + Number(fields[12]);
}

const withProc = fs.existsSync('/proc/self/stat') ? test : test.skip;

withProc('--tee with a stdout nobody reads waits without spinning, and SIGTERM ends it at once with exit 0', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const teeing = spawn(process.execPath, [rotlogBin, file, '--tee', '--compress', 'none'], {stdio: ['pipe', 'pipe', 'inherit']});
	teeing.stdout.pause();
	t.teardown(() => teeing.kill('SIGKILL'));
	const exited = new Promise<{code: number | null; at: number}>(resolve => {
		teeing.on('close', code => {
			resolve({code, at: Date.now()});
		});
	});
	const input = Array.from({length: 300_000}, (_, n) => `tee ${n}\n`).join('');
	// What the writer has not read when SIGTERM ends it is refused (EPIPE): that is expected.
	teeing.stdin.on('error', () => undefined);
	teeing.stdin.write(input);
	await teeStuck(file, input.length);
	const before = cpuTicks(teeing.pid!);
	await new Promise(resolve => {
		setTimeout(resolve, 1000);
	});
	// A writer spinning on its full stdout took about 17% of a core; one that waits takes none.
	t.true(cpuTicks(teeing.pid!) - before <= 5, `${cpuTicks(teeing.pid!) - before} ticks of CPU in a second of waiting`);
	const signalled = Date.now();
	teeing.kill('SIGTERM');
	const {code, at} = await exited;
	t.is(code, 0);
	t.true(at - signalled < 10_000, `exited ${at - signalled} ms after SIGTERM`);
	// What was read is written, its last partial line ended with a newline: a prefix of the input.
	const written = read(file);
	t.true(written.length > 0 && written.endsWith('\n') && input.startsWith(written.slice(0, -1)));
});

test('--timestamp prefixes each line (iso by default, or unix); FILE stays an argument', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const before = Date.now();
	await rotlog(['--timestamp', file], {input: 'a\n\nb', reject: true});
	const lines = read(file).split('\n');
	t.is(lines.length, 4);
	for (const [index, text] of ['a', '', 'b'].entries()) {
		const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) (.*)$/.exec(lines[index]!);
		t.truthy(match, lines[index]);
		t.is(match![2], text);
		t.true(Math.abs(Date.parse(match![1]!) - before) < 60_000);
	}

	const unix = path.join(directory, 'unix.log');
	await rotlog([unix, '--timestamp=unix'], {input: 'x\n', reject: true});
	t.regex(read(unix), /^\d{10}\.\d{3} x\n$/);
	const bad = await rotlog([unix, '--timestamp=rfc'], {stripFinalNewline: true});
	t.is(bad.exitCode, 2);
	t.is(bad.stderr, 'rotlog: invalid --timestamp \'rfc\': expected iso or unix');
});

test('--mode sets the mode of created files; archives keep it', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	await rotlog([file, '--mode', '0600', '--max', '8', '--compress', 'none'], {input: 'first\nsecond\n', reject: true});
	const mode = (name: string) => fs.statSync(name).mode & 0o777;
	t.is(mode(file), 0o600);
	t.is(mode(`${file}.1`), 0o600);
	t.is(mode(`${file}.lock`), 0o600);
	const rotated = await rotlog(['rotate', file, '--mode', '0640', '--compress', 'none'], {stripFinalNewline: true});
	t.is(rotated.exitCode, 0);
	t.is(mode(`${file}.1`), 0o600);
	// 0640 less the umask.
	t.is(mode(file) & 0o600, 0o600);
	t.is(mode(file) & ~0o640, 0);
	const bad = await rotlog([file, '--mode', 'rw'], {stripFinalNewline: true});
	t.is(bad.stderr, 'rotlog: invalid --mode \'rw\': expected an octal file mode such as 0640');
});

test('without --mode, the FILE made by a rotation takes the mode of the FILE before it (writers, rotate, check)', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const mode = (name: string) => fs.statSync(name).mode & 0o7777;
	// A log made private by hand, as an operator would (chmod 0600), with a umask that would not.
	fs.writeFileSync(file, 'old\n');
	fs.chmodSync(file, 0o600);
	const written = await rotlog([file, '--max', '16', '--keep', '100', '--compress', 'none'], {input: 'first line\nsecond line\nthird line\n', reject: true});
	t.is(written.exitCode, 0, written.stderr);
	t.true(fs.existsSync(`${file}.2`), 'two rotations');
	t.is(mode(file), 0o600);
	t.is(mode(`${file}.1`), 0o600);
	t.is(mode(`${file}.2`), 0o600);

	fs.chmodSync(file, 0o640);
	const rotated = await rotlog(['rotate', file, '--compress', 'none'], {stripFinalNewline: true});
	t.is(rotated.exitCode, 0, rotated.stderr);
	t.is(mode(file), 0o640, 'rotate keeps it too');
	fs.writeFileSync(file, 'x'.repeat(40) + '\n');
	const checked = await rotlog(['check', file, '--max', '16', '--compress', 'none'], {stripFinalNewline: true});
	t.is(checked.exitCode, 0, checked.stderr);
	t.is(fs.statSync(file).size, 0, 'check rotated');
	t.is(mode(file), 0o640, 'and so does check');
	t.is(mode(`${file}.1`), 0o640);
});

test('completion prints a shell completion script', async t => {
	const result = await rotlog(['completion'], {stripFinalNewline: true});
	t.is(result.exitCode, 0);
	t.regex(result.stdout, /rotlog/);
	t.regex(result.stdout, /complete/);
});
