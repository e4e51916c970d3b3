// The critical section: take the lock, make sure our descriptor is FILE, decide from the size on
// disk, write whole lines with O_APPEND, rotate when the next line would not fit, release.
// Nothing here runs per line: a batch is any number of whole lines.
import fs from 'node:fs';
import type {ArchiveOptions} from './archives.js';
import {errnoCode, fsFailure, renderError, warn} from '../errors.js';
import {stepDone, writeFile} from './faults.js';
import {FileLock} from './lock.js';
import {PeriodTracker} from '../decide/period.js';
import {nextStep} from '../decide/rotation.js';
import {keepMode, rotateFile} from './rotate.js';

export type AppenderOptions = ArchiveOptions & {
	file: string;
	lockPath: string;
	/** Largest size of a file in bytes; undefined: no size rotation. */
	max?: number | undefined;
	/** Archives kept after a rotation. */
	keep: number;
	/** Mode of FILE and of the lock file when rotlog creates them [0o666, before the umask]. */
	mode?: number | undefined;
	/** Told of each rotation's archive (undefined: deleted by --keep 0), after the lock is released. */
	onRotated?: ((archive: string | undefined) => void) | undefined;
	/** Called under the lock with each new archive's path (compression claims it there). */
	onArchive?: ((archive: string) => void) | undefined;
};

const fileFlags = fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
const newlineBuffer = Buffer.from('\n');
/** Far more than the kernel's coarse clock lags behind Date.now() (one tick: 1 to 10 ms). */
const boundaryMargin = 100;
/** How long FILE grows past --max after a failed rotation before the next try [ms]. */
const rotationRetry = 5000;
/**
 * The most bytes written under one hold of the lock: other writers, `rotate` and `check` wait
 * for at most this much (about a millisecond of writing).
 */
const holdLimit = 1024 * 1024;
/** Write errors that may pass (space freed, a device back): the lines are kept and retried. */
const retryable = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG']);

/** True for a failure of a write that the write mode waits out rather than exits on (issue 7). */
export function isRetryable(error: unknown): boolean {
	const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
	return retryable.has(errnoCode(cause) ?? '');
}

export class Appender {
	/** Why the last append wrote less than it was given (a full disk, an I/O error), else undefined. */
	blocked: unknown;
	private readonly lock: FileLock;
	private fd = -1;
	private ino = -1;
	private dev = -1;
	/** FILE's size right after our own last write, which ended with a newline. */
	private cleanEnd = -1;
	/** FILE's mtime when the lock was taken, before any write of ours. */
	private mtimeMs = 0;
	/** FILE's mode bits when the lock was taken: the FILE a rotation makes gets them (without --mode). */
	private modeBits = 0o666;
	private readonly periods: PeriodTracker | undefined;
	/** When a rotation last failed (undefined: the last one worked). */
	private rotationFailedAt: number | undefined;
	/** The lock is ours (an append in progress, or a hold between appends). */
	private locked = false;
	/** While the lock is held between appends: FILE's size, which only we change (undefined: not checked yet). */
	private heldSize: number | undefined;
	/** Bytes appended since the lock was taken. */
	private heldBytes = 0;
	/** Archives made under the lock, announced once it is released. */
	private rotated: Array<string | undefined> = [];

	constructor(private readonly options: AppenderOptions) {
		// FILE first, so that a missing directory or an unwritable FILE is reported by its name.
		this.openFile();
		this.lock = new FileLock(options.lockPath, options.mode);
		// The compression queue in this process may want the lock between appends: a hold ends then.
		this.lock.allowHolds(() => {
			this.release();
		});
		this.periods = options.interval ? new PeriodTracker(options.interval, options.zone) : undefined;
		// Calendar periods take a search (under a millisecond) to find: not under the lock.
		this.periods?.periodAt(Date.now());
	}

