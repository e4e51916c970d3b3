// The write mode: stdin -> whole lines -> batches appended under the lock.
import {Appender} from '../appender.js';
import {renderError} from '../errors.js';
import {LineFramer} from '../framing.js';
import {runHook} from '../hooks.js';
import {readDescriptor} from '../sources/descriptor.js';
import {Tee} from '../tee.js';
import {formatTimestamp, stampLines, type TimestampFormat} from '../timestamp.js';

export type WriteOptions = {
	file: string;
	lockPath: string;
	max?: number | undefined;
	keep: number;
	mode?: number | undefined;
	/** --on-rotate CMD. */
	onRotate?: string | undefined;
	tee?: boolean;
	timestamp?: TimestampFormat | undefined;
};

/**
 * A batch is written once this many bytes of whole lines are ready, or when the event loop has
 * drained what the kernel had for us, whichever comes first. Writing is synchronous, so while a
 * batch is written nothing more is read: a slow disk fills the pipe and the producer waits.
 */
const batchLimit = 1024 * 1024;

export async function runWrite(options: WriteOptions): Promise<number> {
	// Hooks run while writing goes on; the process waits for them before it exits.
	const hooks = new Set<Promise<void>>();
	const onRotated = (archive: string | undefined) => {
		if (options.onRotate === undefined || archive === undefined) {
			return;
		}

		const report = (failure: unknown) => {
			if (failure !== undefined) {
				process.stderr.write(`${renderError(failure)}\n`);
			}
		};

		const hook = runHook(options.onRotate, options.file, archive).then(report, report).finally(() => hooks.delete(hook));
		hooks.add(hook);
	};

	const appender = new Appender({...options, onRotated});
	const framer = new LineFramer();
	const tee = options.tee ? new Tee() : undefined;
	const format = options.timestamp;
	const append = (lines: Buffer) => {
		const logged = format === undefined ? lines : stampLines(lines, formatTimestamp(format, new Date()));
		appender.append(logged);
		tee?.write(logged);
	};

	return new Promise<number>((resolve, reject) => {
		let scheduled = false;
		let finished = false;

		const settle = (error?: unknown) => {
			if (finished) {
				return;
			}

			finished = true;
			source.stop();
			process.off('SIGTERM', onSignal);
			process.off('SIGINT', onSignal);
			process.off('SIGHUP', onHangup);
			process.off('SIGUSR1', onRotateSignal);
			try {
				if (error === undefined) {
					framer.drainAll(append);
				}

				appender.close();
			} catch (closing) {
				error ??= closing;
			}

			void Promise.all(hooks).then(() => {
				if (error === undefined) {
					resolve(0);
				} else {
					reject(error);
				}
			});
		};

		const flush = () => {
			scheduled = false;
			if (!finished) {
				try {
					framer.drainLines(append);
				} catch (error) {
					settle(error);
				}
			}
		};

		// SIGTERM / SIGINT: keep what was read, a partial last line included, then exit 0.
		const onSignal = () => {
			settle();
		};

		// SIGHUP: reopen FILE by name (after an outside tool moved it). SIGUSR1: rotate now, after
		// writing the whole lines already read, so they land in the file being rotated.
		const onHangup = () => {
			if (finished) {
				return;
			}

			try {
				appender.reopen();
			} catch (error) {
				settle(error);
			}
		};

		const onRotateSignal = () => {
			if (finished) {
				return;
			}

			flush();
			try {
				appender.rotate();
			} catch (error) {
				settle(error);
			}
		};

		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);
		process.on('SIGHUP', onHangup);
		process.on('SIGUSR1', onRotateSignal);

		const source = readDescriptor(0, {
			chunk(bytes) {
				framer.push(bytes);
				if (framer.readyBytes >= batchLimit) {
					flush();
				} else if (!scheduled && framer.readyBytes > 0) {
					scheduled = true;
					setImmediate(flush);
				}
			},
			end: () => {
				settle();
			},
			error: settle,
		});
	});
}
