// The compression child (issue 3): started by Compressor for a batch of claimed archives, each as
// a locked temp file and the raw archive (fds 3 + 2i and 4 + 2i). For each in turn it compresses at
// a lower scheduling priority, fsyncs, swaps the result in under the log's lock, and prints the
// job's status on stdout. It finishes its archives even if the writer that started it is gone:
// Ctrl-C on the terminal reaches it too, and is ignored.
import fs from 'node:fs';
import os from 'node:os';
import {compressDescriptor} from './codecs.js';
import {compressionNiceness, swapIn, type Job, type JobStatus, warn} from './compress.js';
import {systemReason} from './errors.js';
import {stepDone} from './faults.js';
import {FileLock} from './lock.js';

/** Job i's temp is inherited as fd 3 + 2i, its raw archive as fd 4 + 2i. */
const firstFd = 3;

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

/** One archive: compress, fsync, swap in. The temp's lock is ours until its descriptor closes. */
async function compressOne(job: Job, tempFd: number, rawFd: number, lock: FileLock): Promise<JobStatus> {
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
		return await swapIn(job, tempFd, lock, testFault === 'stall-drop' ? stall : undefined);
	} catch (error) {
		warn(`cannot finish compressing '${job.raw}': ${systemReason(error)}`);
		return 'failed';
	}
}

async function main(): Promise<void> {
	process.on('SIGINT', () => undefined);
	process.on('SIGTERM', () => undefined);
	lowerPriority();
	const jobs = JSON.parse(process.argv[2] ?? '[]') as Job[];
	const lock = new FileLock(jobs[0]?.lockPath ?? '');
	try {
		for (const [index, job] of jobs.entries()) {
			const tempFd = firstFd + (2 * index);
			const status = await compressOne(job, tempFd, tempFd + 1, lock);
			fs.closeSync(tempFd);
			fs.closeSync(tempFd + 1);
			try {
				fs.writeSync(1, `${status}\n`);
			} catch {
				// The writer that started us is gone (EPIPE): finish the batch all the same.
			}
		}
	} finally {
		lock.close();
	}
}

await main();
