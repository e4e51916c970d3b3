// The write mode's input: stdin, or FIFOs (and stdin too with --stdin), each source with its own
// LineFramer, all framers behind one LineMerge. To the write command it looks like one source
// with a framer: it says when lines are ready, and hands them out as batches.
import fs from 'node:fs';
import {resolve} from 'node:path';
import {UsageError} from '../errors.js';
import {readDescriptor, type Source} from './descriptor.js';
import type {FifoSource, OpenFifo, readFifo} from './fifo.js';
import {LineMerge} from './merge.js';

export type InputOptions = {
	/** The log file and its lock: no --fifo may be either (rotlog would read back what it writes). */
	file: string;
	lockPath: string;
	/** FIFOs to read (created if missing); with any, stdin is read only if `stdin` is set. */
	fifos?: readonly string[] | undefined;
	stdin?: boolean | undefined;
	/** The longest line kept whole (--max-line); a longer one is cut there. */
	maxLine?: number | undefined;
};

export type InputEvents = {
	/**
	 * A source has `bytes` of whole lines ready; `full`: as many as it may hold before they are
	 * written, lock or no lock (a batch for stdin, less for each FIFO, so memory stays bounded).
	 */
	ready(bytes: number, full: boolean): void;
	/** Every source has ended (stdin alone; FIFOs never end). */
	end(): void;
	error(error: unknown): void;
};

/**
 * A FIFO's framer: room for `fifoFlushAt` bytes plus one 64 KiB read, so a busy FIFO never
 * reallocates; 32 FIFOs then hold 8 MiB, not the 128 MiB of stdin-sized framers.
 */
const fifoCapacity = 256 * 1024;
const fifoFlushAt = 128 * 1024;
const newline = Buffer.from('\n');

export class Inputs {
	private readonly merge: LineMerge;
	private readonly sources: Array<Source | FifoSource> = [];
	/** A FIFO that failed while drained at the end; reported once everything read is written. */
	private failure: unknown;

	constructor(
		private readonly fifos: readonly OpenFifo[],
		/** fifo.ts's reader, loaded only when there are FIFOs. */
		private readonly fifoReader: typeof readFifo | undefined,
		private readonly readStdin: boolean,
		private readonly batchLimit: number,
		maxLine?: number,
	) {
		this.merge = new LineMerge(batchLimit, maxLine);
	}

	/** Lines cut at --max-line so far, over all sources. */
	get cutLines(): number {
		return this.merge.cutLines;
	}

	/** Starts reading every source. */
	start(events: InputEvents): void {
		const endless = this.fifos.length > 0;
		const eventsFor = (flushAt: number, capacity?: number) => {
			const framer = this.merge.add(capacity);
			return {
				chunk(bytes: Uint8Array) {
					framer.push(bytes);
					if (framer.readyBytes > 0) {
						events.ready(framer.readyBytes, framer.readyBytes >= flushAt);
					}
				},
				end() {
					if (!endless) {
						events.end();
						return;
					}

					// stdin ended while FIFOs go on: its last line is ended now, as at the end of input.
					if (framer.heldBytes > framer.readyBytes) {
						framer.push(newline);
						events.ready(framer.readyBytes, false);
					}
				},
				error: events.error,
			};
		};

		if (this.readStdin) {
			this.sources.push(readDescriptor(0, eventsFor(this.batchLimit)));
		}

		for (const fifo of this.fifos) {
			this.sources.push(this.fifoReader!(fifo, eventsFor(fifoFlushAt, fifoCapacity)));
		}
	}

	/**
	 * Offers the whole lines read so far, in batches, to `take`, which returns the bytes it took
	 * (a prefix ending at a line end); the rest is kept. True when everything was taken.
	 */
	drainLines(take: (lines: Buffer) => number): boolean {
		return this.merge.offer(take);
	}

	/** At the end: every byte read, each partial last line ended with a newline. */
	drainAll(take: (lines: Buffer) => number): boolean {
		const all = this.merge.offerAll(take);
		if (all && this.failure !== undefined) {
			throw this.failure;
		}

		return all;
	}

	/** Reads nothing more until resumed, so memory stays bounded and the producers wait. */
	pause(): void {
		for (const source of this.sources) {
			source.pause();
		}
	}

	resume(): void {
		for (const source of this.sources) {
			source.resume();
		}
	}

	/**
	 * Stops reading. What writers already put into the FIFOs is read first (it is ours to write:
	 * SIGTERM and SIGINT keep it); stdin's unread bytes stay in the kernel, as before. Never
	 * throws: a read error is kept for drainAll, after what was read is written.
	 */
	stop(): void {
		for (const source of this.sources) {
			if ('drain' in source) {
				try {
					source.drain();
				} catch (error) {
					this.failure ??= error;
				}
			}
		}

		for (const source of this.sources) {
			source.stop();
		}
	}
}

/**
 * Creates and opens the FIFOs (a bad --fifo fails here, before FILE is touched). `batchLimit`:
 * the most bytes of whole lines written at once, unless a single line is longer.
 */
export async function openInputs(options: InputOptions, batchLimit: number): Promise<Inputs> {
	const outputs = [['the log file', options.file], ['the lock file', options.lockPath]] as const;
	const loop = (fifo: string, what: string) => new UsageError(`invalid --fifo '${fifo}': it is ${what}, rotlog would read back what it writes`);
	// By name before anything is created, so that no FIFO appears where FILE belongs.
	for (const fifo of options.fifos ?? []) {
		const output = outputs.find(([, path]) => resolve(path) === resolve(fifo));
		if (output) {
			throw loop(fifo, output[0]);
		}
	}

	// fifo.ts (and mkfifo through child_process) only when FIFOs are named: start-up time.
	const fifoModule = options.fifos === undefined || options.fifos.length === 0 ? undefined : await import('./fifo.js');
	const fifos = fifoModule === undefined ? [] : await fifoModule.openFifos(options.fifos ?? []);
	// And by identity, for links and other spellings of the same file.
	for (const [what, path] of outputs) {
		// Whatever keeps FILE from being statted is reported when the appender opens it.
		const stats = (() => {
			try {
				return fs.statSync(path);
			} catch {
				return undefined;
			}
		})();
		const same = stats && fifos.find(fifo => {
			const held = fs.fstatSync(fifo.readFd);
			return held.ino === stats.ino && held.dev === stats.dev;
		});
		if (same) {
			fifoModule?.closeFifos(fifos);
			throw loop(same.path, what);
		}
	}

	return new Inputs(fifos, fifoModule?.readFifo, fifos.length === 0 || options.stdin === true, batchLimit, options.maxLine);
}
