// The write mode: stdin and/or FIFOs -> whole lines per source -> batches appended under the lock.
import {Appender} from '../appender.js';
import {readDescriptor, type Source, type SourceEvents} from '../sources/descriptor.js';
import {closeFifos, openFifos, readFifo, type FifoSource} from '../sources/fifo.js';
import {batchLimit, LineMerge} from '../sources/merge.js';

export type WriteOptions = {
	file: string;
	lockPath: string;
	max?: number | undefined;
	keep: number;
	/** FIFOs to read (created if missing); with any, stdin is read only if `stdin` is set. */
	fifos?: readonly string[] | undefined;
	stdin?: boolean | undefined;
};

/**
 * A FIFO's framer: room for `fifoFlushAt` bytes plus one 64 KiB read, so a busy FIFO never
 * reallocates; 32 FIFOs then hold 8 MiB, not the 128 MiB of stdin-sized framers.
 */
const fifoCapacity = 256 * 1024;
const fifoFlushAt = 128 * 1024;

/**
 * Reads every source until its end (stdin) or a signal, and appends. A batch is written once a
 * source has `flushAt` bytes of whole lines ready, or when the event loop has drained what the
 * kernel had for us, whichever comes first. Writing is synchronous, so while a batch is written
 * nothing more is read: a slow disk fills the pipes and producers wait.
 */
export async function runWrite(options: WriteOptions): Promise<number> {
	const fifoPaths = options.fifos ?? [];
	const fifos = await openFifos(fifoPaths);
	let appender: Appender;
	try {
		appender = new Appender(options);
	} catch (error) {
		closeFifos(fifos);
		throw error;
	}

	const append = (lines: Buffer) => {
		appender.append(lines);
	};

	const merge = new LineMerge(append);

	return new Promise<number>((resolve, reject) => {
		let scheduled = false;
		let finished = false;
		const sources: Array<Source | FifoSource> = [];
		let open = 0;

		const settle = (error?: unknown) => {
			if (finished) {
				return;
			}

			finished = true;
			process.off('SIGTERM', onSignal);
			process.off('SIGINT', onSignal);
			try {
				if (error === undefined) {
					// What writers already put into the FIFOs is ours to write.
					for (const source of sources) {
						if ('drain' in source) {
							source.drain();
						}
					}
				}

				for (const source of sources) {
					source.stop();
				}

				if (error === undefined) {
					merge.finish();
				}

				appender.close();
			} catch (closing) {
				error ??= closing;
			}

			if (error === undefined) {
				resolve(0);
			} else {
				reject(error);
			}
		};

		const flush = () => {
			scheduled = false;
			if (!finished) {
				try {
					merge.flush();
				} catch (error) {
					settle(error);
				}
			}
		};

		// SIGTERM / SIGINT: keep what was read, and what waits in the FIFOs, partial lines included; exit 0.
		const onSignal = () => {
			settle();
		};

		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);

		const eventsFor = (flushAt: number, capacity?: number): SourceEvents => {
			const framer = merge.add(capacity);
			open += 1;
			return {
				chunk(bytes) {
					framer.push(bytes);
					if (framer.readyBytes >= flushAt) {
						if (!finished) {
							flush();
						}
					} else if (!scheduled && framer.readyBytes > 0) {
						scheduled = true;
						setImmediate(flush);
					}
				},
				end() {
					// Only stdin ends: rotlog holds a write end of every FIFO, so FIFO mode runs until a signal.
					open -= 1;
					if (open === 0) {
						settle();
						return;
					}

					try {
						framer.drainAll(append);
					} catch (error) {
						settle(error);
					}
				},
				error: settle,
			};
		};

		if (fifos.length === 0 || options.stdin) {
			sources.push(readDescriptor(0, eventsFor(batchLimit)));
		}

		for (const fifo of fifos) {
			sources.push(readFifo(fifo, eventsFor(fifoFlushAt, fifoCapacity)));
		}
	});
}
