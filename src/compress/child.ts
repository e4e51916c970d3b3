// The compression child: a process of its own, so that compressing never takes CPU or memory
// from a writer's thread and runs at a lower scheduling priority. Started by the writer's pool
// (pool.ts), it reads jobs from stdin, one JSON line per raw archive, and for each in turn claims
// the archive under the log's lock (a locked temp file next to it), compresses it, fsyncs, swaps
// the result in under the lock, and prints the job's status on stdout (the steps are in
// protocol.ts). It exits when stdin ends, after the jobs it was sent: if the writer that started
// it is gone, it still finishes them. Ctrl-C on the terminal reaches it too, and is ignored.
//
// It imports the protocol (protocol.ts, job.ts, and through job.ts the codecs), errors.ts, the
// log's lock (log/lock.ts) and split2, never the pool, the compressor or recovery: it runs the
// protocol's steps and nothing of its supervisor's, and each child starts without loading them.
import fs from 'node:fs';
import os from 'node:os';
import {pipeline} from 'node:stream';
import split2 from 'split2';
import {compressionNiceness, type Job} from './protocol.js';
import {runJob} from './job.js';
import {systemReason, warn} from '../errors.js';
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

async function main(): Promise<void> {
	process.on('SIGINT', () => undefined);
	process.on('SIGTERM', () => undefined);
	lowerPriority();
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
		// One child serves the archives of many logs (one `rotlog check` over a pattern): the
		// lock of each job's log, opened for that job only.
		let status: string;
		try {
			const lock = new FileLock(job.lockPath);
			try {
				status = await runJob(job, lock);
			} finally {
				lock.close();
			}
		} catch (error) {
			warn(`cannot compress '${job.raw}': ${systemReason(error)}; kept uncompressed`);
			status = 'failed';
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
}

await main();
