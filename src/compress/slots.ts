// The host-wide bound on compression children: at most one per core on the machine, whatever the
// number of writers and logs. A child may start only while its pool holds one of N slots, N the
// number of cores: slot K is a kernel lock on the file `rotlog-UID.compress-slot.K` in the OS temp
// directory, taken without waiting. The slot's descriptor is handed to the child (its fd 3), so
// the kernel holds the slot exactly as long as the child lives, whatever becomes of its pool.
//
// Per user: a file another user created could not be locked by us (a write lock needs a
// descriptor open for writing), and a user must not be able to stop another's compressions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {kernelLock} from '../log/kernel-lock.js';

/** How many compression children may run on this host at once (per user): one per core. */
export function slotCount(): number {
	return Math.max(1, os.availableParallelism());
}

/** Where the slot files are: the OS temp directory (ROTLOG_TEST_SLOTS: the tests' own, per test). */
function slotDirectory(): string {
	return process.env['ROTLOG_TEST_SLOTS'] ?? os.tmpdir();
}

const slotFlags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;

/**
 * Takes a free slot: the descriptor holding its lock (close it to give the slot back), or
 * undefined when every slot is held. A slot file that cannot be used (not ours, not creatable)
 * counts as free and unlocked: the bound is lost for it, never compression itself.
 */
export function takeSlot(): number | 'unbounded' | undefined {
	const directory = slotDirectory();
	const uid = process.getuid?.() ?? 'user';
	for (let slot = 0; slot < slotCount(); slot++) {
		const file = path.join(directory, `rotlog-${uid}.compress-slot.${slot}`);
		let fd: number;
		try {
			fd = fs.openSync(file, slotFlags, 0o600);
		} catch {
			return 'unbounded';
		}

		try {
			if (fs.fstatSync(fd).uid === process.getuid?.() || process.getuid === undefined) {
				if (kernelLock.tryLock(fd)) {
					return fd;
				}
			} else {
				fs.closeSync(fd);
				return 'unbounded';
			}
		} catch {
			fs.closeSync(fd);
			return 'unbounded';
		}

		fs.closeSync(fd);
	}

	return undefined;
}
