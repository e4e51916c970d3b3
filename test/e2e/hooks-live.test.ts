// --on-rotate while stdin is still a live pipe (the usual `app | rotlog --on-rotate CMD`), and a
// SIGTERM that arrives while a hook runs: both once broke because a library touched fd 0.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {readText as read} from '../helpers/files.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

test('--on-rotate runs while the input pipe is still open, with the compressed archive', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const record = path.join(directory, 'hook.out');
	const hook = path.join(directory, 'hook.sh');
	fs.writeFileSync(hook, `#!/bin/sh\necho "$1" >> '${record}'\n`, {mode: 0o755});
	const writer = rotlog([file, '--max', '16', '--on-rotate', hook], {stdin: 'pipe', stripFinalNewline: true});
	writer.stdin.write('first line 1\n');
	writer.stdin.write('second line 2\n');
	// The pipe stays open: the hook must run now, not only after EOF.
	await poll(() => read(record).includes(`${file}.1.gz`), 'the hook for the first archive');
	writer.stdin.end();
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
});

test('SIGTERM while a hook runs: rotlog waits for the hook, writes what it read, exits 0', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const started = path.join(directory, 'started');
	const release = path.join(directory, 'release');
	const record = path.join(directory, 'hook.out');
	const hook = path.join(directory, 'hook.sh');
	// The hook says it started, then waits until the test lets it finish.
	fs.writeFileSync(hook, `#!/bin/sh\ntouch '${started}'\nwhile [ ! -e '${release}' ]; do sleep 0.05; done\necho "$1" >> '${record}'\n`, {mode: 0o755});
	// However the test ends, the hook must not wait forever.
	t.teardown(() => {
		fs.writeFileSync(release, '', {flag: 'a'});
	});
	const writer = rotlog([file, '--max', '16', '--compress', 'none', '--on-rotate', hook], {stdin: 'pipe', stripFinalNewline: true});
	// 13 + 14 bytes: the second line rotates the first away; 'p\n' still fits beside the second.
	writer.stdin.write('first line 1\nsecond line 2\np');
	await poll(() => fs.existsSync(started), 'the hook to start');
	writer.kill('SIGTERM');
	// rotlog has stopped reading and waits for the hook.
	await poll(() => read(file) === 'second line 2\np\n', 'the partial line written with a newline');
	fs.writeFileSync(release, '');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(read(record), `${file}.1\n`);
	t.is(read(`${file}.1`), 'first line 1\n');
});
