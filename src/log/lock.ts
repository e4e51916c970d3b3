// The kernel lock on the lock file, and nothing else. On Linux an open-file-description fcntl
// lock (F_OFD_SETLKW): it belongs to this open file, conflicts even with other descriptors of the
// same process, and is released by the kernel when the process dies, SIGKILL included.
//
// The lock file is opened like FILE (safe-open.ts): never through a symbolic link, never blocking
// on a FIFO, only if it is a regular file, and created with O_EXCL. One rotlog creates takes the
// owner, group and permission bits of FILE (the file it guards), so that every user who may write
// FILE may take the lock, and nobody else may: with FILE 0600, a lock file open to all would let
// anyone stall every writer by holding it.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {kernelLock} from './kernel-lock.js';
import {errnoCode, fsFailure, systemReason, warn} from '../errors.js';
import {createExclusive, giveOwner, openRegular} from './safe-open.js';

const openFlags = fs.constants.O_RDWR;

/**
 * Holds kept between operations in this process (a writer keeps the lock to the end of its
 * event-loop turn), by lock file. Before another FileLock of this process waits for the same
 * lock file (the writer's compression queue, between the writer's appends), the holder is asked
 * to let go: an OFD lock conflicts with the process's own other descriptors, so that wait would
 * never end.
 */
const holds = new Map<string, {owner: FileLock; letGo: () => void}>();

/** Thrown under a lock that no longer guards its path (`FileLock.check`): the work stops, to be redone under `regain()`. */
export class LockLost extends Error {}

export class FileLock {
	private fd: number;
	private held = false;

	/**
	 * `mode`: the permission bits of a new lock file when there is no `model` to take them from
	 * [0o666, before the umask]. `model`: the file whose owner, group and permission bits a new
	 * lock file takes (FILE); when it is missing, the owner and group are its directory's.
	 */
	constructor(readonly path: string, private readonly mode: number | undefined = undefined, private readonly model?: string) {
		this.fd = this.open();
	}

	/**
	 * This lock may be kept between operations: `letGo` ends such a hold, and is called before
	 * another FileLock of this process waits for the same lock file.
	 */
	allowHolds(letGo: () => void): void {
		holds.set(path.resolve(this.path), {owner: this, letGo});
	}

	/**
	 * Waits for the exclusive lock. If the lock file was deleted or replaced while we waited
	 * (by a person: rotlog never removes it), the lock we got guards nothing, so take it again
	 * on the file that is there now.
	 */
	acquire(): void {
		const hold = holds.get(path.resolve(this.path));
		if (hold !== undefined && hold.owner !== this) {
			hold.letGo();
		}

		for (;;) {
			try {
				kernelLock.waitForLockSync(this.fd);
			} catch (error) {
				throw fsFailure('lock', this.path, error);
			}

			if (this.guardsPath()) {
				return;
			}
		}
	}

	/** Takes the lock only if nobody holds it; true when taken (on the lock file that is there now). */
	tryAcquire(): boolean {
		for (;;) {
			let taken: boolean;
			try {
				taken = kernelLock.tryLock(this.fd);
			} catch (error) {
				throw fsFailure('lock', this.path, error);
			}

			if (!taken) {
				return false;
			}

			if (this.guardsPath()) {
				return true;
			}
		}
	}

	/**
	 * Waits for the lock without blocking the event loop, so that signal handlers run meanwhile:
	 * a kernel wait (F_OFD_SETLKW) cannot be cancelled, on the main thread or on the thread pool,
	 * so this polls instead. False when `stopped()` turned true before the lock was taken.
	 */
	async acquireUnlessStopped(stopped: () => boolean): Promise<boolean> {
		for (let wait = 1; !stopped(); wait = Math.min(wait * 2, 50)) {
			if (this.tryAcquire()) {
				return true;
			}

			await delay(wait);
		}

		return false;
	}

	/**
	 * With the lock held: is it still on the file at `path`? A lock file deleted or replaced (by a
	 * person: rotlog never removes it) lets the next writer create and lock a new one while we
	 * hold the old: asked before each write and each rotation, two system calls.
	 */
	stillGuards(): boolean {
		const onDisk = fs.statSync(this.path, {throwIfNoEntry: false});
		const held = fs.fstatSync(this.fd);
		return onDisk !== undefined && onDisk.ino === held.ino && onDisk.dev === held.dev;
	}

	/** Throws LockLost unless the lock still guards its path (`stillGuards`): a step of a rotation. */
	check(): void {
		if (!this.stillGuards()) {
			throw new LockLost(`the lock file '${this.path}' was deleted or replaced`);
		}
	}

	/** The lock no longer guards its path (`stillGuards`): let go, and wait for the file there now. */
	regain(): void {
		this.release();
		this.acquire();
	}

	/** With our lock taken: true if it is on the file at `path`, else drops it and opens that file. */
	private guardsPath(): boolean {
		if (this.stillGuards()) {
			this.held = true;
			return true;
		}

		fs.closeSync(this.fd);
		this.fd = this.open();
		return false;
	}

	release(): void {
		if (this.held) {
			kernelLock.unlock(this.fd);
			this.held = false;
		}
	}

	close(): void {
		this.release();
		const key = path.resolve(this.path);
		if (holds.get(key)?.owner === this) {
			holds.delete(key);
		}

		fs.closeSync(this.fd);
	}

	/** Opens the lock file, creating it when missing, never through anything planted at its name. */
	private open(): number {
		for (let attempt = 0; attempt < 100; attempt++) {
			const existing = openRegular(this.path, openFlags, 'open lock file', true);
			if (existing !== undefined) {
				return existing.fd;
			}

			const fd = this.create();
			if (fd !== undefined) {
				return fd;
			}
		}

		throw fsFailure('open lock file', this.path, new Error('it keeps being created and removed'));
	}

	/**
	 * A new lock file with the owner, group and bits of `model` (see the constructor); undefined
	 * when something is there already. Its owner is the one the owner rule trusts with FILE
	 * (safe-open.ts): in a shared directory, whoever made the log first owns it.
	 */
	private create(): number | undefined {
		const found = this.model === undefined ? undefined : fs.lstatSync(this.model, {throwIfNoEntry: false});
		const model = found?.isFile() ? found : undefined;
		// Never wider than FILE: a lock file anyone can open lets anyone stall the writers.
		const bits = model ? model.mode & 0o666 : this.mode ?? 0o666;
		const fd = createExclusive(this.path, openFlags, bits, 'open lock file');
		if (fd === undefined) {
			return undefined;
		}

		const from = model ?? fs.statSync(path.dirname(this.path));

		const failure = giveOwner(fd, from);
		if (failure !== undefined) {
			warn(`cannot give '${this.path}' the owner of '${this.model ?? path.dirname(this.path)}': ${systemReason(failure)}`);
		}

		// FILE's bits exactly, as the umask may have narrowed them; without FILE, the umask applies.
		if (model) {
			fs.fchmodSync(fd, bits);
		}

		return fd;
	}
}

/**
 * Does anybody hold the lock on `path` right now? Probed on a descriptor of our own: an OFD lock
 * conflicts with other open file descriptions even in this process. Undefined when `path` is
 * missing; other errors (permissions) throw.
 */
export function isLockHeld(path: string): boolean | undefined {
	let fd: number;
	try {
		fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return undefined;
		}

		throw error;
	}

	try {
		if (kernelLock.tryLock(fd)) {
			kernelLock.unlock(fd);
			return false;
		}

		return true;
	} finally {
		fs.closeSync(fd);
	}
}
