// Records -> lines, for the sources that need work per record: sockets (a NUL ends a record, as
// syslog senders on stream sockets end them; --syslog drops a leading <priority>; --max-record
// cuts a record that would otherwise be buffered without bound) and any source with --tag (its
// name before each line). Pure: bytes in, bytes pushed into one LineFramer. stdin and FIFOs
// without --tag never come here: their bytes go to their framer untouched, one push per chunk.

import type {LineFramer} from './framing.js';

const newline = 0x0a;
const nul = 0x00;
const lineEnd = Buffer.from('\n');

export type RecordOptions = {
	/** --tag: written before each line (the source's name and a space). */
	prefix?: Buffer | undefined;
	/** --syslog: a record that begins with `<N>` (1 to 3 digits) loses it. */
	syslog?: boolean | undefined;
	/** Socket sources: a NUL ends a record and is written as a newline (the one change of bytes). */
	nul?: boolean | undefined;
	/** --max-record: a longer record is cut into lines of at most this many bytes (prefix not counted). */
	maxRecord?: number | undefined;
	/** Called once for each record cut by --max-record. */
	onCut?: (() => void) | undefined;
};

/**
 * The length of the syslog priority `<N>` at `from` (1 to 3 digits), 0 if there is none, or -1 if
 * `bytes` end before that is decided (`<1` might go on as `<13>` in the next read).
 */
export function priorityLength(bytes: Uint8Array, from: number): number {
	if (from >= bytes.length) {
		return -1;
	}

	if (bytes[from] !== 0x3c) {
		return 0;
	}

	for (let at = from + 1; at <= from + 4; at++) {
		if (at >= bytes.length) {
			return -1;
		}

		const byte = bytes[at]!;
		if (byte === 0x3e) {
			return at > from + 1 ? at - from + 1 : 0;
		}

		if (byte < 0x30 || byte > 0x39 || at === from + 4) {
			return 0;
		}
	}

	return 0;
}

/** Rewrites every NUL of `bytes` as a newline, in place. */
function nulToNewline(bytes: Uint8Array): void {
	for (let at = bytes.indexOf(nul); at !== -1; at = bytes.indexOf(nul, at + 1)) {
		bytes[at] = newline;
	}
}

export class RecordReader {
	private readonly prefix: Buffer | undefined;
	private readonly syslog: boolean;
	private readonly nul: boolean;
	private readonly maxRecord: number;
	private readonly onCut: (() => void) | undefined;
	/** The next byte starts a record (its priority not yet looked at, its prefix not yet written). */
	private atStart = true;
	/** The record going on is the rest of a cut one: no priority to look for, not counted again. */
	private continued = false;
	/** Bytes of the current line written so far, prefix not counted. */
	private length = 0;
	/** The start of a record whose priority is undecided at the end of a read (at most 4 bytes). */
	private pending: Buffer | undefined;

	constructor(private readonly framer: LineFramer, options: RecordOptions = {}) {
		this.prefix = options.prefix;
		this.syslog = options.syslog ?? false;
		this.nul = options.nul ?? false;
		this.maxRecord = options.maxRecord ?? Number.POSITIVE_INFINITY;
		this.onCut = options.onCut;
	}

	/**
	 * Bytes of a stream. With `nul`, the chunk's NULs are rewritten in place: pass memory you own.
	 */
	push(chunk: Uint8Array): void {
		if (chunk.length === 0) {
			return;
		}

		if (this.nul) {
			nulToNewline(chunk);
		}

		let bytes = chunk;
		if (this.pending !== undefined) {
			bytes = Buffer.concat([this.pending, chunk]);
			this.pending = undefined;
		}

		// Most reads of a socket without --tag or --syslog: nothing to do per record.
		if (this.prefix === undefined && !this.syslog && this.length + bytes.length <= this.maxRecord) {
			this.framer.push(bytes);
			const last = bytes.lastIndexOf(newline);
			this.length = last === -1 ? this.length + bytes.length : bytes.length - last - 1;
			this.atStart = last === bytes.length - 1;
			if (last !== -1) {
				this.continued = false;
			}

			return;
		}

		this.records(bytes, this.syslog);
	}

	/**
	 * One datagram, one record: a trailing NUL, then a trailing newline, are dropped; the priority is
	 * looked for at its start only; inner newlines (and NULs) make several lines.
	 */
	pushDatagram(datagram: Buffer): void {
		let end = datagram.length;
		if (end > 0 && datagram[end - 1] === nul) {
			end -= 1;
		}

		if (end > 0 && datagram[end - 1] === newline) {
			end -= 1;
		}

		const body = datagram.subarray(0, end);
		if (this.nul) {
			nulToNewline(body);
		}

		const skip = this.syslog ? Math.max(priorityLength(body, 0), 0) : 0;
		this.startLine();
		this.records(body.subarray(skip), false);
		this.endLine();
	}

	/** At the end of the stream: a record cut short is written with a newline added. */
	end(): void {
		if (this.pending !== undefined) {
			const pending = this.pending;
			this.pending = undefined;
			this.records(pending, false);
		}

		this.endLine();
	}

	/** Ends the line going on, if any. */
	private endLine(): void {
		if (!this.atStart) {
			this.framer.push(lineEnd);
			this.atStart = true;
			this.continued = false;
			this.length = 0;
		}
	}

	/** Writes the prefix of a new line. */
	private startLine(): void {
		if (this.prefix !== undefined) {
			this.framer.push(this.prefix);
		}

		this.atStart = false;
		this.length = 0;
	}

	/** The general case: record by record through `bytes`. */
	private records(bytes: Uint8Array, syslog: boolean): void {
		let at = 0;
		while (at < bytes.length) {
			if (this.atStart) {
				if (syslog && !this.continued) {
					const skip = priorityLength(bytes, at);
					if (skip === -1) {
						this.pending = Buffer.from(bytes.subarray(at));
						return;
					}

					at += skip;
				}

				this.startLine();
				if (at >= bytes.length) {
					return;
				}
			}

			const end = bytes.indexOf(newline, at);
			const bodyEnd = end === -1 ? bytes.length : end;
			const room = this.maxRecord - this.length;
			if (bodyEnd - at > room) {
				this.framer.push(bytes.subarray(at, at + room));
				this.framer.push(lineEnd);
				if (!this.continued) {
					this.onCut?.();
				}

				at += room;
				this.atStart = true;
				this.continued = true;
				this.length = 0;
				continue;
			}

			const stop = end === -1 ? bytes.length : end + 1;
			this.framer.push(bytes.subarray(at, stop));
			this.length += bodyEnd - at;
			if (end !== -1) {
				this.atStart = true;
				this.continued = false;
				this.length = 0;
			}

			at = stop;
		}
	}
}
