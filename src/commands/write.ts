// The write mode: stdin and/or FIFOs -> whole lines per source -> batches appended under the lock;
// archives compressed in the background; hooks run once an archive is final.
import {Appender, type AppenderOptions} from '../appender.js';
import type {Codec} from '../codecs.js';
import {Compressor} from '../compress.js';
import {renderError} from '../errors.js';
import {runHook} from '../hooks.js';
import {openInputs, type InputOptions} from '../sources/inputs.js';
import {Tee} from '../tee.js';
import {formatTimestamp, stampLines, type TimestampFormat} from '../timestamp.js';

export type WriteOptions = InputOptions & AppenderOptions & {
	/** Undefined: archives stay uncompressed. */
	codec?: Codec | undefined;
	/** --on-rotate CMD. */
	onRotate?: string | undefined;
	tee?: boolean | undefined;
	timestamp?: TimestampFormat | undefined;
};

/**
 * A batch is written once this many bytes of whole lines are ready, or when the event loop has
 * drained what the kernel had for us, whichever comes first. Writing is synchronous, so while a
 * batch is written nothing more is read: a slow disk fills the pipe and the producer waits.
 */
const batchLimit = 1024 * 1024;

export async function runWrite(options: WriteOptions): Promise<number> {
	// FIFOs first: a bad --fifo fails before FILE is created. (If FILE then fails, the process
	// exits at once, so the FIFOs' descriptors need no closing.)
	const inputs = await openInputs(options, batchLimit);

	// Hooks run while writing goes on; the process waits for them before it exits.
	const hooks = new Set<Promise<void>>();
	const onFinal = (archive: string | undefined) => {
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

	// An archive is final once rotated when nothing compresses it, else once its compression is
	// done (or has failed, leaving it raw).
	const compressor = new Compressor({file: options.file, lockPath: options.lockPath, codec: options.codec, naming: options, onFinal});
	const appender = new Appender({
		...options,
		onArchive(archive) {
			compressor.archived(archive);
		},
		onRotated: options.codec === undefined ? onFinal : undefined,
	});
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
			inputs.stop();
			try {
				if (error === undefined) {
					inputs.drainAll(append);
				}

				appender.close();
			} catch (closing) {
				error ??= closing;
			}

			// Only now: a second SIGTERM during the final write must not kill us mid-way.
			process.off('SIGTERM', onSignal);
			process.off('SIGINT', onSignal);
			process.off('SIGHUP', onHangup);
			process.off('SIGUSR1', onRotateSignal);
			// Exit once the compressions this process started are finished (or failed), then its hooks.
			void compressor.drain().finally(() => {
				compressor.close();
			}).then(async () => Promise.all(hooks)).then(() => {
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
					inputs.drainLines(append);
				} catch (error) {
					settle(error);
				}
			}
		};

		// SIGTERM / SIGINT: keep what was read and what waits in the FIFOs, partial lines included; exit 0.
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

		inputs.start({
			ready(full) {
				if (full) {
					flush();
				} else if (!scheduled) {
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
