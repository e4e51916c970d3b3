// Many real rotlog processes on one FILE: concurrent writers with rotation, FILE renamed away by
// another process, and a writer SIGKILLed again and again while others write.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import test from 'ava';
import {archivesOf, linesOf, logFiles, readLog, readLogFile} from '../helpers/files.js';
import {checkInterleaved, numberedLine, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog, type RotlogPipedProcess} from '../helpers/rotlog.js';
import {isLockHeld} from '../../src/log/lock.js';
import {tempDir} from '../helpers/temp.js';

type Writer = RotlogPipedProcess;

/** Writes to a writer's stdin, waiting for the pipe to drain when it is full (or to close: a killed writer). */
async function send(writer: Writer, text: string): Promise<void> {
	const stdin = writer.stdin!;
	if (stdin.destroyed || stdin.write(text)) {
		return;
	}

	await new Promise<void>(resolve => {
		const done = () => {
			stdin.off('drain', done);
			stdin.off('close', done);
			resolve();
		};

		stdin.on('drain', done);
		stdin.on('close', done);
	});
}

/** The log read while writers may rotate it: a file renamed between listing and reading means try again. */
function readLogWhileLive(file: string): Buffer | undefined {
	try {
		return readLog(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw error;
	}
}

/** No file over `max` bytes unless it holds exactly one (longer) line; returns the offenders. */
function oversized(files: readonly string[], max: number): string[] {
	return files.filter(name => {
		const bytes = readLogFile(name);
		return bytes.length > max && linesOf(bytes).length !== 1;
	}).map(name => `${path.basename(name)}: ${readLogFile(name).length} bytes`);
}

/** How often consecutive lines come from different writers. */
function switches(lines: readonly string[]): number {
	let count = 0;
	for (let i = 1; i < lines.length; i++) {
		if (lines[i]!.slice(0, 3) !== lines[i - 1]!.slice(0, 3)) {
			count++;
		}
	}

	return count;
}

test.serial('8 concurrent writers x 20,000 lines with --max 64K and gzip: every line once, in order per writer, none torn, no file over 64K', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const names = Array.from({length: 8}, (_, i) => `w${i}`);
	const perWriter = 20_000;
	const writers = names.map(() => rotlog([file, '--max', '64K', '--keep', '100000'], {stdin: 'pipe'}));

	// Start every writer with its first line and wait until all eight have written it, so the
	// rest really is written by eight live processes at once.
	await Promise.all(writers.map(async (writer, i) => send(writer, numberedLines(names[i]!, 1))));
	await poll(() => {
		const log = readLogWhileLive(file)?.toString('latin1');
		return log !== undefined && names.every(name => log.includes(`${name}-000000-`));
	}, 'every writer to start', 30_000);
	// Then the rest in rounds, so that each writer has many batches to interleave with the others'.
	const perRound = 500;
	for (let from = 1; from < perWriter; from += perRound) {
		const count = Math.min(perRound, perWriter - from);
		await Promise.all(writers.map(async (writer, i) => send(writer, numberedLines(names[i]!, count, from))));
		await delay(1);
	}

	for (const writer of writers) {
		writer.stdin!.end();
	}

	for (const result of await Promise.all(writers)) {
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stderr, '');
	}

	// The default gzip ran alongside the writers; at exit each writer has waited for its compressions.
	const archives = archivesOf(file);
	t.deepEqual(archives.map(archive => archive.index), archives.map((_, i) => i + 1), 'archives FILE.1 .. FILE.N without gaps or raw duplicates');
	t.true(archives.length > 50, `${archives.length} rotations`);
	t.deepEqual(archives.filter(archive => archive.extension !== '.gz').map(archive => path.basename(archive.path)), [], 'every archive compressed');
	t.deepEqual(fs.readdirSync(directory).filter(name => name.startsWith('.')), [], 'no compression temp file left');

	// Sizes as written: the archives decompressed.
	const files = logFiles(file);
	const sizes = files.map(name => readLogFile(name).length);
	t.true(Math.max(...sizes) <= 65_536, `largest file ${Math.max(...sizes)} bytes`);

	// Strict rotation is also never early: an archive was rotated because the next line (the first
	// of the next file) did not fit.
	const early: string[] = [];
	for (let i = 0; i + 1 < files.length; i++) {
		const next = readLogFile(files[i + 1]!);
		if (sizes[i]! + next.indexOf(0x0a) + 1 <= 65_536) {
			early.push(path.basename(files[i]!));
		}
	}

	t.deepEqual(early, []);

	const log = readLog(file);
	t.is(log.at(-1), 0x0a);
	const lines = linesOf(log);
	const {problems, seen} = checkInterleaved(lines, names);
	t.deepEqual(problems, []);
	t.deepEqual([...seen.values()], names.map(() => perWriter));
	t.is(lines.length, names.length * perWriter);
	// Run one after another, eight writers would give seven switches.
	t.true(switches(lines) > names.length, `writers interleaved only ${switches(lines)} times`);
	t.log(`${switches(lines)} switches between writers, ${files.length} files`);
});

