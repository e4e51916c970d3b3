// rotlog exec FILE -- CMD: the child's stdout and stderr as whole lines under the lock, its exit
// status passed on, SIGTERM forwarded. Real processes throughout; every wait polls a condition.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {linesOf, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function text(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

test('stdout and stderr framed apart, --tag names them, partial last lines ended; the exit status is the command\'s', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'job.log');
	// Each stream's line is written in pieces around the other's: per-stream framing keeps them whole.
	const script = 'printf "out-a "; printf "err-a " >&2; printf "out-b\\n"; printf "err-b\\n" >&2; printf "out-partial"; printf "err-partial" >&2; exit 3';
	const result = await rotlog(['exec', file, '--tag', '--compress', 'none', '--', 'sh', '-c', script]);
	t.is(result.exitCode, 3, result.stderr);
	t.is(result.stderr, '');
	t.is(result.stdout, '');
	const lines = text(file).split('\n').slice(0, -1);
	t.deepEqual(lines.filter(line => line.startsWith('stdout ')), ['stdout out-a out-b', 'stdout out-partial']);
	t.deepEqual(lines.filter(line => line.startsWith('stderr ')), ['stderr err-a err-b', 'stderr err-partial']);
	t.is(lines.length, 4);
});

test('CMD and its arguments pass word for word, options included; a killed CMD gives 128+signal', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'job.log');
	const words = await rotlog(['exec', file, '--', 'printf', '%s|', '007', '--timestamp', '--max', '', 'a b']);
	t.is(words.exitCode, 0, words.stderr);
	t.is(text(file), '007|--timestamp|--max||a b|\n');
	const killed = await rotlog(['exec', file, '--', 'sh', '-c', 'echo before; kill -USR1 $$']);
	t.is(killed.exitCode, 128 + 10);
	t.true(text(file).endsWith('before\n'));
});

test('SIGTERM and SIGINT go to CMD; rotlog writes what it printed on the way out and exits with its status', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'job.log');
	const script = `
let signals = 0;
const on = name => () => { signals++; console.log('got ' + name); if (signals === 2) { console.error('leaving'); process.exit(5); } };
process.on('SIGTERM', on('SIGTERM'));
process.on('SIGINT', on('SIGINT'));
console.log('ready');
setInterval(() => {}, 1000);
`;
	const job = rotlog(['exec', file, '--compress', 'none', '--', process.execPath, '-e', script], {forceKillAfterDelay: false, timeout: 60_000});
	await poll(() => text(file) === 'ready\n', 'the child ready');
	job.kill('SIGTERM');
	await poll(() => text(file).includes('got SIGTERM\n'), 'SIGTERM forwarded');
	job.kill('SIGINT');
	const result = await job;
	t.is(result.exitCode, 5, result.stderr);
	t.deepEqual(text(file).split('\n').slice(0, -1).sort(), ['got SIGINT', 'got SIGTERM', 'leaving', 'ready']);
});

test('a command that cannot run: one line, 127 (not found) or 126 (not runnable); no command: usage error', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'job.log');
	const missing = await rotlog(['exec', file, '--', 'rotlog-no-such-command']);
	t.is(missing.exitCode, 127);
	t.is(missing.stderr, 'rotlog: cannot run \'rotlog-no-such-command\': command not found\n');
	fs.writeFileSync(path.join(directory, 'plain'), 'not a program\n');
	const notRunnable = await rotlog(['exec', file, '--', path.join(directory, 'plain')]);
	t.is(notRunnable.exitCode, 126);
	t.regex(notRunnable.stderr, /^rotlog: cannot run '.*plain': permission denied\n$/);
	for (const args of [['exec', file], ['exec', file, '--'], ['exec', file, 'echo', 'hi']]) {
		const usage = await rotlog(args);
		t.is(usage.exitCode, 2, args.join(' '));
		t.is(usage.stderr, 'rotlog: exec needs a command after --: rotlog exec FILE [options] -- CMD [ARG...]\n');
	}

	const help = await rotlog(['exec', '--help']);
	t.is(help.exitCode, 0);
	for (const option of ['--max', '--keep', '--tag', '--timestamp', '--on-full', '--config']) {
		t.true(help.stdout.includes(option), `${option} in exec --help`);
	}
});

test('a job and a pipe writer on one FILE, with rotations: each line once, whole, in order per stream', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'job.log');
	const common = ['--max', '256K', '--keep', '1000', '--compress', 'none'];
	const out = numberedLines('out', 30_000);
	const err = numberedLines('err', 30_000);
	fs.writeFileSync(path.join(directory, 'out'), out);
	fs.writeFileSync(path.join(directory, 'err'), err);
	const piped = rotlog([file, ...common], {input: numberedLines('pipe', 30_000)});
	const job = await rotlog(['exec', file, ...common, '--', 'sh', '-c', 'cat out & cat err >&2; wait'], {cwd: directory});
	t.is(job.exitCode, 0, job.stderr);
	t.is((await piped).exitCode, 0);
	const {problems, seen} = checkInterleaved(linesOf(readLog(file)), ['out', 'err', 'pipe']);
	t.deepEqual(problems, []);
	t.deepEqual([...seen.values()], [30_000, 30_000, 30_000]);
});