	/**
	 * Appends whole lines (a buffer ending with a newline), rotating at line boundaries. Returns
	 * the bytes written: all of them, or on a full disk or an I/O error (`blocked` then says why)
	 * the lines written before it; FILE is cut back so that no part of a line stays (issue 7).
	 *
	 * Without a hold the lock is taken for this append alone. In a hold (`tryLock`) it stays held
	 * after the write, until `release()` or until `holdLimit` bytes were written under it, and the
	 * next append skips the lock and the identity check: nobody else can rotate or write FILE
	 * meanwhile. So a stream of reads is written as it comes, from a buffer still in the CPU
	 * cache, at one lock per event-loop turn, not one per read.
	 */
	append(lines: Buffer): number {
		this.blocked = undefined;
		if (lines.length === 0) {
			return 0;
		}

		const holding = this.locked;
		if (!holding) {
			this.lock.acquire();
			this.locked = true;
		}

		let rest = lines;
		// FILE's size before the write under way: everything after it is ours (we hold the lock).
		let before = -1;
		let keep = false;
		try {
			before = this.heldSize ?? this.syncToFile();
			let size = before;
			// Decided from durable state, so every writer agrees and downtime is caught up (issue 4).
			const now = Date.now();
			if (this.periods && size > 0 && this.periods.isEarlier(this.mtimeMs, now)) {
				size = this.tryRotate();
			}

			while (rest.length > 0) {
				const step = nextStep(size, this.rotationHeld(now) ? undefined : this.options.max, rest);
				if (step.kind === 'rotate') {
					size = this.tryRotate();
					continue;
				}

				before = size;
				this.writeAll(rest.subarray(0, step.bytes));
				size += step.bytes;
				this.cleanEnd = size;
				rest = rest.subarray(step.bytes);
			}

			this.pinPeriod(now);
			this.heldBytes += lines.length;
			keep = holding && this.heldBytes < holdLimit;
			if (keep) {
				this.heldSize = size;
				// What FILE's mtime says now (pinPeriod made sure): the period check of the next append.
				this.mtimeMs = now;
			}
		} catch (error) {
			if (!isRetryable(error)) {
				throw error;
			}

			this.blocked = error;
			this.cutBack(before);
		} finally {
			if (!keep) {
				this.release();
			}
		}

		return lines.length - rest.length;
	}

	/**
	 * Takes the lock if nobody holds it, without waiting, and begins a hold; true when it is held
	 * now. Appends keep it until `release()` (when to try: lock-turns.ts).
	 */
	tryLock(): boolean {
		if (!this.locked) {
			this.locked = this.lock.tryAcquire();
		}

		return this.locked;
	}

	/** True while the lock is held between appends: `release()` must follow within the event-loop turn. */
	get holding(): boolean {
		return this.locked;
	}

	/** Ends a hold (`tryLock`): the lock is released, rotations are announced. */
	release(): void {
		this.locked = false;
		this.heldSize = undefined;
		this.heldBytes = 0;
		this.lock.release();
		this.announce();
	}

	/** Rotates now if FILE holds anything; true when it did. */
	rotate(): boolean {
		this.release();
		this.lock.acquire();
		try {
			if (this.syncToFile() === 0) {
				return false;
			}

			this.rotateLocked();
			return true;
		} finally {
			this.lock.release();
			this.announce();
		}
	}

	/** Closes FILE and opens it again by name (SIGHUP), under the lock. */
	reopen(): void {
		this.release();
		this.lock.acquire();
		try {
			this.openFile();
		} finally {
			this.lock.release();
		}
	}

	private announce(): void {
		const archives = this.rotated;
		this.rotated = [];
		for (const archive of archives) {
			this.options.onRotated?.(archive);
		}
	}

	close(): void {
		this.release();
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}