test.serial('a writer keeps the lock only while it writes: idle between bursts, the lock is free and rotate gets it', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = rotlog([file, '--compress', 'none'], {stdin: 'pipe'});
	// Bursts of several 64 KiB reads: each is written as it comes, under a lock held for the turn.
	const first = numberedLines('w0', 20_000);
	t.true(first.length > 4 * 65_536, 'a burst of many reads');
	await send(writer, first);
	await poll(() => fs.existsSync(file) && fs.statSync(file).size === first.length, 'the first burst on disk', 10_000);
	await poll(() => isLockHeld(`${file}.lock`) === false, 'the writer to let go of the lock while idle', 5000);
	const rotated = await rotlog(['rotate', file, '--compress', 'none'], {timeout: 10_000});
	t.is(rotated.exitCode, 0, rotated.stderr);
	t.is(fs.readFileSync(`${file}.1`, 'latin1'), first, 'rotate ran while the writer was open and idle');

	const second = numberedLines('w0', 20_000, 20_000);
	await send(writer, second);
	writer.stdin!.end();
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(readLog(file).toString('latin1'), first + second);
});

test.serial('FILE renamed away by another process mid-stream: the union of the files holds every line once, in order per writer', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const names = ['a0', 'a1', 'a2', 'a3'];
	const part = 5000;
	const writers = names.map(() => rotlog([file], {stdin: 'pipe'}));
	const renamed = [path.join(directory, 'renamed-1'), path.join(directory, 'renamed-2')];

	for (const [round, target] of renamed.entries()) {
		await Promise.all(writers.map(async (writer, i) => send(writer, numberedLines(names[i]!, part, round * part))));
		await poll(() => (fs.statSync(file, {throwIfNoEntry: false})?.size ?? 0) > 0, 'FILE to have data', 30_000);
		fs.renameSync(file, target);
	}

	for (const [i, writer] of writers.entries()) {
		writer.stdin!.end(numberedLines(names[i]!, part, renamed.length * part));
	}

	for (const result of await Promise.all(writers)) {
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stderr, '');
	}

	const parts = [...renamed, file].map(name => fs.readFileSync(name));
	for (const bytes of parts) {
		t.true(bytes.length > 0);
		t.is(bytes.at(-1), 0x0a);
	}

	const {problems, seen} = checkInterleaved(linesOf(Buffer.concat(parts)), names);
	t.deepEqual(problems, []);
	t.deepEqual([...seen.values()], names.map(() => part * (renamed.length + 1)));
	t.deepEqual(fs.readdirSync(directory).sort(), ['app.log', 'app.log.lock', 'renamed-1', 'renamed-2']);
});

