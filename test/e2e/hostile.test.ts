// Files planted by another user in a shared (1777) log directory: a FIFO, a regular file or a
// symbolic link at FILE's name, at the lock file's or at an archive's. rotlog never writes a line
// into something it did not make or cannot vouch for, never blocks on a FIFO, and says so in one
// line. Also: the lock file deleted under live writers does not break their mutual exclusion.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {kernelLock} from '../../src/log/kernel-lock.js';
import {linesOf, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';
import {isRoot, needsRoot, runAsNobody, sharedDir} from '../helpers/users.js';

const rootTest = isRoot ? test : test.skip;
if (!isRoot) {
	console.log(`hostile.test.ts: the tests planting files as another user ${needsRoot}`);
}

async function plantFifo(name: string): Promise<void> {
	const planted = await runAsNobody('mkfifo', [name]);
	if (planted.exitCode !== 0) {
		throw new Error(`mkfifo ${name}: ${planted.stderr}`);
	}
}

const refusedFifo = (name: string) => `rotlog: refusing '${name}': it is a FIFO, not a regular file\n`;

rootTest('a FIFO planted at FILE is refused with one line by the writer, rotate and check', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	await plantFifo(file);
	for (const args of [[file], ['rotate', file], ['check', file, '--max', '1']]) {
		const result = await rotlog(args, {input: 'secret\n', timeout: 60_000});
		t.is(result.exitCode, 1, args.join(' '));
		t.is(result.stderr, refusedFifo(file), args.join(' '));
	}
});

rootTest('a FIFO planted at FILE under a running writer: it stops with one line, writing nothing into the pipe', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	const writer = rotlog([file], {stdin: 'pipe'});
	writer.stdin!.write('before\n');
	await poll(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8') === 'before\n', 'the first line', 10_000);
	// Deleted by hand (or by another tool); the attacker is quicker than the writer's next batch.
	fs.rmSync(file);
	await plantFifo(file);
	writer.stdin!.end('secret\n');
	const result = await writer;
	t.is(result.exitCode, 1);
	t.is(result.stderr, refusedFifo(file));
});

rootTest('a regular file planted at FILE by another user in a sticky directory is refused by root', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	const first = await rotlog([file], {input: 'first\n'});
	t.is(first.exitCode, 0, first.stderr);
	fs.rmSync(file);
	const planted = await runAsNobody('touch', [file]);
	t.is(planted.exitCode, 0, planted.stderr);
	for (const args of [[file], ['check', file, '--max', '1']]) {
		const result = await rotlog(args, {input: 'secret\n', timeout: 60_000});
		t.is(result.exitCode, 1, args.join(' '));
		t.regex(result.stderr, /^rotlog: refusing '.*app\.log': it is owned by uid \d+, not by rotlog's user, root, the directory's owner or the lock file's owner\n$/, args.join(' '));
	}

	t.is(fs.readFileSync(file, 'utf8'), '', 'nothing was written into the planted file');
});

rootTest('a FIFO planted at the lock file is refused with one line, without blocking', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	await plantFifo(`${file}.lock`);
	for (const args of [[file], ['check', file, '--max', '1']]) {
		const result = await rotlog(args, {input: 'x\n', timeout: 60_000});
		t.is(result.exitCode, 1, args.join(' '));
		t.is(result.stderr, refusedFifo(`${file}.lock`), args.join(' '));
	}
});

rootTest('cat skips a FIFO or a symbolic link planted at an archive name, with one line each', async t => {
	const directory = await sharedDir(t);
	const file = path.join(directory, 'app.log');
	const secret = path.join(directory, 'secret');
	fs.writeFileSync(secret, 'root only\n', {mode: 0o600});
	t.is((await rotlog([file, '--compress', 'none'], {input: 'one\n'})).exitCode, 0);
	t.is((await rotlog(['rotate', file, '--compress', 'none'])).exitCode, 0);
	t.is((await rotlog([file], {input: 'two\n'})).exitCode, 0);
	await plantFifo(`${file}.7`);
	const linked = await runAsNobody('ln', ['-s', secret, `${file}.5`]);
	t.is(linked.exitCode, 0, linked.stderr);
	const result = await rotlog(['cat', file], {timeout: 60_000});
	t.false(result.timedOut, 'cat does not wait on the FIFO');
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, 'one\ntwo\n');
	t.is(result.stderr, [
		`rotlog: skipping '${file}.7': it is a FIFO, not a regular file\n`,
		`rotlog: skipping '${file}.5': it is a symbolic link, not a regular file\n`,
	].join(''));
});

test('SIGTERM and SIGINT end a cat that waits for the lock', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	t.is((await rotlog([file], {input: 'one\n'})).exitCode, 0);
	const fd = fs.openSync(`${file}.lock`, 'r+');
	t.teardown(() => {
		fs.closeSync(fd);
	});
	t.true(kernelLock.tryLock(fd), 'the test holds the lock');
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		const cat = rotlog(['cat', file], {timeout: 60_000});
		const fds = `/proc/${cat.pid!}/fd`;
		// A descriptor may close between the listing and the look at it.
		const target = (fd: string) => {
			try {
				return fs.readlinkSync(path.join(fds, fd), 'utf8');
			} catch {
				return undefined;
			}
		};

		// It has the lock file open to wait on: the shim holds both signals long before that, and
		// cat takes them over (src/stop-signals.ts).
		await poll(() => fs.readdirSync(fds).some(fd => target(fd) === `${file}.lock`), 'cat to wait on the lock file', 60_000);
		const sent = Date.now();
		cat.kill(signal);
		const result = await cat;
		t.false(result.timedOut, `${signal}: cat ended by itself`);
		t.is(result.exitCode, 0, signal);
		// Promptly: the wait for the lock never outlasts a signal (a loaded machine may take seconds to start and stop Node).
		t.true(Date.now() - sent < 30_000, `${signal}: cat ended promptly`);
	}

	kernelLock.unlock(fd);
});

// Deleting the lock file lets the next writer create and lock a new one while an old holder is
// still at work. Before each write and each step of a rotation the holder checks that its lock is
// still the lock file's, and FILE's own inode is locked for the whole of the work, so two rotations
// never interleave their renames (before: 25 to 46% of these lines lost).
test('lines stay exact while the lock file is deleted over and over under four writers', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const names = ['w1', 'w2', 'w3', 'w4'];
	const count = 8000;
	const unlinking = setInterval(() => {
		fs.rmSync(`${file}.lock`, {force: true});
	}, 10);
	const writers = names.map(name => rotlog([file, '--max', '16K', '--keep', '100000', '--compress', 'none'], {input: numberedLines(name, count)}));
	const results = await Promise.all(writers);
	clearInterval(unlinking);
	for (const result of results) {
		t.is(result.exitCode, 0, result.stderr);
	}

	const {problems, seen} = checkInterleaved(linesOf(readLog(file)), names);
	t.deepEqual(problems, []);
	t.deepEqual([...seen.values()], names.map(() => count));
});

// Keeps the compiled test's imports honest when mkfifo is missing: every test above needs it.
test.before(() => {
	execFileSync('mkfifo', ['--version']);
});