		this.lock.close();
	}

	/**
	 * Under the lock: reopen FILE if it was renamed away or deleted (by another writer's rotation,
	 * `rotlog rotate`, or any other tool), and end a line that a killed writer left unfinished.
	 * Returns FILE's size.
	 */
	private syncToFile(): number {
		const onDisk = fs.statSync(this.options.file, {throwIfNoEntry: false});
		if (!onDisk || onDisk.ino !== this.ino || onDisk.dev !== this.dev) {
			this.openFile();
		}

		const stats = fs.fstatSync(this.fd);
		const size = stats.size;
		this.mtimeMs = stats.mtimeMs;
		this.modeBits = stats.mode & 0o7777;
		if (size > 0 && size !== this.cleanEnd && !this.endsWithNewline(size)) {
			this.writeAll(newlineBuffer);
			this.cleanEnd = size + 1;
			return size + 1;
		}

		return size;
	}

	private endsWithNewline(size: number): boolean {
		const last = Buffer.alloc(1);
		fs.readSync(this.fd, last, 0, 1, size - 1);
		return last[0] === 0x0a;
	}

	private openFile(): void {
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}

		try {
			this.fd = fs.openSync(this.options.file, fileFlags, this.options.mode ?? 0o666);
		} catch (error) {
			throw fsFailure('open', this.options.file, error);
		}

		const stats = fs.fstatSync(this.fd);
		this.ino = stats.ino;
		this.dev = stats.dev;
		this.cleanEnd = -1;
	}

	/** Writes every byte, looping on short writes (O_APPEND puts each write at the end). */
	private writeAll(bytes: Buffer): void {
		let done = 0;
		while (done < bytes.length) {
			try {
				done += writeFile(this.fd, bytes, done, bytes.length - done);
			} catch (error) {
				throw fsFailure('write to', this.options.file, error);
			}
		}
	}

	/**
	 * After a failed write under the lock: FILE back to `size`, its length before that write, so
	 * no part of a line stays (only our bytes follow it: we hold the lock). If even that fails,
	 * the next writer ends the fragment with a newline, as after a killed writer.
	 */
	private cutBack(size: number): void {
		if (size < 0) {
			return;
		}

		try {
			if (fs.fstatSync(this.fd).size > size) {
				fs.ftruncateSync(this.fd, size);
			}

			this.cleanEnd = size;
		} catch {
			this.cleanEnd = -1;
		}
	}

	/**
	 * Under the lock: rotates, and returns FILE's new size (0). If the rotation fails (a rename is
	 * refused, the directory is full), FILE keeps growing past --max rather than losing a line:
	 * said once, retried after a while.
	 */
	private tryRotate(): number {
		try {
			this.rotateLocked();
			if (this.rotationFailedAt !== undefined) {
				this.rotationFailedAt = undefined;
				warn(`rotating '${this.options.file}' works again`);
			}

			return 0;
		} catch (error) {
			if (this.rotationFailedAt === undefined) {
				warn(`${renderError(error).replace(/^rotlog: /, '')}; writing on past --max until a rotation succeeds`);
			}

			this.rotationFailedAt = Date.now();
			// A rotation cut short may have renamed FILE away already: write to whichever FILE is there.
			return this.syncToFile();
		}
	}

	/** True while a failed rotation waits for its retry: FILE may then grow past --max. */
	private rotationHeld(now: number): boolean {
		return this.rotationFailedAt !== undefined && now - this.rotationFailedAt < rotationRetry;
	}

	/**
	 * Under the lock, after writing lines that belong to the period of `now`: make sure FILE's
	 * mtime says so. The kernel stamps mtime from a coarse clock (a tick behind Date.now()), and a
	 * write may end after the period did; either could put mtime in the wrong period and the
	 * next writer would archive these lines under the wrong one. Only near a boundary.
	 */
	private pinPeriod(now: number): void {
		if (!this.periods) {
			return;
		}

		const period = this.periods.periodAt(now);
		if (now - period.start >= boundaryMargin && Date.now() < period.end) {
			return;
		}

		const stats = fs.fstatSync(this.fd);
		if (stats.mtimeMs < period.start || stats.mtimeMs >= period.end) {
			fs.futimesSync(this.fd, stats.atime, new Date(now));
		}
	}

	/**
	 * Under the lock: FILE becomes an archive and a new FILE is opened. Without --mode the new FILE
	 * takes the old one's mode bits, as logrotate's `create` does, so that a log made private
	 * (chmod 0640) stays private after the rotation.
	 */
	private rotateLocked(): void {
		const archive = rotateFile(this.options);
		this.rotated.push(archive);
		this.openFile();
		if (this.options.mode === undefined) {
			keepMode(this.fd, this.modeBits);
		}

		stepDone('rotate');
		if (archive !== undefined) {
			this.options.onArchive?.(archive);
		}
	}
}
