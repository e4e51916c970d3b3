// One compression job from start to end, steps 1 to 5 of the protocol (protocol.ts), in whichever
// process runs it: a compression child (child.ts), or `rotlog check` or a writer whose input has
// ended, itself, for an archive small enough that compressing it costs less than starting a child
// (compressor.ts). Kept apart from protocol.ts so that a writer still reading its input, which never
// compresses on its own thread, does not load the codecs.
import fs from 'node:fs';
import {compressDescriptor} from './codecs.js';
import {systemReason, warn} from '../errors.js';
import {stepDone} from '../log/faults.js';
import type {FileLock} from '../log/lock.js';
import {claim, swapIn, type Claim, type ClaimedJob, type Job} from './protocol.js';

/** Test seams of a job's run (ROTLOG_TEST_COMPRESS): after the compression, before the drop. */
export type JobHooks = {
	/** Runs once the temp is compressed, before it is fsynced; a throw fails the job. */
	compressed?: (() => void) | undefined;
	/** Runs before the swap. */
	beforeSwap?: (() => Promise<void>) | undefined;
	/** Runs between the rename and the raw archive's removal. */
	beforeDrop?: (() => Promise<void>) | undefined;
};

/**
 * Test-only fault injection, ROTLOG_TEST_COMPRESS=fail|stall-swap|stall-drop|gate:PATH: fail after
 * compressing, stop forever before the swap or before dropping the raw archive, or wait before the
 * swap until PATH exists. In whichever process runs the job.
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

/** The job's seams for ROTLOG_TEST_COMPRESS. */
function testHooks(): JobHooks {
	return {
		compressed: testFault === 'fail' ? () => {
			throw new Error('injected failure (ROTLOG_TEST_COMPRESS=fail)');
		} : undefined,
		beforeSwap: testFault === 'stall-swap' ? stall : (testFault?.startsWith('gate:') ? async () => gate(testFault.slice('gate:'.length)) : undefined),
		beforeDrop: testFault === 'stall-drop' ? stall : undefined,
	};
}

/**
 * Steps 1 to 5 for one job, in whichever process runs it (a compression child, or `rotlog check`
 * and a writer after its input, for small archives): the status line the child prints (JobStatus, `compressed INODE` with the
 * compressed archive's inode). A failure keeps the raw archive and is said on stderr.
 */
export async function runJob(job: Job, lock: FileLock, hooks: JobHooks = testHooks()): Promise<string> {
	let claimed: Claim | 'discarded' | 'busy';
	try {
		claimed = claim(job, lock);
	} catch (error) {
		warn(`cannot compress '${job.raw}': ${systemReason(error)}; kept uncompressed`);
		return 'failed';
	}

	if (typeof claimed === 'string') {
		return claimed;
	}

	const {rawFd, tempFd} = claimed;
	try {
		return await compressClaimed({...job, temp: claimed.temp}, rawFd, tempFd, lock, hooks);
	} finally {
		fs.closeSync(tempFd);
		fs.closeSync(rawFd);
	}
}

/** Steps 2 to 5 for a claimed archive. The temp's lock is ours until its descriptor closes. */
async function compressClaimed(job: ClaimedJob, rawFd: number, tempFd: number, lock: FileLock, hooks: JobHooks): Promise<string> {
	try {
		await compressDescriptor(job.codec, rawFd, tempFd);
		hooks.compressed?.();
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

	await hooks.beforeSwap?.();
	try {
		const swapped = await swapIn(job, tempFd, lock, hooks.beforeDrop);
		// The renamed temp is the compressed archive: its inode tells the writer its name later.
		return swapped === 'compressed' ? `compressed ${fs.fstatSync(tempFd).ino}` : swapped;
	} catch (error) {
		warn(`cannot finish compressing '${job.raw}': ${systemReason(error)}`);
		return 'failed';
	}
}
