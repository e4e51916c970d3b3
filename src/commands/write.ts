// The write mode: stdin and/or FIFOs -> whole lines per source -> batches appended under the lock.
import {Appender, type AppenderOptions} from '../appender.js';
import {openInputs, type InputOptions} from '../sources/inputs.js';

export type WriteOptions = InputOptions & AppenderOptions;

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
	const appender = new Appender(options);
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

		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);

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
