// The write mode: stdin -> whole lines -> batches appended under the lock.
import {Appender} from '../appender.js';
import type {Codec} from '../codecs.js';
import {Compressor} from '../compress.js';
import {LineFramer} from '../framing.js';
import {readDescriptor} from '../sources/descriptor.js';

export type WriteOptions = {
	file: string;
	lockPath: string;
	max?: number | undefined;
	keep: number;
	/** Undefined: archives stay uncompressed. */
	codec?: Codec | undefined;
};

/**
 * A batch is written once this many bytes of whole lines are ready, or when the event loop has
 * drained what the kernel had for us, whichever comes first. Writing is synchronous, so while a
 * batch is written nothing more is read: a slow disk fills the pipe and the producer waits.
 */
const batchLimit = 1024 * 1024;

export async function runWrite(options: WriteOptions): Promise<number> {
	const compressor = new Compressor({file: options.file, lockPath: options.lockPath, codec: options.codec});
	const appender = new Appender({...options, onArchive: archive => {
		compressor.archived(archive);
	}});
	const framer = new LineFramer();
	const append = (lines: Buffer) => {
		appender.append(lines);
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
			try {
				if (error === undefined) {
					framer.drainAll(append);
				}

				appender.close();
			} catch (closing) {
				error ??= closing;
			}

			// Exit only once the compressions this process started are finished (or failed).
			void compressor.drain().finally(() => {
				compressor.close();
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

		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);

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
