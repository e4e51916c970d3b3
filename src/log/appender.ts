// The writer's critical section: take the lock, sync the log file (log-file.ts: our descriptor is
// FILE, its last line is whole), ask the decider (decide/rotation.ts) whether to write a prefix
// of the batch or rotate first, write whole lines with O_APPEND, rotate (rotate.ts) when the next
// line would not fit or a new period began, release. Maintenance runs the same pieces under the
// same lock (maintain.ts). Nothing here runs per line: a batch is any number of whole lines.
import type {ArchiveOptions} from '../decide/archives.js';
import {PeriodTracker} from '../decide/period.js';
import {nextStep, rotationDue, type RotationRules} from '../decide/rotation.js';
import {errnoCode, renderError, warn} from '../errors.js';
import {FileLock, LockLost} from './lock.js';
import {LogFile, type LogFileState} from './log-file.js';
import {rotateLog} from './rotate.js';
import {RefusedFile} from './safe-open.js';

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
	/** The present in epoch milliseconds [Date.now]: periods, pinning and retries read it. */
	clock?: (() => number) | undefined;
};

/** Far more than the kernel's coarse clock lags behind the present (one tick: 1 to 10 ms). */
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

/** True for a failure of a write that the write mode waits out (--on-full) rather than exits on. */
export function isRetryable(error: unknown): boolean {
	const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
	return retryable.has(errnoCode(cause) ?? '');
}

export class Appender {
	/** Why the last append wrote less than it was given (a full disk, an I/O error), else undefined. */
	blocked: unknown;
	private readonly file: LogFile;
	private readonly lock: FileLock;
	private readonly clock: () => number;
	private readonly periods: PeriodTracker | undefined;
	/** When a rotation last failed (undefined: the last one worked). */
	private rotationFailedAt: number | undefined;
	/** The lock is ours (an append in progress, or a hold between appends). */
	private locked = false;
	/**
	 * While the lock is held between appends: FILE's state, which only we change (its size as we
	 * write, its mtime the present); undefined: not synced yet under this hold.
	 */
	private held: LogFileState | undefined;
	/** Bytes appended since the lock was taken. */
	private heldBytes = 0;
	/** Archives made under the lock, announced once it is released. */
	private rotated: Array<string | undefined> = [];

	constructor(private readonly options: AppenderOptions) {
		this.clock = options.clock ?? Date.now;
		// FILE first, so that a missing directory or an unwritable FILE is reported by its name.
		this.file = new LogFile(options.file, options.mode, options.lockPath);
		this.file.open();
		this.lock = new FileLock(options.lockPath, options.mode, options.file);
		// The compression queue in this process may want the lock between appends: a hold ends then.
		this.lock.allowHolds(() => {
			this.release();
		});
		this.periods = options.interval ? new PeriodTracker(options.interval, options.zone) : undefined;
		// Calendar periods take a search (under a millisecond) to find: not under the lock.
		this.periods?.periodAt(this.clock());
	}

	/**
	 * Appends whole lines (a buffer ending with a newline), rotating at line boundaries. Returns
	 * the bytes written: all of them, or on a full disk or an I/O error (`blocked` then says why)
	 * the lines written before it; FILE is cut back so that no part of a line stays.
	 *
	 * Without a hold the lock is taken for this append alone. In a hold (`tryLock`) it stays held
	 * after the write, until `release()` or until `holdLimit` bytes were written under it, and the
	 * next append skips the lock and the sync: nobody else can rotate or write FILE meanwhile. So a
	 * stream of reads is written as it comes, from a buffer still in the CPU cache, at one lock per
	 * event-loop turn, not one per read.
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
		} else if (!this.lock.stillGuards()) {
			// The lock file was deleted or replaced during the hold: another writer may have locked a
			// new one and written or rotated meanwhile. Take the lock that guards FILE now, sync again.
			this.regain();
			this.held = undefined;
		}

		let rest = lines;
		// FILE's size before the write under way: everything after it is ours (we hold the lock).
		let before = -1;
		let keep = false;
		try {
			const state = this.held ?? this.file.sync();
			before = state.size;
			// Decided from durable state (size and mtime under the lock), so every writer agrees and a
			// writer that was down catches up with the periods it missed.
			const now = this.clock();
			while (rest.length > 0) {
				const step = nextStep(state, this.rulesAt(now), rest);
				if (step.kind === 'rotate') {
					// A rotation done under a lock that no longer guards FILE could run at the same time
					// as another writer's, and their renames would overwrite each other's archives: it
					// is checked before the rotation and each of its steps, and redone under the new lock.
					if (!this.lock.stillGuards() || !this.tryRotate(state, now)) {
						this.regain();
						Object.assign(state, this.file.sync());
					}

					continue;
				}

				before = state.size;
				this.file.write(rest.subarray(0, step.bytes));
				state.size += step.bytes;
				this.file.markClean(state.size);
				rest = rest.subarray(step.bytes);
			}

			this.pinPeriod(now);
			this.heldBytes += lines.length;
			keep = holding && this.heldBytes < holdLimit;
			if (keep) {
				// What FILE's mtime says now (pinPeriod made sure): the period check of the next append.
				state.mtimeMs = now;
				this.held = state;
			}
		} catch (error) {
			if (!isRetryable(error)) {
				throw error;
			}

			this.blocked = error;
			this.file.cutBack(before);
		} finally {
			if (!keep) {
				this.release();
			}
		}

		return lines.length - rest.length;
	}

	/**
	 * Takes the lock if nobody holds it, without waiting, and begins a hold; true when it is held
	 * now. Appends keep it until `release()` (when to try: decide/lock-turns.ts).
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
		this.held = undefined;
		this.heldBytes = 0;
		this.file.unlock();
		this.lock.release();
		this.announce();
	}

	/** The lock file's lock no longer guards FILE: let go of FILE's inode first, then wait for it anew. */
	private regain(): void {
		this.file.unlock();
		this.lock.regain();
	}

