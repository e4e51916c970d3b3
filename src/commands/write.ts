// The write mode: stdin, FIFOs, sockets or exec's child -> whole lines per source -> batches appended under the lock;
// archives compressed in the background; hooks run once an archive is final.
import {Appender, type AppenderOptions} from '../log/appender.js';
import {FullDisk, type OnFull} from '../decide/full-disk.js';
import {LockTurns} from '../decide/lock-turns.js';
import {TurnHold} from '../log/turn-hold.js';
import type {Codec} from '../compress/codecs.js';
import {Compressor} from '../compress/compressor.js';
import {clearStatusLine, renderError, RuntimeFailure, setStatusLine, warn} from '../errors.js';
import {defaultMaxLine} from '../input/framing.js';
import {openInputs, type InputOptions} from '../input/inputs.js';
import type {WriteCounts} from '../output/progress.js';
import type {TimestampFormat} from '../output/timestamp.js';
import {joinWriters} from '../log/join-writers.js';
import {dropStops, takeStops} from '../stop-signals.js';
import type {PolicyRecord} from '../log/policy-record.js';
import type {Presence} from '../log/presence.js';
import type {Tee} from '../output/tee.js';

export type WriteOptions = InputOptions & AppenderOptions & {
	/** Undefined: archives stay uncompressed. */
	codec?: Codec | undefined;
	/** --on-rotate CMD. */
	onRotate?: string | undefined;
	tee?: boolean | undefined;
	timestamp?: TimestampFormat | undefined;
	/** When FILE cannot be written (disk full, I/O error): keep the lines and wait, or drop them. */
	onFull?: OnFull | undefined;
	/** This writer's policy as text, recorded in the lock file for the other commands. */
	record?: PolicyRecord | undefined;
	/**
	 * rotlog exec: SIGTERM and SIGINT go to the child instead of stopping the input; the input then
	 * ends when the child's pipes close.
	 */
	onStopSignal?: ((signal: NodeJS.Signals) => void) | undefined;
	/** --verbose: a summary line on stderr at exit. */
	verbose?: boolean | undefined;
	/** A live status line on stderr (a terminal), redrawn every 500 ms and erased at the end. */
	liveStatus?: boolean | undefined;
};

export type {OnFull} from '../decide/full-disk.js';

/**
 * When whole lines are written. A source with `writeAt` bytes of them has them written at once
 * if the lock is free, from a buffer still in the CPU cache; the lock is then kept for the rest
 * of the event-loop turn. If another writer holds the lock, reading goes on and the lines wait
 * for the end of the turn or until the source holds all it may (`batchLimit` for stdin, less
 * for a FIFO: inputs.ts), and then for the lock: under contention the batches grow instead of
 * the lock changing hands per read. Smaller amounts (a trickle, many quiet FIFOs) also wait for
 * the end of the turn and go out together.
 *
 * Measured on 1 GiB through one writer: writing each 64 KiB read as it comes took about 15%
 * less CPU than gathering 1 MiB batches, which do not stay in the cache.
 *
 * `batchLimit` is also the most bytes of several sources' lines copied into one append. Writing
 * is synchronous, so while lines are written nothing more is read: a slow disk fills the pipe
 * and the producer waits.
 */
const writeAt = 32 * 1024;
const batchLimit = 1024 * 1024;

/** Prints a line that a unit returned, if any (erasing the live status line first). */
function say(line: string | undefined): void {
	if (line !== undefined) {
		clearStatusLine();
		process.stderr.write(`${line}\n`);
	}
}

/** What the write mode holds until its end, let go of by shutDown in its order. */
type Held = {
	appender: Appender;
	/** This writer counted among the live ones (joinWriters); undefined without a record. */
	presence: Presence | undefined;
	disk: FullDisk;
	/** Takes the write mode's handlers of SIGTERM, SIGINT, SIGHUP and SIGUSR1 off. */
	releaseSignals: () => void;
	compressor: Compressor;
	file: string;
	/** --on-rotate hooks still running; compressions that finish during the drain add theirs. */
	hooks: Set<Promise<void>>;
	tee: Tee | undefined;
	/** A signal ended the run: once the log is written, the --tee copy is not waited for. */
	signalled: boolean;
	/** Ends the live status line and says the --verbose summary. */
	endStatus: () => void;
};

/**
 * The write mode's ordered shutdown, once every line read is written or an error ended the run:
 * FILE and the lock are closed, this writer leaves the live ones, a full disk says its last word
 * and the signal handlers go; then this process's own archives are compressed (or failed), then
 * its hooks end, then --tee's copies are out, then the status line and the summary. Resolves when
 * all of that is done; rejects with `error` (or closing FILE's) after it.
 */
