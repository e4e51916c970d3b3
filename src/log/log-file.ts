// A log file under its lock: the one piece of code through which writers and maintenance touch
// FILE, so that a cron job and a live writer cannot treat it differently. Everything here runs
// with the lock held:
//   - open FILE by name, and check that an open descriptor still is FILE (another writer's
//     rotation, `rotlog rotate` or an outside tool may have renamed it away or deleted it);
//   - repair: end a line that a killed writer left unfinished, so that no two lines merge and no
//     archive ends mid-line;
//   - write whole lines, and cut FILE back after a failed write so that no part of a line stays;
//   - create the FILE a rotation leaves behind, with the mode, owner and group of the one before.
// What is at FILE's name is not taken on trust (safe-open.ts): FILE is created with O_EXCL, and
// an existing FILE must be a regular file (a planted FIFO would take every line, and could block
// a writer holding the lock), owned by someone the owner rule trusts.
import fs from 'node:fs';
import type {FileState} from '../decide/rotation.js';
import {fsFailure, systemReason, warn} from '../errors.js';
import {writeAll} from '../write-all.js';
import {writeFile} from './faults.js';
import {kernelLock} from './kernel-lock.js';
import {LockLost} from './lock.js';
import {checkOwner, createExclusive, giveOwner, openOrCreate, openRegular} from './safe-open.js';

const openFlags = fs.constants.O_RDWR | fs.constants.O_APPEND;
const newline = Buffer.from('\n');

/** FILE's state under the lock, with its permission bits and owner (uid and gid -1: no FILE). */
export type LogFileState = FileState & {mode: number; uid: number; gid: number};

export class LogFile {
	private fd = -1;
	private ino = -1;
	private dev = -1;
	/** FILE's size right after our own last write, which ended with a newline (-1: unknown). */
	private cleanEnd = -1;
	/** FILE's inode is locked through this descriptor (`sync`). */
	private inodeLocked = false;
	/** FILE is created if missing (writers), or never (maintenance). */
	private create = true;

	/**
	 * `mode`: --mode, for a FILE rotlog creates (before the umask); undefined: 0666, or after a
	 * rotation the mode of the FILE before. `lockPath`: the lock file, whose owner the owner rule
	 * trusts.
	 */
	constructor(readonly path: string, private readonly mode: number | undefined, private readonly lockPath?: string) {}

	/** Opens FILE by name, creating it when missing. */
	open(): void {
		this.create = true;
		this.openByName('open');
	}

	/** Opens FILE by name if it exists; false when it does not (nothing is created). */
	openExisting(): boolean {
		this.create = false;
		return this.openByName('open');
	}

	get isOpen(): boolean {
		return this.fd !== -1;
	}

	/**
	 * Under the lock: makes sure the descriptor is FILE (reopened by name when FILE was renamed away
	 * or deleted; created if missing, unless it was opened with `openExisting`) and that FILE ends
	 * with a whole line. Returns FILE's state;
	 * a repaired FILE keeps its mtime, so the repair never moves it into a later period.
	 */
	sync(): LogFileState {
		this.lockInode();
		const stats = fs.fstatSync(this.fd);
		const state = {size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid};
		if (state.size > 0 && state.size !== this.cleanEnd && !this.endsWithNewline(state.size)) {
			this.repairTail(stats);
			state.size += 1;
		}

		return state;
	}

	/**
	 * Under the lock file's lock: locks FILE's inode too (an OFD lock on our descriptor), waiting
	 * for whoever holds it, then makes sure the descriptor still is FILE (reopening and locking
	 * again if not). The lock file guards FILE only while nobody deletes it: once it is deleted,
	 * the next writer makes a new one and locks that while an old holder may still be rotating.
	 * FILE's inode cannot be swapped that way: whoever rotates holds it from before the renames
	 * until the new FILE is made, so two rotations never interleave their renames. Released by
	 * `unlock()`; FILE's inode lock is waited for only while no other is held (no deadlock).
	 */
	private lockInode(): void {
		for (;;) {
			if (this.fd !== -1 && !this.inodeLocked) {
				try {
					kernelLock.waitForLockSync(this.fd);
				} catch (error) {
					throw fsFailure('lock', this.path, error);
				}

				this.inodeLocked = true;
			}

			const onDisk = fs.statSync(this.path, {throwIfNoEntry: false});
			if (this.fd !== -1 && onDisk && onDisk.ino === this.ino && onDisk.dev === this.dev) {
				return;
			}

			// Renamed away or deleted (or never opened): closing lets go of the old inode's lock.
			this.openByName('open', [], false);
		}
	}

	/** Lets go of FILE's inode lock (`sync`), at the end of the work under the lock. */
	unlock(): void {
		if (this.inodeLocked) {
			kernelLock.unlock(this.fd);
			this.inodeLocked = false;
		}
	}

	/** Writes every byte with O_APPEND, looping on short writes. */
	write(bytes: Buffer): void {
		try {
			writeAll(this.fd, bytes, writeFile);
		} catch (error) {
			throw fsFailure('write to', this.path, error);
		}
	}

