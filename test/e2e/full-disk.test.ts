// A full disk and I/O errors: by default the unwritten lines are kept, reading stops,
// writes are retried, and once space returns every line is in FILE exactly once, with no partial
// line ever left. --on-full drop drops them instead and says how many. Tested on a real full
// tmpfs where this machine lets us mount one, and through ROTLOG_TEST_FAULTS everywhere.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {linesOf, logFiles, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLine, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';
import {fill, tmpfs, tmpfsProblem} from '../helpers/tmpfs.js';

const problem = tmpfsProblem();
const onTmpfs = problem === undefined ? test : test.skip;
const skipNote = problem === undefined ? '' : ` (skipped: ${problem})`;
if (problem !== undefined) {
	console.log(`full-disk tests on a real tmpfs skipped: ${problem}`);
}

/**
 * FILE ends with a newline (or is empty), and the whole log (archives oldest first, then FILE)
 * holds each writer's lines in order from its first: nothing lost, doubled or torn so far.
 */
function assertWhole(t: ExecutionContext, file: string, writers: string[]): Map<string, number> {
	const bytes = fs.readFileSync(file);
	t.true(bytes.length === 0 || bytes.at(-1) === 0x0a, 'no partial line at the end of FILE');
	const {problems, seen} = checkInterleaved(linesOf(readLog(file)), writers);
	t.deepEqual(problems, []);
	return seen;
}

