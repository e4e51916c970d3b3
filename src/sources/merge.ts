// Several sources, one writer: each source has its own LineFramer (a partial line of one FIFO never
// meets another's bytes), and a flush hands the whole lines of all of them to one `write`, so
// that many busy FIFOs cost one lock acquisition per batch, not one per FIFO. Work is per source
// and per flush, never per line.
import {LineFramer} from '../framing.js';

export class LineMerge {
	private readonly framers: LineFramer[] = [];
	/** Where the lines of several sources are put together; made when first needed. */
	private staging: Buffer | undefined;

	/** `batchLimit`: the most bytes of whole lines handed to one `write`, unless one source has more. */
	constructor(private readonly batchLimit: number) {}

	/** A framer for one more source. */
	add(initialCapacity?: number): LineFramer {
		const framer = new LineFramer(initialCapacity);
		this.framers.push(framer);
		return framer;
	}

	/**
	 * Writes the whole lines every source has: a single source's lines as they lie in its framer,
	 * several sources' lines copied together into batches of at most `batchLimit` bytes. If
	 * `write` throws, lines already staged are not kept: the write mode then fails (exit 1).
	 */
	flush(write: (lines: Buffer) => void): void {
		let ready = 0;
		let only: LineFramer | undefined;
		for (const framer of this.framers) {
			if (framer.readyBytes > 0) {
				ready += 1;
				only = framer;
			}
		}

		if (ready <= 1) {
			only?.drainLines(write);
			return;
		}

		let staged = 0;
		const staging = (this.staging ??= Buffer.allocUnsafe(this.batchLimit));
		const stage = (lines: Buffer) => {
			staging.set(lines, staged);
			staged += lines.length;
		};

		for (const framer of this.framers) {
			const bytes = framer.readyBytes;
			if (bytes === 0) {
				continue;
			}

			if (staged > 0 && staged + bytes > this.batchLimit) {
				write(staging.subarray(0, staged));
				staged = 0;
			}

			if (bytes >= this.batchLimit) {
				framer.drainLines(write);
			} else {
				framer.drainLines(stage);
			}
		}

		if (staged > 0) {
			write(staging.subarray(0, staged));
		}
	}

	/** At the end: every byte of every source, each partial last line ended with a newline. */
	finish(write: (lines: Buffer) => void): void {
		this.flush(write);
		for (const framer of this.framers) {
			framer.drainAll(write);
		}
	}
}
