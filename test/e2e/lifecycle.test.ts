// When the process ends: promptly at end of input (no timer or handle keeps it alive), and on
// SIGTERM / SIGINT after writing what it read, a partial last line included.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function contentOf(file: string): string {
	try {
		return fs.readFileSync(file, 'latin1');
	} catch {
		return '';
	}
}

test('exits promptly at end of input, with status 0 and the partial last line written', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const writer = rotlog([file, '--max', '1M'], {stdin: 'pipe', timeout: 30_000});
	writer.stdin!.write('one\ntwo\nthr');
	// Running and idle, waiting for input.
	await poll(() => contentOf(file) === 'one\ntwo\n', 'the complete lines', 30_000);
	const ended = Date.now();
	writer.stdin!.end('ee');
	const result = await writer;
	const exitedAfter = Date.now() - ended;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.is(contentOf(file), 'one\ntwo\nthree\n');
	// Generous for a loaded machine; a timer or open handle would keep it here until the timeout.
	t.true(exitedAfter < 5000, `exited ${exitedAfter} ms after end of input`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	test(`${signal} with a partial line pending: the line is written with a newline, exit 0`, async t => {
		const file = path.join(await tempDir(t), 'app.log');
		const writer = rotlog([file], {stdin: 'pipe', timeout: 30_000});
		// One write, so the partial line arrives with the complete ones.
		writer.stdin!.write('one\ntwo\npartial');
		await poll(() => contentOf(file) === 'one\ntwo\n', 'the complete lines', 30_000);
		// The pipe stays open: only the signal can end the process.
		writer.kill(signal);
		const result = await writer;
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.signal, undefined);
		t.is(result.stderr, '');
		t.is(contentOf(file), 'one\ntwo\npartial\n');
		writer.stdin!.destroy();
	});
}

// The shim holds both signals from its first lines (src/stop-signals.ts): before, a stop that came
// after the lock file was made but before the write mode's handlers existed ended the writer by
// the signal's default action, so a service manager saw it crash.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	test(`${signal} while the writer starts, as soon as its lock file appears: exit 0, whole lines only`, async t => {
		const file = path.join(await tempDir(t), 'app.log');
		const writer = rotlog([file], {stdin: 'pipe', timeout: 60_000});
		writer.stdin!.write('one\ntwo\n');
		await poll(() => fs.existsSync(`${file}.lock`), 'the lock file', 60_000, 1);
		writer.kill(signal);
		const result = await writer;
		t.is(result.signal, undefined, `ended by ${result.signal ?? ''}`);
		t.is(result.exitCode, 0, result.stderr);
		t.true(['', 'one\ntwo\n'].includes(contentOf(file)), JSON.stringify(contentOf(file)));
		writer.stdin!.destroy();
	});
}