async function shutDown(held: Held, error?: unknown): Promise<void> {
	const {compressor} = held;
	try {
		held.appender.close();
	} catch (closing) {
		error ??= closing;
	}

	held.presence?.close();
	say(held.disk.closed());
	// Only now: a second SIGTERM during the final write must not kill us mid-way.
	held.releaseSignals();
	// Exit once this process's own archives are compressed (or failed), then its hooks. A
	// SIGTERM or SIGINT meanwhile stops the compressions and exits 0 at once: what is left
	// raw is resumable, and the next writer that rotates, or check, compresses it (protocol.ts).
	const stopCompressing = () => {
		process.off('SIGTERM', stopCompressing);
		process.off('SIGINT', stopCompressing);
		// A second signal now ends the process as signals do.
		void compressor.stop().then(left => {
			if (left > 0 && process.stderr.isTTY) {
				say(`rotlog: stopped with ${left} archive${left === 1 ? '' : 's'} of '${held.file}' not compressed yet; the next writer that rotates, or 'rotlog check', compresses ${left === 1 ? 'it' : 'them'}`);
			}
		});
	};

	process.on('SIGTERM', stopCompressing);
	process.on('SIGINT', stopCompressing);
	return compressor.drain().finally(() => {
		process.off('SIGTERM', stopCompressing);
		process.off('SIGINT', stopCompressing);
		compressor.close();
	}).then(async () => Promise.all(held.hooks)).then(async () => held.tee?.end(held.signalled)).then(() => {
		held.endStatus();
		if (error !== undefined) {
			throw error;
		}
	});
}

