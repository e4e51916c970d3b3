// Are other writers of this log live? Each writer holds a shared kernel lock on byte 1 of the lock
// file for as long as it runs (the writers' lock itself is byte 0); an exclusive probe of byte 1
// fails while any writer holds it. The kernel drops a dead writer's lock, so the answer never goes
// stale. Linux only: elsewhere the package locks with flock, which ignores byte ranges, and a lock
// held for life would stall every writer; there the answer is "unknown".
import fs from 'node:fs';
import {kernelLock} from './kernel-lock.js';

const presenceByte = 1;
const supported = process.platform === 'linux';

/** A writer's presence: `join()` once, under the writers' lock, before writing anything. */
export class Presence {
	private fd: number | undefined;

	constructor(private readonly lockPath: string) {}

	/**
	 * Says whether other writers are live (undefined: cannot tell here), and counts this writer
	 * as live from now on. Under the writers' lock, so that two writers starting together are
	 * seen one by the other.
	 */
	join(): boolean | undefined {
		if (!supported) {
			return undefined;
		}

		try {
			this.fd = fs.openSync(this.lockPath, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
		} catch {
			return undefined;
		}

		// Exclusive first: granted only when nobody else holds byte 1. Then shared, which converts
		// our own lock in place (same open file description) or joins the others'.
		const alone = kernelLock.tryLock(this.fd, presenceByte);
		kernelLock.waitForLockSync(this.fd, presenceByte, true);
		return !alone;
	}

	close(): void {
		if (this.fd !== undefined) {
			fs.closeSync(this.fd);
			this.fd = undefined;
		}
	}
}

/** Whether writers of the lock file at `lockPath` are live now; undefined when it cannot be told. */
export function writersLive(lockPath: string): boolean | undefined {
	if (!supported) {
		return undefined;
	}

	let fd: number;
	try {
		// Read-write: the kernel grants an exclusive lock only on a descriptor open for writing.
		fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
	} catch {
		return undefined;
	}

	try {
		if (kernelLock.tryLock(fd, presenceByte)) {
			kernelLock.unlock(fd, presenceByte);
			return false;
		}

		return true;
	} catch {
		return undefined;
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * How many writers hold the presence lock of the lock file at `lockPath`; undefined when it
 * cannot be told. The lock itself says only "some": /proc/locks lists each open file description
 * that holds a lock, one line each (`1: OFDLCK ADVISORY READ -1 fe:00:2302316 1 1`: the device's
 * major and minor in hex, the inode, the first and last byte), and a writer holds byte 1 shared
 * through one description for its whole life. Waiters (`1: -> ...`) hold nothing and are skipped.
 */
export function writersCount(lockPath: string): number | undefined {
	if (!supported) {
		return undefined;
	}

	try {
		const {dev, ino} = fs.statSync(lockPath, {bigint: true});
		return presenceHolders(fs.readFileSync('/proc/locks', 'utf8'), deviceName(dev), ino);
	} catch {
		return undefined;
	}
}

/** st_dev as /proc/locks prints it: `major:minor` in hex, from Linux's dev_t encoding (new_encode_dev). */
function deviceName(dev: bigint): string {
	const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
	const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
	const hex = (value: bigint) => value.toString(16).padStart(2, '0');
	return `${hex(major)}:${hex(minor)}`;
}

/** The shared locks over the presence byte of one file (device `major:minor`, inode) in /proc/locks' text. */
export function presenceHolders(procLocks: string, device: string, inode: bigint): number {
	let holders = 0;
	for (const line of procLocks.split('\n')) {
		const fields = line.trim().split(/\s+/);
		if (fields[1] === '->') {
			continue;
		}

		const [, , , access, , file, start, end] = fields;
		if (access === 'READ' && file === `${device}:${inode}` && Number(start) <= presenceByte && (end === 'EOF' || Number(end) >= presenceByte)) {
			holders++;
		}
	}

	return holders;
}
