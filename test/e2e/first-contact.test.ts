// What a first-time user meets: --help that fits a terminal (or 80 columns through a pipe), errors
// in rotlog's own words with the option probably meant, nothing accepted in silence, completion
// that offers what the command takes, and a word about a long run when asked.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {execa} from 'execa';
import {rotlog, rotlogBin, type RotlogResult} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** Exit `exitCode`, exactly `line` on stderr, nothing on stdout. */
function assertMessage(t: ExecutionContext, result: RotlogResult, exitCode: number, line: string) {
	t.is(result.stderr, `${line}\n`);
	t.is(result.exitCode, exitCode);
	t.is(result.stdout, '');
}

const commands = [[], ['exec'], ['rotate'], ['check'], ['status'], ['cat'], ['completion']];

test('every command\'s --help, piped, is at most 80 columns wide', async t => {
	for (const command of commands) {
		const result = await rotlog([...command, '--help']);
		t.is(result.exitCode, 0, result.stderr);
		const wide = result.stdout.split('\n').filter(line => line.length > 80);
		t.deepEqual(wide, [], `rotlog ${command.join(' ')} --help`);
	}
});

test('--help names each option\'s value', async t => {
	const {stdout} = await rotlog(['--help']);
	for (const label of ['--max SIZE', '--keep N', '--interval SPEC', '--lock PATH', '--mode MODE', '--on-rotate CMD']) {
		t.true(stdout.includes(label), label);
	}

	t.false(stdout.includes('[string]'));
});

test('status --help and cat --help never say that --interval rotates', async t => {
	for (const command of ['status', 'cat']) {
		const {stdout} = await rotlog([command, '--help']);
		t.false(stdout.includes('rotate when'), stdout);
		t.true(stdout.includes('--interval SPEC'));
	}
});

const messages: Array<[string[], string]> = [
	[['app.log', '--max-size', '1G'], 'rotlog: unknown option --max-size (did you mean --max?)'],
	[['status'], 'rotlog: status needs FILE: rotlog status [options] FILE'],
	[['cat'], 'rotlog: cat needs FILE: rotlog cat [options] FILE'],
	[['app.log', '--keep'], 'rotlog: --keep needs a value: --keep N'],
	[['status', 'app.log', '--max', '1K'], 'rotlog: status takes no --max (an option of the write mode, exec, rotate and check)'],
	// An unknown option before FILE takes FILE as its value: the option is the mistake, not FILE.
	[['cat', '--follw', 'a.log'], 'rotlog: unknown option --follw (did you mean --follow?)'],
	[['cat', '--folow', 'a.log'], 'rotlog: unknown option --folow (did you mean --follow?)'],
	[['status', '--jsn', 'a.log'], 'rotlog: unknown option --jsn (did you mean --json?)'],
	[['check', '--dryrun', 'a.log'], 'rotlog: unknown option --dryrun (did you mean --dry-run?)'],
	[['status', '--max', 'a.log'], 'rotlog: status takes no --max (an option of the write mode, exec, rotate and check)'],
];

for (const [args, line] of messages) {
	test(`rotlog's words, exit 2: rotlog ${args.join(' ')}`, async t => {
		const cwd = await tempDir(t);
		assertMessage(t, await rotlog(args, {input: 'x\n', cwd}), 2, line);
		t.deepEqual(fs.readdirSync(cwd), []);
	});
}

test('--timestamp iso and --timestamp unix take the next word as the value; another word stays FILE', async t => {
	const cwd = await tempDir(t);
	for (const [args, pattern] of [
		[['--timestamp', 'iso', 'iso.log'], /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) x\n$/],
		[['--timestamp', 'unix', 'unix.log'], /^\d+\.\d{3} x\n$/],
		[['--timestamp', 'bare.log'], /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) x\n$/],
	] as const) {
		const result = await rotlog(args, {input: 'x\n', cwd});
		t.is(result.exitCode, 0, result.stderr);
		t.regex(fs.readFileSync(path.join(cwd, args.at(-1)!), 'utf8'), pattern);
	}
});

