// The kernel lock on the lock file, and nothing else. On Linux an open-file-description fcntl
// lock (F_OFD_SETLKW): it belongs to this open file, conflicts even with other descriptors of the
// same process, and is released by the kernel when the process dies, SIGKILL included.
import fs from 'node:fs';
import path from 'node:path';
import {kernelLock} from './kernel-lock.js';
import {errnoCode, fsFailure} from '../errors.js';

const openFlags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;

/**
 * Holds kept between operations in this process (a writer keeps the lock to the end of its
 * event-loop turn), by lock file. Before another FileLock of this process waits for the same
 * lock file (the writer's compression queue, between the writer's appends), the holder is asked
 * to let go: an OFD lock conflicts with the process's own other descriptors, so that wait would
 * never end.
 */
const holds = new Map<string, {owner: FileLock; letGo: () => void}>();

export class FileLock {
	private fd: number;
	private held = false;

	constructor(readonly path: string, private readonly mode = 0o666) {
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

	/** With our lock taken: true if it is on the file at `path`, else drops it and opens that file. */
	private guardsPath(): boolean {
		const onDisk = fs.statSync(this.path, {throwIfNoEntry: false});
		const held = fs.fstatSync(this.fd);
		if (onDisk && onDisk.ino === held.ino && onDisk.dev === held.dev) {
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

	private open(): number {
		try {
			return fs.openSync(this.path, openFlags, this.mode);
		} catch (error) {
			throw fsFailure('open lock file', this.path, error);
		}
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
		fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
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