/** `clock`: milliseconds, as Date.now(); tests may pass another. */
export async function runWrite(options: WriteOptions, clock: () => number = Date.now): Promise<number> {
	// FIFOs first: a bad --fifo fails before FILE is created. (If FILE then fails, the process
	// exits at once, so the FIFOs' descriptors need no closing.)
	const inputs = await openInputs(options, batchLimit);
	// What only some options need is loaded only for them: every module costs start-up time.
	const {onRotate, timestamp} = options;
	const runHook = onRotate === undefined ? undefined : (await import('../output/hooks.js')).runHook;
	const tee = options.tee ? new (await import('../output/tee.js')).Tee() : undefined;
	const stamping = timestamp === undefined ? undefined : await (async () => {
		const {formatTimestamp, stampLines, unstampedBytes} = await import('../output/timestamp.js');
		return {
			stamp: (lines: Buffer) => stampLines(lines, formatTimestamp(timestamp, new Date(clock()))),
			unstampedBytes,
		};
	})();

	// Counted only for the live status line or the --verbose summary: no work per batch otherwise.
	const started = clock();
	const counts: WriteCounts = {lines: 0, bytes: 0, rotations: 0, pending: 0};
	const progress = options.verbose || options.liveStatus ? await import('../output/progress.js') : undefined;
	const count = progress === undefined ? undefined : (written: Buffer) => {
		counts.bytes += written.length;
		counts.lines += progress.countLines(written);
	};
	const live = options.liveStatus && progress ? new progress.LiveStatus(process.stderr, () => counts, clock) : undefined;
	const redraw = live === undefined ? undefined : setInterval(() => {
		live.tick();
	}, 500).unref();
	if (live !== undefined) {
		setStatusLine(() => {
			live.clear();
		});
	}

	// Hooks run while writing goes on; the process waits for them before it exits.
	const hooks = new Set<Promise<void>>();
	const onFinal = (archive: string | undefined) => {
		if (count !== undefined && options.codec !== undefined && counts.pending > 0) {
			counts.pending--;
		}

		if (onRotate === undefined || runHook === undefined || archive === undefined) {
			return;
		}

		const report = (failure: unknown) => {
			if (failure !== undefined) {
				say(renderError(failure));
			}
		};

		const hook = runHook(onRotate, options.file, archive).then(report, report).finally(() => hooks.delete(hook));
		hooks.add(hook);
	};

	// An archive is final once rotated when nothing compresses it, else once its compression is
	// done (or has failed, leaving it raw).
	const compressor = new Compressor({file: options.file, lockPath: options.lockPath, codec: options.codec, naming: options, onFinal});
	const appender = new Appender({
		...options,
		clock,
		onArchive(archive) {
			compressor.archived(archive);
			if (count !== undefined && options.codec !== undefined) {
				counts.pending++;
			}
		},
		onRotated: count === undefined ? (options.codec === undefined ? onFinal : undefined) : archive => {
			counts.rotations++;
			if (options.codec === undefined) {
				onFinal(archive);
			}
		},
	});
	// Before any line: this writer is counted as live, and the log's record is settled.
	const presence = options.record === undefined ? undefined : (() => {
		try {
			return joinWriters(appender, options.file, options.lockPath, options.record);
		} catch (error) {
			appender.close();
			throw error;
		}
	})();
	// A full disk or an I/O error: lines wait (or are dropped) and writes are retried, not fatal.
	const disk = new FullDisk(options.onFull ?? 'block', options.file);
	const hold = new TurnHold({appender, turns: new LockTurns(), clock, schedule: setImmediate, never: tee !== undefined});

	// Lines longer than --max-line are split by the framers; each is said once, as it is written.
	let cutLines = 0;
	const reportCuts = () => {
		const cut = inputs.cutLines;
		if (cut !== cutLines) {
			warn(`split ${cut - cutLines} line(s) longer than --max-line (${options.maxLine ?? defaultMaxLine} bytes) into lines of at most that length`);
			cutLines = cut;
		}
	};

	/** Writes whole lines; returns the bytes taken (the rest is kept by the sources and retried). */
	const append = (lines: Buffer): number => {
		reportCuts();
		if (disk.failing && disk.dropsAt(clock())) {
			disk.drop(lines);
			return lines.length;
		}

		const logged = stamping === undefined ? lines : stamping.stamp(lines);
		// In a hold (taken by `ready` below) the lock stays ours to the end of the event-loop turn.
		const written = appender.append(logged);
		if (written > 0) {
			tee?.write(logged.subarray(0, written));
			count?.(logged.subarray(0, written));
		}

		if (appender.blocked === undefined) {
			if (disk.failing) {
				say(disk.recovered());
			}

			return lines.length;
		}

		const taken = stamping === undefined ? written : stamping.unstampedBytes(lines, logged, written);
		say(disk.failed(appender.blocked, clock()));
		if (disk.drops) {
			disk.drop(lines.subarray(taken));
			return lines.length;
		}

		return taken;
	};

	// The live status line goes and the --verbose summary is said last, after hooks and --tee.
	const endStatus = () => {
		clearInterval(redraw);
		live?.end();
		setStatusLine(undefined);
		if (options.verbose && progress) {
			process.stderr.write(`${progress.summaryLine(counts, clock() - started)}\n`);
		}
	};

	return new Promise<number>((resolve, reject) => {
		let scheduled = false;
		let finished = false;
		let retry: NodeJS.Timeout | undefined;
		/** Input is paused until stdout's reader takes the --tee copies. */
		let teeWaits = false;
		/** A signal ends the run: once the log is written, the --tee copy is not waited for. */
		let signalled = false;
		/** A second SIGTERM/SIGINT while the last lines wait for space: exit without them. */
		let givingUp = false;

		const close = (error?: unknown) => {
			const releaseSignals = () => {
				dropStops(onSignal);
				process.off('SIGHUP', onHangup);
				process.off('SIGUSR1', onRotateSignal);
			};

			shutDown({appender, presence, disk, releaseSignals, compressor, file: options.file, hooks, tee, signalled, endStatus}, error).then(() => {
				resolve(0);
			}, reject);
		};

		// Every byte read, partial lines ended; while the disk is full, retried (a normal timer:
		// the process must stay alive for its lines).
		const finish = () => {
			retry = undefined;
			if (givingUp) {
				close(new RuntimeFailure(`gave up on the lines not yet written to '${options.file}': ${renderError(appender.blocked).replace(/^rotlog: /, '')}`));
				return;
			}

			try {
				if (!inputs.offerAll(append)) {
					retry = setTimeout(finish, disk.retryIn(clock()));
					return;
				}
			} catch (error) {
				close(error);
				return;
			}

			close();
		};

		const settle = (error?: unknown) => {
			if (finished) {
				return;
			}

			finished = true;
			clearTimeout(retry);
			inputs.stop();
			if (error === undefined) {
				finish();
			} else {
				close(error);
			}
		};

		const flush = () => {
			scheduled = false;
			if (finished || retry !== undefined) {
				return;
			}

			try {
				if (!inputs.offerLines(append)) {
					// Keep what is not written; read nothing more (the producers wait) until it is.
					inputs.pause();
					retry = setTimeout(retryWrite, disk.retryIn(clock()));
				} else if (tee?.backlogged && !teeWaits) {
					// stdout's reader lags: read nothing more until it has taken the copies.
					teeWaits = true;
					inputs.pause();
					tee.whenDrained(() => {
						teeWaits = false;
						if (retry === undefined && !finished) {
							inputs.resume();
						}
					});
				}
			} catch (error) {
				settle(error);
			}
		};

		const retryWrite = () => {
			retry = undefined;
			flush();
			if (retry === undefined && !finished && !teeWaits) {
				inputs.resume();
			}
		};

		// SIGTERM / SIGINT: keep what was read and what waits in the FIFOs, partial lines included; exit 0.
		const onSignal = (signal: NodeJS.Signals) => {
			signalled = true;
			if (finished && retry !== undefined) {
				// The last lines wait for space: a second signal means stop waiting.
				givingUp = true;
				clearTimeout(retry);
				finish();
				return;
			}

			if (options.onStopSignal !== undefined && !finished) {
				options.onStopSignal(signal);
				return;
			}

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

		takeStops(onSignal);
		process.on('SIGHUP', onHangup);
		process.on('SIGUSR1', onRotateSignal);

		inputs.start({
			ready(bytes, full) {
				// Written now: as much as the source may hold (waiting for the lock if need be), or a
				// read's worth when the lock is free. Else at the end of the turn, with what follows.
				if (full || (bytes >= writeAt && hold.holdIfFree())) {
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