test('a symbolic link at FILE is refused in rotlog\'s words', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'victim'), 'v\n');
	fs.symlinkSync('victim', path.join(cwd, 'x'));
	assertMessage(t, await rotlog(['x'], {input: 'x\n', cwd}), 1, 'rotlog: refusing \'x\': it is a symbolic link (rotlog never writes through links; name the file itself)');
	t.is(fs.readFileSync(path.join(cwd, 'victim'), 'utf8'), 'v\n');
});

test('-V prints the version, as --version does', async t => {
	const long = await rotlog(['--version']);
	const short = await rotlog(['-V']);
	t.is(short.exitCode, 0);
	t.is(short.stdout, long.stdout);
	t.regex(short.stdout, /^\d+\.\d+\.\d+/);
});

test('--stdin without --fifo or --listen is a usage error, and nothing is created', async t => {
	const cwd = await tempDir(t);
	assertMessage(t, await rotlog(['app.log', '--stdin'], {input: 'x\n', cwd}), 2, 'rotlog: invalid --stdin: it only adds stdin to --fifo or --listen input (without them stdin is read anyway)');
	t.deepEqual(fs.readdirSync(cwd), []);
});

for (const command of ['check', 'rotate']) {
	test(`${command}: a named log that does not exist is said, the others done, exit 1; --missing-ok skips it silently`, async t => {
		const cwd = await tempDir(t);
		fs.writeFileSync(path.join(cwd, 'app.log'), 'x\n');
		const said = await rotlog([command, 'gone.log', 'app.log', '--max', '1', '--compress', 'none'], {cwd});
		assertMessage(t, said, 1, 'rotlog: no log at \'gone.log\': skipped (--missing-ok to allow)');
		t.true(fs.existsSync(path.join(cwd, 'app.log.1')), 'app.log was still rotated');
		const allowed = await rotlog([command, 'gone.log', '--missing-ok'], {cwd});
		t.is(allowed.exitCode, 0, allowed.stderr);
		t.is(allowed.stderr, '');
		t.false(fs.existsSync(path.join(cwd, 'gone.log.lock')));
	});
}

test('check --config: an entry whose log does not exist is said unless it has "missing-ok": true', async t => {
	const cwd = await tempDir(t);
	fs.writeFileSync(path.join(cwd, 'config.json'), JSON.stringify({files: [{path: 'quiet.log', 'missing-ok': true}, 'loud.log']}));
	assertMessage(t, await rotlog(['check', '--config', 'config.json'], {cwd}), 1, 'rotlog: no log at \'loud.log\': skipped (--missing-ok to allow)');
	fs.writeFileSync(path.join(cwd, 'config.json'), JSON.stringify({defaults: {'missing-ok': true}, files: ['quiet.log', 'loud.log']}));
	const allowed = await rotlog(['check', '--config', 'config.json'], {cwd});
	t.is(allowed.exitCode, 0, allowed.stderr);
	t.is(allowed.stderr, '');
});

/** What bash offers for `words` (the last being completed), through the script `rotlog completion` prints. */
async function complete(t: ExecutionContext, words: string[]): Promise<string[]> {
	const bin = await tempDir(t);
	// The script runs `rotlog` from PATH, as an installed rotlog would be.
	fs.writeFileSync(path.join(bin, 'rotlog'), `#!/bin/sh\nexec '${process.execPath}' '${rotlogBin}' "$@"\n`, {mode: 0o755});
	const script = (await rotlog(['completion'])).stdout;
	const quoted = words.map(word => `'${word}'`).join(' ');
	const result = await execa('bash', ['-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _rotlog_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`], {
		env: {PATH: `${bin}:${process.env['PATH'] ?? ''}`},
		reject: false,
	});
	t.is(result.exitCode, 0, result.stderr);
	return result.stdout.split('\n').filter(Boolean);
}