	/** FILE ends, at `size` bytes, with our own whole line: nothing needs repairing there. */
	markClean(size: number): void {
		this.cleanEnd = size;
	}

	/**
	 * After a failed write under the lock: FILE back to `size`, its length before that write, so
	 * no part of a line stays (only our bytes follow it: we hold the lock). If even that fails,
	 * the next writer ends the fragment with a newline, as after a killed writer.
	 */
	cutBack(size: number): void {
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

	/** The descriptor's status (mtime checks near a period boundary). */
	stat(): fs.Stats {
		return fs.fstatSync(this.fd);
	}

	/** Sets FILE's mtime, keeping its atime. */
	setMtime(stats: fs.Stats, mtimeMs: number): void {
		fs.futimesSync(this.fd, stats.atime, new Date(mtimeMs));
	}

	/**
	 * Under the lock, right after a rotation renamed FILE away: a new FILE, so that writers and
	 * readers (`tail -F`, `rotlog cat -f`) find it at once. It takes the owner and group of the
	 * FILE before it (when rotlog may give it away: as root, or as its owner), so that a service
	 * writing its log as itself can go on writing after root's `rotlog rotate`; and, without
	 * --mode, its mode bits, as logrotate's `create` does, so that a log made private (chmod
	 * 0640) stays private.
	 *
	 * Created with O_EXCL: if something is at FILE's name already (another writer's FILE, made
	 * when it started, or something planted), it is opened and checked like any existing FILE,
	 * and left as it is.
	 */
	recreate(previous: LogFileState): void {
		this.close();
		const fd = createExclusive(this.path, openFlags, this.mode ?? (previous.mode & 0o777), 'create');
		if (fd === undefined) {
			this.openByName('create', [previous.uid]);
			this.lockNewInode();
			return;
		}

		this.adopt(fd, fs.fstatSync(fd));
		this.lockNewInode();
		const failure = giveOwner(fd, previous);
		if (failure !== undefined) {
			warn(`cannot give '${this.path}' the owner of the file before it: ${systemReason(failure)}`);
		}

		if (this.mode === undefined && (fs.fstatSync(fd).mode & 0o7777) !== previous.mode) {
			fs.fchmodSync(fd, previous.mode);
		}
	}

	/**
	 * Right after a rotation: the new FILE's inode lock. Somebody who already holds it opened the
	 * new FILE under a lock file that replaced ours: LockLost, to wait for our turn and sync again.
	 */
	private lockNewInode(): void {
		if (this.fd === -1) {
			return;
		}

		if (!kernelLock.tryLock(this.fd)) {
			throw new LockLost(`'${this.path}' is locked by another writer`);
		}

		this.inodeLocked = true;
	}

	close(): void {
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}

		this.inodeLocked = false;
	}

	/**
	 * Opens FILE by name: an existing FILE when it is a regular file whose owner the owner rule
	 * trusts (`owners`: more owners to trust), else a new one when `create`. False when FILE is
	 * missing and not created (an error unless `missingOk`).
	 */
	private openByName(verb: string, owners: readonly number[] = [], missingOk = true): boolean {
		this.close();
		if (!this.create) {
			const existing = openRegular(this.path, openFlags, verb, missingOk);
			if (existing === undefined) {
				return false;
			}

			this.checked(existing.fd, existing.stats, owners);
			return true;
		}

		const opened = openOrCreate(this.path, openFlags, this.mode ?? 0o666, verb);
		if (!opened.created) {
			this.checked(opened.fd, opened.stats, owners);
			return true;
		}

		this.adopt(opened.fd, opened.stats);
		return true;
	}

	/** Takes an existing FILE's descriptor once the owner rule accepts it. */
	private checked(fd: number, stats: fs.Stats, owners: readonly number[]): void {
		try {
			checkOwner(this.path, stats, () => [...owners, this.logOwner(stats)]);
		} catch (error) {
			fs.closeSync(fd);
			throw error;
		}

		this.adopt(fd, stats);
	}

	private adopt(fd: number, stats: fs.Stats): void {
		this.fd = fd;
		this.ino = stats.ino;
		this.dev = stats.dev;
		this.cleanEnd = -1;
	}

	/**
	 * The log's owner, whom the owner rule trusts: the lock file's, since rotlog makes it with
	 * FILE's owner; before there is a lock file, FILE's own (whoever made the log first owns it).
	 */
	private logOwner(stats: fs.Stats): number | undefined {
		if (this.lockPath === undefined) {
			return undefined;
		}

		const lock = fs.lstatSync(this.lockPath, {throwIfNoEntry: false});
		return lock === undefined ? stats.uid : lock.uid;
	}

	private endsWithNewline(size: number): boolean {
		const last = Buffer.alloc(1);
		fs.readSync(this.fd, last, 0, 1, size - 1);
		return last[0] === newline[0];
	}

	/** A FILE not ending in a newline under the lock was left by a killed writer: end its line. */
	private repairTail(before: fs.Stats): void {
		this.write(newline);
		try {
			fs.futimesSync(this.fd, before.atime, before.mtime);
		} catch (error) {
			throw fsFailure('repair', this.path, error);
		}

		this.cleanEnd = before.size + 1;
	}
}
