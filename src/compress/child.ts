// The compression child: a process of its own, so that compressing never takes CPU or memory
// from a writer's thread and runs at a lower scheduling priority. Started by the writer's pool
// (pool.ts), it reads jobs from stdin, one JSON line per raw archive, and for each in turn claims
// the archive under the log's lock (a locked temp file next to it), compresses it, fsyncs, swaps
// the result in under the lock, and prints the job's status on stdout (the steps are in
// protocol.ts). It exits when stdin ends, after the jobs it was sent: if the writer that started
// it is gone, it still finishes them. Ctrl-C on the terminal reaches it too, and is ignored.
//
// It imports the protocol and the codecs only, never the pool or recovery: it runs the protocol's
// steps and nothing of its supervisor's, and each child starts without loading them.
import fs from 'node:fs';
import os from 'node:os';
import {pipeline} from 'node:stream';
import split2 from 'split2';
import {compressDescriptor} from './codecs.js';
import {claim, compressionNiceness, swapIn, type ClaimedJob, type Job, type JobStatus} from './protocol.js';
import {systemReason, warn} from '../errors.js';
import {stepDone} from '../log/faults.js';
import {FileLock} from '../log/lock.js';

/**
 * On Linux a nice value belongs to one thread: lower every thread started so far (V8's and the
 * libuv pool's, if any); threads started later inherit it from the main thread.
 */
function lowerPriority(): void {
	let threads: number[] = [0];
	try {
		threads = fs.readdirSync('/proc/self/task').map(Number);
	} catch {
		// No /proc (macOS): setpriority(0) applies to the whole process there.
	}

	for (const thread of threads) {
		try {
			os.setPriority(thread, Math.max(os.getPriority(thread), compressionNiceness));
		} catch {
			// A thread that ended meanwhile, or a system that refuses: compress at normal priority.
		}
	}
}

/**
 * Test-only fault injection, ROTLOG_TEST_COMPRESS=fail|stall-swap|stall-drop|gate:PATH: fail after
 * compressing, stop forever before the swap or before dropping the raw archive, or wait before the
 * swap until PATH exists.
 */
const testFault = process.env['ROTLOG_TEST_COMPRESS'];

async function stall(): Promise<never> {
	return new Promise(() => {
		setInterval(() => undefined, 1 << 30);
	});
}

async function gate(file: string): Promise<void> {
	return new Promise(resolve => {
		const timer = setInterval(() => {
			if (fs.existsSync(file)) {
				clearInterval(timer);
				resolve();
			}
		}, 10);
	});
}

/** Step 1 under the log's lock: the claim, or the status when there is nothing to compress. */
function claimJob(job: Job, lock: FileLock): {job: ClaimedJob; tempFd: number; rawFd: number} | JobStatus {
	try {
		const claimed = claim(job, lock);
		return typeof claimed === 'string' ? claimed : {job: {...job, temp: claimed.temp}, tempFd: claimed.tempFd, rawFd: claimed.rawFd};
	} catch (error) {
		warn(`cannot compress '${job.raw}': ${systemReason(error)}; kept uncompressed`);
		return 'failed';
	}
}

/** One archive: compress, fsync, swap in. The temp's lock is ours until its descriptor closes. */
async function compressOne(job: ClaimedJob, tempFd: number, rawFd: number, lock: FileLock): Promise<JobStatus | `compressed ${number}`> {
	try {
		await compressDescriptor(job.codec, rawFd, tempFd);
		if (testFault === 'fail') {
			throw new Error('injected failure (ROTLOG_TEST_COMPRESS=fail)');
		}

		// The archive keeps the time of its newest line: --max-age, status and cat read it.
		const raw = fs.fstatSync(rawFd);
		fs.futimesSync(tempFd, raw.atime, raw.mtime);
		fs.fsyncSync(tempFd);
		stepDone('compress');
	} catch (error) {
		// Keep the raw archive; the temp goes while we still hold its lock.
		fs.rmSync(job.temp, {force: true});
		warn(`cannot compress '${job.raw}': ${systemReason(error)}; kept uncompressed`);
		return 'failed';
	}

	if (testFault === 'stall-swap') {
		await stall();
	}

	if (testFault?.startsWith('gate:')) {
		await gate(testFault.slice('gate:'.length));
	}

	try {
		const swapped = await swapIn(job, tempFd, lock, testFault === 'stall-drop' ? stall : undefined);
		// The renamed temp is the compressed archive: its inode tells the writer its name later.
		return swapped === 'compressed' ? `compressed ${fs.fstatSync(tempFd).ino}` : swapped;
	} catch (error) {
		warn(`cannot finish compressing '${job.raw}': ${systemReason(error)}`);
		return 'failed';
	}
}

async function main(): Promise<void> {
	process.on('SIGINT', () => undefined);
	process.on('SIGTERM', () => undefined);
	lowerPriority();
	let lock: FileLock | undefined;
	try {
		// The job protocol is text, one JSON line per job, so split2 reads it (it decodes UTF-8 and
		// drops a CR before the newline). The log's own bytes never pass through here: the writer
		// frames them with rotlog's byte framer (src/input/framing.ts), which keeps them exact.
		// pipeline() passes an error of stdin on to the lines, so that this loop throws it.
		const lines = pipeline(process.stdin, split2(), () => undefined);
		for await (const line of lines as AsyncIterable<string>) {
			if (line.length === 0) {
				continue;
			}

			const job = JSON.parse(line) as Job;
			lock ??= new FileLock(job.lockPath);
			const claimed = claimJob(job, lock);
			let status: string;
			if (typeof claimed === 'string') {
				status = claimed;
			} else {
				try {
					status = await compressOne(claimed.job, claimed.tempFd, claimed.rawFd, lock);
				} finally {
					fs.closeSync(claimed.tempFd);
					fs.closeSync(claimed.rawFd);
				}
			}

			// The blocks and zlib's buffers of this archive are garbage now; without this they pile up
			// over a run (84 MiB after 16 archives of 16 MiB, 58 MiB with it).
			(globalThis as {gc?: () => void}).gc?.();
			try {
				fs.writeSync(1, `${status}\n`);
			} catch {
				// The writer that started us is gone (EPIPE): finish the jobs sent all the same.
			}
		}
	} finally {
		lock?.close();
	}
}

await main();