test('the completion script names only commands a user can run', async t => {
	const {stdout} = await rotlog(['completion']);
	t.false(stdout.includes('completion-internal'));
	t.true(stdout.includes('rotlog completion >> ~/.bashrc'));
});

test('completion: the commands (no $0), the write mode\'s options at the top level, each command\'s own long options', async t => {
	t.deepEqual(await complete(t, ['rotlog', '']), ['rotate', 'check', 'status', 'cat', 'exec', 'completion']);
	t.deepEqual(await complete(t, ['rotlog', '--ma']), ['--max', '--max-age', '--max-total', '--max-record', '--max-line']);
	t.deepEqual(await complete(t, ['rotlog', 'app.log', '--compress', '']), ['gzip', 'brotli', 'zstd', 'none']);
	const check = await complete(t, ['rotlog', 'check', '--']);
	for (const option of ['--max', '--keep', '--verbose', '--dry-run', '--missing-ok', '--help', '--version']) {
		t.true(check.includes(option), option);
	}

	t.false(check.some(option => /^--.$/.test(option)), check.join(' '));
	t.false(check.includes('--fifo'));
	t.deepEqual(await complete(t, ['rotlog', 'status', '--']), ['--lock', '--name', '--date-format', '--interval', '--json', '--utc', '--help', '--version']);
});

test('--verbose: one summary line at exit; without it, nothing on stderr when it is not a terminal', async t => {
	const cwd = await tempDir(t);
	const input = Array.from({length: 1000}, (_, index) => `line ${index}\n`).join('');
	const verbose = await rotlog(['app.log', '--max', '2K', '--compress', 'none', '--verbose'], {input, cwd});
	t.is(verbose.exitCode, 0);
	t.is(verbose.stdout, '');
	t.regex(verbose.stderr, new RegExp(`^rotlog: 1000 lines, ${Buffer.byteLength(input)} bytes, 4 rotations in \\d+\\.\\d s\\n$`));
	const quiet = await rotlog(['quiet.log', '--max', '2K', '--compress', 'none'], {input, cwd});
	t.is(quiet.exitCode, 0);
	t.is(quiet.stderr, '');
});

/**
 * Runs rotlog (the arguments after the script's own) with a pseudo-terminal as its stderr: feeds it
 * `first`, waits until the terminal shows its status line, feeds `second` and ends its input; prints
 * what the terminal got. Python's pty module, as Node cannot open a pseudo-terminal (and script(1)
 * stops relaying output once its own stdin ends, as it does under a test runner).
 */
const onTerminal = `
import os, select, subprocess, sys
master, slave = os.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
child.stdin.write(b'first\\n')
child.stdin.flush()
out = b''
def read(until):
    global out
    while until is None or until not in out:
        ready, _, _ = select.select([master], [], [], 20)
        if not ready:
            sys.exit('timed out: ' + repr(out))
        try:
            data = os.read(master, 4096)
        except OSError:
            return
        if not data:
            return
        out += data
read(b'lines/s')
child.stdin.write(b'second\\n')
child.stdin.close()
read(None)
sys.stdout.buffer.write(out)
sys.exit(child.wait())
`;

test('with stderr a terminal, a live status line is drawn and erased at the end', async t => {
	const cwd = await tempDir(t);
	const result = await execa('python3', ['-c', onTerminal, process.execPath, rotlogBin, 'app.log'], {cwd, reject: false, timeout: 60_000, stripFinalNewline: false});
	t.is(result.exitCode, 0, result.stderr);
	const erase = '\r\u001B[K';
	t.true(result.stdout.startsWith(`${erase}rotlog: `), JSON.stringify(result.stdout));
	t.regex(result.stdout.slice(erase.length), /^rotlog: \d+ lines\/s, \d+ B, 0 rotations/);
	t.true(result.stdout.endsWith(erase), JSON.stringify(result.stdout));
	t.is(fs.readFileSync(path.join(cwd, 'app.log'), 'utf8'), 'first\nsecond\n');
});