test.serial('a writer SIGKILLed again and again mid-stream: the others lose nothing and no line merges two writers', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const max = 256 * 1024;
	// Compression is not the subject here (the 8-writer test runs with it).
	const args = [file, '--max', String(max), '--keep', '100000', '--compress', 'none'];
	const steadyNames = ['s0', 's1', 's2'];
	const steady = steadyNames.map(() => rotlog(args, {stdin: 'pipe'}));
	const sent = steadyNames.map(() => 0);
	let killing = true;

	// The steady writers get lines all through the kills, a chunk at a time.
	const feeders = steady.map(async (writer, i) => {
		while (killing) {
			await send(writer, numberedLines(steadyNames[i]!, 100, sent[i]));
			sent[i]! += 100;
			await delay(5);
		}

		writer.stdin!.end();
	});

	const runs = 5;
	for (let run = 0; run < runs; run++) {
		const victim = rotlog(args, {stdin: 'pipe'});
		// The pipe breaks when the victim dies with input left in it.
		victim.stdin!.on('error', () => undefined);
		// Keep the victim busy (as fast as it takes input) until it is killed.
		let alive = true;
		const feeding = (async () => {
			for (let from = 0; alive && !victim.stdin!.destroyed; from += 1000) {
				await send(victim, numberedLines(`k${run}`, 1000, from));
			}
		})();
		// Kill only once it is writing.
		await poll(() => {
			const newest = [file, `${file}.1`].map(name => {
				try {
					return fs.readFileSync(name, 'latin1');
				} catch {
					return '';
				}
			});
			return newest.some(text => text.includes(`k${run}-`));
		}, `victim ${run} to write`, 30_000);
		victim.kill('SIGKILL');
		alive = false;
		const result = await victim;
		await feeding;
		t.is(result.signal, 'SIGKILL');
	}

	killing = false;
	await Promise.all(feeders);
	for (const result of await Promise.all(steady)) {
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stderr, '');
	}

	const files = logFiles(file);
	t.deepEqual(oversized(files, max), []);
	const lines = linesOf(readLog(file));
	const victimNames = Array.from({length: runs}, (_, run) => `k${run}`);
	const {problems, seen} = checkInterleaved(lines.filter(line => line.startsWith('s')), steadyNames);
	t.deepEqual(problems, [], 'steady writers: every line once, in order, whole');
	t.deepEqual([...seen.values()], sent, 'steady writers lost nothing');

	// A victim's lines are its lines in order from the first; the last may be cut short by the
	// kill (a write torn by SIGKILL) but then it is a prefix of the real line, ended by a newline.
	const victimProblems: string[] = [];
	const written = new Map(victimNames.map(name => [name, 0]));
	const torn = new Set<string>();
	let current = -1;
	for (const line of lines) {
		if (line.startsWith('s')) {
			continue;
		}

		// Victims ran one after another, so a line is the next one of the current victim or the
		// first of the next victim; a torn line (as short as one byte) belongs to the current one.
		const candidates = [current, current + 1].filter(run => run >= 0 && run < runs).map(run => `k${run}`);
		const whole = candidates.find(name => !torn.has(name) && line === numberedLine(name, written.get(name)!));
		if (whole !== undefined) {
			written.set(whole, written.get(whole)! + 1);
			current = Number(whole.slice(1));
		} else if (current >= 0 && line.length > 0 && !torn.has(`k${current}`) && numberedLine(`k${current}`, written.get(`k${current}`)!).startsWith(line)) {
			torn.add(`k${current}`);
		} else {
			victimProblems.push(`merged, corrupt or out-of-order line ${JSON.stringify(line.slice(0, 80))} after victim ${current}`);
		}
	}

	t.deepEqual(victimProblems.slice(0, 5), []);
	for (const [name, count] of written) {
		t.true(count > 0, `${name} wrote before it was killed`);
	}

	t.log(`steady lines ${sent.join(', ')}; victims wrote ${[...written.values()].join(', ')}; torn: ${torn.size}; files: ${files.length}`);
});
