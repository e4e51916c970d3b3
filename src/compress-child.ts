// The compression child (issue 3): one per archive, started by Compressor with the locked temp file
// as fd 3 and the raw archive as fd 4. It compresses at a lower scheduling priority, fsyncs, swaps
// the result in under the log's lock, and exits with a childStatus. It finishes its archive even if
// the writer that started it is gone: Ctrl-C on the terminal reaches it too, and is ignored.
import fs from 'node:fs';
import os from 'node:os';
import {compressDescriptor} from './codecs.js';
import {childStatus, swapIn, type Job, warn} from './compress.js';
import {systemReason} from './errors.js';
import {FileLock} from './lock.js';

const tempFd = 3;
const rawFd = 4;

/** How much the writer outranks compression (nice 0 vs 10: CFS gives the writer ~10x the CPU). */
const niceness = 10;

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
			os.setPriority(thread, Math.max(os.getPriority(thread), niceness));
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

async function main(): Promise<number> {
	process.on('SIGINT', () => undefined);
	process.on('SIGTERM', () => undefined);
	lowerPriority();
	const job = JSON.parse(process.argv[2] ?? '') as Job;
	try {
		await compressDescriptor(job.codec, rawFd, tempFd);
		if (testFault === 'fail') {
			throw new Error('injected failure (ROTLOG_TEST_COMPRESS=fail)');
		}

		fs.fsyncSync(tempFd);
	} catch (error) {
		// Keep the raw archive; the temp goes while we still hold its lock.
		try {
			fs.unlinkSync(job.temp);
		} catch {
			// Already gone.
		}

		warn(`cannot compress '${job.raw}': ${systemReason(error)}; kept uncompressed`);
		return childStatus.failed;
	}

	if (testFault === 'stall-swap') {
		await stall();
	}

	if (testFault?.startsWith('gate:')) {
		await gate(testFault.slice('gate:'.length));
	}

	const lock = new FileLock(job.lockPath);
	try {
		return childStatus[await swapIn(job, tempFd, lock, testFault === 'stall-drop' ? stall : undefined)];
	} catch (error) {
		warn(`cannot finish compressing '${job.raw}': ${systemReason(error)}`);
		return childStatus.failed;
	} finally {
		lock.close();
	}
}

process.exitCode = await main();
