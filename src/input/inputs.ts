// The write mode's input: stdin, or FIFOs and sockets (and stdin too with --stdin), or the pipes of
// `rotlog exec`'s child, each source with its own LineFramer, all framers behind one LineMerge. To
// the write command it looks like one source with a framer: it says when lines are ready, and
// hands them out as batches.
import fs from 'node:fs';
import {resolve} from 'node:path';
import type {Readable} from 'node:stream';
import {UsageError, warn} from '../errors.js';
import type {ListenAddress} from './address.js';
import {readDescriptor, type Source} from './descriptor.js';
import type {FifoSource, OpenFifo, readFifo} from './fifo.js';
import type {ListenSource, OpenListener, Sink} from './listen.js';
import {LineMerge} from './merge.js';
import {RecordReader} from './records.js';
import {readStream} from './stream.js';

export type InputOptions = {
	/** The log file and its lock: no --fifo may be either (rotlog would read back what it writes). */
	file: string;
	lockPath: string;
	/** FIFOs to read (created if missing); with any, stdin is read only if `stdin` is set. */
	fifos?: readonly string[] | undefined;
	stdin?: boolean | undefined;
	/** The longest line kept whole (--max-line); a longer one is cut there. */
	maxLine?: number | undefined;
	/** Sockets to listen on; with any, stdin is read only if `stdin` is set. */
	listen?: readonly ListenAddress[] | undefined;
	/** --socket-mode: the mode of Unix socket files (undefined: 0660 less the umask). */
	socketMode?: number | undefined;
	/** --syslog: a socket record that begins with `<N>` loses it. */
	syslog?: boolean | undefined;
	/** --max-record: the longest record of a socket source, in bytes. */
	maxRecord?: number | undefined;
	/** --tag: each line begins with its source's name and a space. */
	tag?: boolean | undefined;
	/**
	 * rotlog exec: starts the child once FILE is open, and gives its output pipes with their
	 * names; they are the sources, and stdin is not read.
	 */
	spawn?: (() => ReadonlyArray<{name: string; stream: Readable}>) | undefined;
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
/** A connection's framer: many connections, mostly quiet; it grows for a longer record. */
const connectionCapacity = 96 * 1024;
const connectionFlushAt = 32 * 1024;
/** The longest socket record when --max-record is not given. */
export const defaultMaxRecord = 1024 * 1024;
const newline = Buffer.from('\n');

/** What only sockets, --tag and exec need: the sources beyond stdin and FIFOs, and their options. */
export type MoreInputs = {
	listeners: readonly OpenListener[];
	/** listen.ts's server, loaded only when there are listeners. */
	serve: ((listener: OpenListener, open: (name: string) => Sink, error: (error: unknown) => void) => ListenSource) | undefined;
	spawn: InputOptions['spawn'];
	tag: boolean;
	syslog: boolean;
	maxRecord: number;
};

const noMore: MoreInputs = {listeners: [], serve: undefined, spawn: undefined, tag: false, syslog: false, maxRecord: defaultMaxRecord};

export class Inputs {
	private readonly merge: LineMerge;
	private readonly sources: Array<Source | FifoSource> = [];
	private readonly listening: ListenSource[] = [];
	/** Socket records cut by --max-record. */
	private cuts = 0;
	/** A FIFO that failed while drained at the end; reported once everything read is written. */
	private failure: unknown;

	constructor(
		private readonly fifos: readonly OpenFifo[],
		/** fifo.ts's reader, loaded only when there are FIFOs. */
		private readonly fifoReader: typeof readFifo | undefined,
		private readonly readStdin: boolean,
		private readonly batchLimit: number,
		private readonly more: MoreInputs = noMore,
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
		const endless = this.fifos.length > 0 || this.more.listeners.length > 0;
		/** Sources that end (stdin, exec's pipes): the input ends with the last of them, unless endless. */
		let open = this.readStdin ? 1 : 0;
		const eventsFor = (flushAt: number, capacity?: number, name?: string) => {
			const framer = this.merge.add(capacity);
			// --tag is work per line: only with it do stdin and FIFOs go through a RecordReader.
			const reader = this.more.tag ? new RecordReader(framer, {prefix: Buffer.from(`${name} `)}) : undefined;
			return {
				chunk: reader === undefined
					? (bytes: Uint8Array) => {
						framer.push(bytes);
						if (framer.readyBytes > 0) {
							events.ready(framer.readyBytes, framer.readyBytes >= flushAt);
						}
					}
					: (bytes: Uint8Array) => {
						reader.push(bytes);
						if (framer.readyBytes > 0) {
							events.ready(framer.readyBytes, framer.readyBytes >= flushAt);
						}
					},
				end() {
					open -= 1;
					if (!endless && open === 0) {
						events.end();
						return;
					}

					// stdin ended while FIFOs go on: its last line is ended now, as at the end of input.
					if (reader !== undefined) {
						reader.end();
					} else if (framer.heldBytes > framer.readyBytes) {
						framer.push(newline);
					}

					if (framer.readyBytes > 0) {
						events.ready(framer.readyBytes, false);
					}
				},
				error: events.error,
			};
		};

		if (this.readStdin) {
			this.sources.push(readDescriptor(0, eventsFor(this.batchLimit, undefined, 'stdin')));
		}

		for (const fifo of this.fifos) {
			this.sources.push(this.fifoReader!(fifo, eventsFor(fifoFlushAt, fifoCapacity, fifo.path)));
		}

		if (this.more.listeners.length > 0) {
			this.startListeners(events);
		}

		if (this.more.spawn !== undefined) {
			const streams = this.more.spawn();
			open += streams.length;
			for (const {name, stream} of streams) {
				this.sources.push(readStream(stream, eventsFor(this.batchLimit, undefined, name)));
			}
		}
	}

	/** Socket sources: one framer per connection, records as records.ts reads them. */
	private startListeners(events: InputEvents): void {
		const {tag, syslog, maxRecord} = this.more;
		const onCut = (name: string) => () => {
			this.cuts += 1;
			if (this.cuts === 1) {
				warn(`a record on ${name} is longer than --max-record (${maxRecord} bytes): cut into lines of at most that length; the cuts are counted at exit`);
			}
		};

		const open = (name: string): Sink => {
			const framer = this.merge.add(connectionCapacity);
			const reader = new RecordReader(framer, {prefix: tag ? Buffer.from(`${name} `) : undefined, syslog, nul: true, maxRecord, onCut: onCut(name)});
			const ready = (full: boolean) => {
				if (framer.readyBytes > 0) {
					events.ready(framer.readyBytes, full || framer.readyBytes >= connectionFlushAt);
				}
			};

			return {
				chunk(bytes) {
					reader.push(bytes);
					ready(false);
				},
				datagram(bytes) {
					reader.pushDatagram(bytes);
					ready(false);
				},
				end: () => {
					reader.end();
					this.merge.retire(framer);
					ready(false);
				},
				get held() {
					return framer.heldBytes;
				},
			};
		};

		for (const listener of this.more.listeners) {
			this.listening.push(this.more.serve!(listener, open, events.error));
		}
	}

	/**
	 * Offers the whole lines read so far, in batches, to `take`, which returns the bytes it took
	 * (a prefix ending at a line end); the rest is kept. True when everything was taken.
	 */
	offerLines(take: (lines: Buffer) => number): boolean {
		return this.merge.offer(take);
	}

	/** At the end: every byte read, each partial last line ended with a newline. */
	offerAll(take: (lines: Buffer) => number): boolean {
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

		for (const source of this.listening) {
			source.pause();
		}
	}

	resume(): void {
		for (const source of this.sources) {
			source.resume();
		}

		for (const source of this.listening) {
			source.resume();
		}
	}

	/**
	 * Stops reading. What writers already put into the FIFOs is read first (it is ours to write:
	 * SIGTERM and SIGINT keep it); stdin's unread bytes stay in the kernel, as before. Never
	 * throws: a read error is kept for offerAll, after what was read is written.
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

		if (this.listening.length > 0) {
			this.stopListeners();
		}
	}

	/** Closes the sockets (their files removed) and says what was cut or dropped. */
	private stopListeners(): void {
		let dropped = 0;
		for (const source of this.listening) {
			source.stop();
			dropped += source.dropped;
		}

		if (this.cuts > 0) {
			warn(`${this.cuts} ${this.cuts === 1 ? 'record' : 'records'} longer than --max-record (${this.more.maxRecord} bytes) cut into several lines`);
		}

		if (dropped > 0) {
			warn(`dropped ${dropped} ${dropped === 1 ? 'datagram' : 'datagrams'} that arrived while FILE could not be written`);
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

	const listen = options.listen ?? [];
	for (const address of listen) {
		const output = address.kind === 'unix' ? outputs.find(([, path]) => resolve(path) === resolve(address.path)) : undefined;
		if (output && address.kind === 'unix') {
			throw new UsageError(`invalid --listen 'unix:${address.path}': it is ${output[0]}`);
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

	// Sockets last: a bad --fifo or FILE fails before a socket file appears.
	const listenModule = listen.length === 0 ? undefined : await import('./listen.js');
	let listeners: OpenListener[] = [];
	try {
		listeners = listenModule === undefined ? [] : await listenModule.openListeners(listen, options.socketMode);
	} catch (error) {
		fifoModule?.closeFifos(fifos);
		throw error;
	}

	const more: MoreInputs = {
		listeners,
		serve: listenModule?.serveListener,
		spawn: options.spawn,
		tag: options.tag ?? false,
		syslog: options.syslog ?? false,
		maxRecord: options.maxRecord ?? defaultMaxRecord,
	};
	const stdin = options.stdin === true || (fifos.length === 0 && listen.length === 0 && options.spawn === undefined);
	return new Inputs(fifos, fifoModule?.readFifo, stdin, batchLimit, more, options.maxLine);
}