/** The lines --on-full drop reported dropped, over all its reports. */
function droppedIn(stderr: string): number {
	return [...stderr.matchAll(/dropped (\d+) lines/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Dropping leaves gaps: every line is still whole and valid, and they are in order. */
function assertValidInOrder(t: ExecutionContext, file: string): void {
	const bytes = fs.readFileSync(file);
	t.true(bytes.length === 0 || bytes.at(-1) === 0x0a, 'no partial line at the end of FILE');
	let last = -1;
	const bad: string[] = [];
	for (const line of linesOf(bytes)) {
		const seq = Number(/^w1-(\d{6})-/.exec(line)?.[1] ?? Number.NaN);
		if (!(seq > last) || line !== numberedLine('w1', seq)) {
			bad.push(line.slice(0, 60));
		}

		last = seq;
	}

	t.deepEqual(bad.slice(0, 5), []);
}

onTmpfs(`disk full: lines are kept, reading stops, and all arrive once space returns${skipNote}`, async t => {
	const directory = await tmpfs(t, '16m');
	const file = path.join(directory, 'app.log');
	const filler = fill(directory, 200 * 1024);
	const input = numberedLines('w1', 200_000);
	t.true(input.length > 6 * 1024 * 1024, 'more input than rotlog may buffer');

	// Rotation at 64K makes each write at most 64K: some fit before the disk fills.
	const writer = rotlog([file, '--compress', 'none', '--max', '64K', '--keep', '1000'], {stdin: 'pipe'});
	const stdin = writer.stdin!;
	// In 64K pieces: writableLength then falls as rotlog reads, piece by piece.
	for (let at = 0; at < input.length; at += 65_536) {
		stdin.write(input.slice(at, at + 65_536));
	}

	let stderr = '';
	writer.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	await poll(() => stderr.includes('no space left on device'), 'the disk-full report', 20_000);

	// While full: FILE holds whole lines only, and rotlog stopped reading (its input waits in the pipe).
	const seen = assertWhole(t, file, ['w1']);
	t.true(seen.get('w1')! > 0, 'some lines fitted before the disk filled');
	await poll(() => stdin.writableLength < input.length, 'rotlog to have read something', 5000);
	// A negative check needs a window: 300 ms is ages for a reader that would drain the pipe in 10 ms.
	await delay(300);
	t.true(stdin.writableLength > 1024 * 1024, `rotlog stopped reading (${stdin.writableLength} bytes still unread)`);

	fs.rmSync(filler);
	stdin.end();
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(readLog(file).toString('latin1'), input, 'every line once, in order');
	t.is(stderr.trim().split('\n').length, 1, `one line for the episode, not one per retry: ${stderr}`);
});

onTmpfs(`--on-full drop: lines are dropped while the disk is full, and counted${skipNote}`, async t => {
	const directory = await tmpfs(t, '4m');
	const file = path.join(directory, 'app.log');
	fill(directory, 100 * 1024);
	const count = 30_000;
	const result = await rotlog([file, '--compress', 'none', '--on-full', 'drop'], {input: numberedLines('w1', count)});
	t.is(result.exitCode, 0, result.stderr);
	// A later, smaller batch may fit the space a cut-back write freed: then one episode ends and
	// another begins, each reported; the counts add up all the same.
	t.regex(result.stderr, /^rotlog: cannot write to .*no space left on device; dropping lines/);
	const dropped = droppedIn(result.stderr);
	assertValidInOrder(t, file);
	t.true(dropped > 0);
	t.is(linesOf(fs.readFileSync(file)).length + dropped, count, 'written + dropped = read');
});

// The same through the fault seam, where no tmpfs can be mounted: each failing write writes half
// its bytes first, as a filling disk does, so the cut back to whole lines is exercised too.
test('injected ENOSPC and EIO: kept and retried, every line once, one report', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = numberedLines('w1', 20_000);
	const result = await rotlog([file, '--max', '64K', '--keep', '100', '--compress', 'none'], {
		input,
		env: {ROTLOG_TEST_FAULTS: 'write=ENOSPC*4'},
	});
	t.is(result.exitCode, 0, result.stderr);
	t.is(readLog(file).toString('latin1'), input);
	t.regex(result.stderr, /^rotlog: cannot write to '.*app\.log': no space left on device.*retrying until it works\n$/);
	for (const name of logFiles(file)) {
		t.true(fs.statSync(name).size <= 64 * 1024, `${name} within --max`);
	}

	const eio = await rotlog([file, '--timestamp=unix'], {input: 'a\nb\nc\n', env: {ROTLOG_TEST_FAULTS: 'write=EIO*2'}});
	t.is(eio.exitCode, 0, eio.stderr);
	t.regex(eio.stderr, /i\/o error/);
	t.deepEqual(linesOf(fs.readFileSync(file)).slice(-3).map(line => line.split(' ')[1]), ['a', 'b', 'c'], 'stamped lines, once each');
});

test('a failed rotation writes on past --max, says so once, and loses nothing', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const input = numberedLines('w1', 5000);
	const result = await rotlog([file, '--max', '16K', '--compress', 'none'], {input, env: {ROTLOG_TEST_FAULTS: 'rename=EACCES*1'}});
	t.is(result.exitCode, 0, result.stderr);
	t.is(readLog(file).toString('latin1'), input);
	t.regex(result.stderr, /^rotlog: cannot rename .*permission denied.*; writing on past --max until a rotation succeeds\n$/);
	t.true(fs.statSync(file).size > 16 * 1024, 'FILE grew past --max');
});

test('--on-full drop with injected errors: written + dropped = read', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const count = 20_000;
	const result = await rotlog([file, '--on-full', 'drop'], {input: numberedLines('w1', count), env: {ROTLOG_TEST_FAULTS: 'write=ENOSPC*1'}});
	t.is(result.exitCode, 0, result.stderr);
	const dropped = droppedIn(result.stderr);
	t.true(dropped > 0, result.stderr);
	assertValidInOrder(t, file);
	t.is(linesOf(fs.readFileSync(file)).length + dropped, count);
});

test('--on-full takes block or drop only', async t => {
	const directory = await tempDir(t);
	const result = await rotlog([path.join(directory, 'app.log'), '--on-full', 'wait'], {input: 'x\n'});
	t.is(result.exitCode, 2);
	t.is(result.stderr, 'rotlog: invalid --on-full \'wait\': expected block or drop\n');
});

test('SIGTERM while the disk is full keeps waiting for the last lines; a second one gives up on one line, exit 1', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = rotlog([file], {stdin: 'pipe', env: {ROTLOG_TEST_FAULTS: 'write=ENOSPC*100000'}});
	let stderr = '';
	writer.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	writer.stdin!.write('kept\n');
	await poll(() => stderr.includes('no space left on device'), 'the disk-full report', 10_000);
	writer.kill('SIGTERM');
	// Still alive and waiting: the first SIGTERM does not drop the line (a negative check needs a window).
	await delay(200);
	t.is(writer.exitCode, null, 'still waiting after the first SIGTERM');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 1);
	t.regex(stderr, /\nrotlog: gave up on the lines not yet written to '.*app\.log': cannot write to .*no space left on device.*\n$/);
	t.is(fs.readFileSync(file, 'utf8'), '', 'no partial line');
});