	/** Rotates now if FILE holds anything; true when it did. */
	rotate(): boolean {
		this.release();
		this.lock.acquire();
		try {
			for (;;) {
				const state = this.file.sync();
				const now = this.clock();
				if (rotationDue(state, {}, now, true) === undefined) {
					return false;
				}

				try {
					this.rotateLocked(state, now);
					return true;
				} catch (error) {
					if (!(error instanceof LockLost)) {
						throw error;
					}

					this.regain();
				}
			}
		} finally {
			this.file.unlock();
			this.lock.release();
			this.announce();
		}
	}

	/** Closes FILE and opens it again by name (SIGHUP), under the lock. */
	reopen(): void {
		this.withLock(() => {
			this.file.open();
		});
	}

	/** Runs `action` under the writers' lock, outside any hold (start-up's look at the record). */
	withLock<T>(action: () => T): T {
		this.release();
		this.lock.acquire();
		try {
			return action();
		} finally {
			this.lock.release();
		}
	}

	close(): void {
		this.release();
		this.file.close();
		this.lock.close();
	}

	private announce(): void {
		const archives = this.rotated;
		this.rotated = [];
		for (const archive of archives) {
			this.options.onRotated?.(archive);
		}
	}

	/** The rules of the present: no size limit while a failed rotation waits for its retry. */
	private rulesAt(now: number): RotationRules {
		const held = this.rotationFailedAt !== undefined && now - this.rotationFailedAt < rotationRetry;
		return {max: held ? undefined : this.options.max, periodStart: this.periods?.periodAt(now).start};
	}

	/**
	 * Under the lock: rotates, leaving `state` that of the new FILE. If the rotation fails (a
	 * rename is refused, the directory is full), FILE keeps growing past --max rather than losing
	 * a line: said once, retried after a while.
	 * False, with nothing reported, when the lock turned out not to guard FILE any more (LockLost).
	 */
	private tryRotate(state: LogFileState, now: number): boolean {
		try {
			this.rotateLocked(state, now);
			if (this.rotationFailedAt !== undefined) {
				this.rotationFailedAt = undefined;
				warn(`rotating '${this.options.file}' works again`);
			}
		} catch (error) {
			// Something planted at FILE's name: no FILE to write to, so no writing on.
			if (error instanceof RefusedFile) {
				throw error;
			}

			if (error instanceof LockLost) {
				return false;
			}

			if (this.rotationFailedAt === undefined) {
				warn(`${renderError(error).replace(/^rotlog: /, '')}; writing on past --max until a rotation succeeds`);
			}

			this.rotationFailedAt = this.clock();
			// A rotation cut short may have renamed FILE away already: write to whichever FILE is there.
			Object.assign(state, this.file.sync());
		}

		// Whatever FILE is now takes lines of the present period.
		state.mtimeMs = now;
		return true;
	}

	/**
	 * Under the lock, after writing lines that belong to the period of `now`: make sure FILE's
	 * mtime says so. The kernel stamps mtime from a coarse clock (a tick behind the present), and
	 * a write may end after the period did; either could put mtime in the wrong period and the
	 * next writer would archive these lines under the wrong one. Only near a boundary.
	 */
	private pinPeriod(now: number): void {
		if (!this.periods) {
			return;
		}

		const period = this.periods.periodAt(now);
		if (now - period.start >= boundaryMargin && this.clock() < period.end) {
			return;
		}

		const stats = this.file.stat();
		if (stats.mtimeMs < period.start || stats.mtimeMs >= period.end) {
			this.file.setMtime(stats, now);
		}
	}

	/** Under the lock: FILE becomes an archive and a new FILE is made (rotate.ts). */
	private rotateLocked(state: LogFileState, now: number): void {
		const {archive} = rotateLog(this.file, state, {...this.options, beforeStep: () => {
			this.lock.check();
		}}, now);
		state.size = 0;
		this.rotated.push(archive);
		if (archive !== undefined) {
			this.options.onArchive?.(archive);
		}
	}
}
