// Several sources, one writer: each source has its own LineFramer (a partial line of one FIFO never
// meets another's bytes), and a flush hands the whole lines of all of them to one `write`, so
// that many busy FIFOs cost one lock acquisition per batch, not one per FIFO. Work is per source
// and per flush, never per line.
import {LineFramer} from './framing.js';

export class LineMerge {
	private framers: LineFramer[] = [];
	/** Framers of sources that have ended (socket connections): dropped once all their lines are taken. */
	private readonly retired = new Set<LineFramer>();
	/** Where the lines of several sources are put together; made when first needed. */
	private staging: Buffer | undefined;

	/**
	 * `batchLimit`: the most bytes of whole lines handed to one `write`, unless one source has
	 * more. `maxLine`: the longest line each source keeps whole (framing.ts).
	 */
	constructor(private readonly batchLimit: number, private readonly maxLine?: number) {}

	/** A framer for one more source. */
	add(initialCapacity?: number): LineFramer {
		const framer = new LineFramer(initialCapacity, this.maxLine);
		this.framers.push(framer);
		return framer;
	}

	/** Lines cut at the longest line kept, over all sources so far. */
	get cutLines(): number {
		let cut = 0;
		for (const framer of this.framers) {
			cut += framer.cutLines;
		}

		return cut;
	}

	/**
	 * The source of `framer` has ended and its last line is complete: once its lines are taken, the
	 * framer is dropped (connections come and go; their framers must not pile up).
	 */
	retire(framer: LineFramer): void {
		this.retired.add(framer);
	}

	/**
	 * Writes the whole lines every source has: a single source's lines as they lie in its framer,
	 * several sources' lines copied together into batches of at most `batchLimit` bytes.
	 */
	flush(write: (lines: Buffer) => void): void {
		this.offer(whole(write));
	}

	/** At the end: every byte of every source, each partial last line ended with a newline. */
	finish(write: (lines: Buffer) => void): void {
		this.offerAll(whole(write));
	}

	/**
	 * As flush, but `take` returns how many bytes it took (a prefix ending at a line end): the
	 * rest stays with the sources it came from, and offering stops. True when all was taken.
	 */
	offer(take: (lines: Buffer) => number): boolean {
		const all = this.offerReady(take);
		if (this.retired.size > 0) {
			this.dropRetired();
		}

		return all;
	}

	private offerReady(take: (lines: Buffer) => number): boolean {
		let ready = 0;
		let only: LineFramer | undefined;
		for (const framer of this.framers) {
			if (framer.readyBytes > 0) {
				ready += 1;
				only = framer;
			}
		}

		if (ready <= 1) {
			return only?.offerLines(take) ?? true;
		}

		// Lines are copied into the staging buffer, and dropped from their framers only once taken.
		const staging = (this.staging ??= Buffer.allocUnsafe(this.batchLimit));
		let staged = 0;
		let sources: Array<{framer: LineFramer; bytes: number}> = [];
		const send = (): boolean => {
			let taken = take(staging.subarray(0, staged));
			const all = taken === staged;
			for (const {framer, bytes} of sources) {
				const dropped = Math.min(bytes, taken);
				if (dropped > 0) {
					framer.offerLines(() => dropped);
				}

				taken -= dropped;
			}

			staged = 0;
			sources = [];
			return all;
		};

		for (const framer of this.framers) {
			const bytes = framer.readyBytes;
			if (bytes === 0) {
				continue;
			}

			if (staged > 0 && staged + bytes > this.batchLimit && !send()) {
				return false;
			}

			if (bytes >= this.batchLimit) {
				if (!framer.offerLines(take)) {
					return false;
				}
			} else {
				framer.offerLines(lines => {
					staging.set(lines, staged);
					return 0;
				});
				staged += bytes;
				sources.push({framer, bytes});
			}
		}

		return staged > 0 ? send() : true;
	}

	/** Forgets the retired framers whose lines have all been taken. */
	private dropRetired(): void {
		const empty = new Set([...this.retired].filter(framer => framer.heldBytes === 0));
		if (empty.size > 0) {
			this.framers = this.framers.filter(framer => !empty.has(framer));
			for (const framer of empty) {
				this.retired.delete(framer);
			}
		}
	}

	/** As finish, with offer's `take`. */
	offerAll(take: (lines: Buffer) => number): boolean {
		if (!this.offer(take)) {
			return false;
		}

		for (const framer of this.framers) {
			if (!framer.offerAll(take)) {
				return false;
			}
		}

		return true;
	}
}

/** A `take` that takes everything, for a `write` that either writes all or throws. */
function whole(write: (lines: Buffer) => void): (lines: Buffer) => number {
	return lines => {
		write(lines);
		return lines.length;
	};
}
