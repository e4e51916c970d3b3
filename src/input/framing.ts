// Bytes -> whole lines, byte-exact. Nothing is decoded: a line is whatever ends with 0x0a.
// Work is per chunk, never per line: one native lastIndexOf per chunk finds the last line end.
// The log's bytes do not go through split2, rotlog's other line reader: split2 decodes UTF-8
// (an invalid byte becomes U+FFFD), drops the CR of a CRLF and makes one string per line, so it
// would change the log and cost JavaScript work per line. split2 reads only the compression
// child's job protocol, JSON text one line per job (compress/child.ts, compress/pool.ts).

const newline = 0x0a;
// Room for a full batch (1 MiB) plus the reads of one event-loop turn, so steady input never reallocates.
const defaultCapacity = 4 * 1024 * 1024;
/**
 * The longest line held whole: a longer one is split into lines of at most this many bytes (a
 * newline ends each part; no byte is lost), and counted. Without a limit memory would grow with
 * the line, and Node cannot hold more than 4 GiB in one buffer at all (2 GiB through doubling):
 * one endless line would end the process and lose every line after it.
 */
export const defaultMaxLine = 1024 ** 3;

/**
 * Accumulates the bytes of one source in a reused buffer and hands out the complete lines read
 * so far as one view whose last byte is a newline. The partial last line stays until its end
 * arrives. Capacity grows only to hold one line longer than it, and shrinks back afterwards.
 */
export class LineFramer {
	private buffer: Buffer;
	private length = 0;
	/** Bytes at the start of `buffer` that are whole lines. */
	private complete = 0;
	/** The line in progress was split at `maxLine` already (it is counted once). */
	private splitting = false;
	/** Lines split at `maxLine` so far. */
	cutLines = 0;

	/**
	 * `initialCapacity`: bytes held without reallocating; many small sources (FIFOs) use less.
	 * `maxLine`: the longest line kept whole (see defaultMaxLine).
	 */
	constructor(private readonly initialCapacity = defaultCapacity, private readonly maxLine = defaultMaxLine) {
		this.buffer = Buffer.allocUnsafe(Math.min(initialCapacity, maxLine + 1));
	}

	/** Bytes of complete lines waiting to be taken. */
	get readyBytes(): number {
		return this.complete;
	}

	/** Bytes held in total, complete and partial. */
	get heldBytes(): number {
		return this.length;
	}

	/**
	 * Copies a chunk in; the caller may reuse the chunk's memory afterwards. A line longer than
	 * `maxLine` is split into lines of at most `maxLine` bytes. Only the line in progress and the
	 * first line end of the chunk are measured (the other lines of a chunk are shorter than the
	 * chunk, which is at most the limit), so this costs one comparison per chunk until a line nears
	 * the limit.
	 */
	push(chunk: Uint8Array): void {
		while (chunk.length > 0) {
			const pending = this.length - this.complete;
			if (pending + chunk.length > this.maxLine) {
				const first = chunk.indexOf(newline);
				if (pending + (first === -1 ? chunk.length : first) > this.maxLine) {
					const kept = this.maxLine - pending;
					this.store(chunk.subarray(0, kept));
					this.split();
					chunk = chunk.subarray(kept);
					continue;
				}
			}

			this.store(chunk);
			return;
		}
	}

	private store(chunk: Uint8Array): void {
		this.reserve(chunk.length);
		this.buffer.set(chunk, this.length);
		const end = chunk.lastIndexOf(newline);
		this.length += chunk.length;
		if (end !== -1) {
			this.complete = this.length - chunk.length + end + 1;
			this.splitting = false;
		}
	}

	/** The line in progress holds `maxLine` bytes and goes on: a newline ends this part of it. */
	private split(): void {
		this.reserve(1);
		this.buffer[this.length] = newline;
		this.length += 1;
		this.complete = this.length;
		if (!this.splitting) {
			this.splitting = true;
			this.cutLines += 1;
		}
	}

	/**
	 * Runs `write` on the complete lines without copying them, then drops them. If `write`
	 * throws, the lines stay for the next attempt.
	 */
	drainLines(write: (lines: Buffer) => void): void {
		this.offerLines(lines => {
			write(lines);
			return lines.length;
		});
	}

	/**
	 * Offers the complete lines, without copying them, to `take`, which returns how many bytes it
	 * took: a prefix ending at a line end (on a full disk the appender takes less than all). Those are
	 * dropped, the rest stays for the next offer. True when everything offered was taken.
	 */
	offerLines(take: (lines: Buffer) => number): boolean {
		if (this.complete === 0) {
			return true;
		}

		const taken = take(this.buffer.subarray(0, this.complete));
		this.consume(taken);
		return this.complete === 0;
	}

	/** At end of input: every byte held, the partial last line ended with a newline. */
	drainAll(write: (lines: Buffer) => void): void {
		this.endLine();
		this.drainLines(write);
	}

	/** offerLines at the end of input: the partial last line is ended with a newline first. */
	offerAll(take: (lines: Buffer) => number): boolean {
		this.endLine();
		return this.offerLines(take);
	}

	private endLine(): void {
		if (this.length > this.complete) {
			this.reserve(1);
			this.buffer[this.length] = newline;
			this.length += 1;
			this.complete = this.length;
		}
	}

	/** Drops the first `taken` bytes (whole lines: at most the complete ones). */
	private consume(taken = this.complete): void {
		const rest = this.length - taken;
		if (rest > 0 && taken > 0) {
			this.buffer.copy(this.buffer, 0, taken, this.length);
		}

		this.length = rest;
		this.complete -= taken;
		if (this.buffer.length > this.initialCapacity && rest <= this.initialCapacity / 2) {
			const smaller = Buffer.allocUnsafe(this.initialCapacity);
			this.buffer.copy(smaller, 0, 0, rest);
			this.buffer = smaller;
		}
	}

	private reserve(extra: number): void {
		if (this.length + extra <= this.buffer.length) {
			return;
		}

		// Doubling, but never past what the longest line kept (plus the lines waiting) can need.
		const larger = Buffer.allocUnsafe(Math.max(this.length + extra, Math.min(this.buffer.length * 2, this.complete + this.maxLine + extra + 1)));
		this.buffer.copy(larger, 0, 0, this.length);
		this.buffer = larger;
	}
}
