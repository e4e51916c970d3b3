// Crash recovery of compressions: a compression killed at any step of the protocol (protocol.ts)
// leaves something behind, and each kind is finished or removed here. A temp nobody holds a lock
// on is an orphan and goes; a raw archive next to its compressed copy goes once that copy is
// durable; a raw archive with no copy and no live temp is for the compressor (compressor.ts) to
// compress. The writer's compressor runs these steps after each rotation, and `rotlog check`
// through `recoverCompressions` (in compressor.ts, since it runs a compressor), by the log's
// compressor only.
import fs from 'node:fs';
import path from 'node:path';
import {extensionOf} from '../decide/extensions.js';
import {archiveGroups, type ArchiveOptions} from '../decide/archives.js';
import {errnoCode} from '../errors.js';
import {logNames} from '../log/directory.js';
import {type FileLock, isLockHeld} from '../log/lock.js';
import {archiveKey, compressedNames, findRaw, removeOrphan, tempInode} from './protocol.js';

/** What a recovery (and the compressions it started) did, by file name. */
export type RecoveryReport = {
	/** Raw archives now compressed. */
	compressed: string[];
	/** Raw archives removed because a compressed copy already existed. */
	removedRaws: string[];
	/** Orphaned temp files removed. */
	removedTemps: string[];
	/** Raw archives whose compression failed (kept uncompressed; the reason went to stderr). */
	failed: string[];
	/** Raw archives that a live process is compressing now, left alone. */
	busy: string[];
};

/** A raw archive next to a compressed copy of it. */
export type Duplicate = {ino: number; copy: string; name: string};

/** A raw archive with no compressed copy; `live` when a live temp shows a process compressing it. */
export type RawLeftover = {ino: number; key: string; name: string; size: number; live: boolean};

/** What one look at the directory found, none of it changed yet. */
export type Leftovers = {
	duplicates: Duplicate[];
	raws: RawLeftover[];
	/** Temps nobody held a lock on when probed: orphans, unless a claim took them since. */
	suspects: string[];
};

/**
 * Reads `base`'s directory once, keeping only the names that can be the log's (log/directory.ts
 * logNames), or takes `listed`, those names as listed a moment ago: raw archives (under the
 * naming in use), and temps by their lock.
 */
export function findLeftovers(directory: string, base: string, naming: ArchiveOptions, listed?: readonly string[]): Leftovers {
	const names = listed ?? logNames(path.join(directory, base));
	const temps = new Map<number, string>();
	for (const name of names) {
		const ino = tempInode(base, name);
		if (ino !== undefined) {
			temps.set(ino, path.join(directory, name));
		}
	}

	const present = new Set(names);
	const duplicates: Duplicate[] = [];
	const unclaimed: Array<{ino: number; key: string; name: string; size: number}> = [];
	// Raw archives under the naming in use, numbered or dated.
	const raws = archiveGroups(base, naming, names).flat().filter(name => extensionOf(name) === '');
	for (const name of raws) {
		const stats = fs.lstatSync(path.join(directory, name), {throwIfNoEntry: false});
		if (!stats?.isFile()) {
			continue;
		}

		const copy = compressedNames(name).find(candidate => present.has(candidate));
		if (copy === undefined) {
			unclaimed.push({ino: stats.ino, key: archiveKey(stats), name, size: stats.size});
		} else {
			duplicates.push({ino: stats.ino, copy, name});
		}
	}

	// Temps that are live now (their holder probes as locked) need nothing; others are rechecked under the lock.
	const suspects = [...temps.values()].filter(temp => !isLocked(temp));
	return {
		duplicates,
		raws: unclaimed.map(raw => {
			const temp = temps.get(raw.ino);
			return {...raw, live: temp !== undefined && !suspects.includes(temp)};
		}),
		suspects,
	};
}

/**
 * A raw archive next to its compressed copy: a compression was killed between its rename and
 * its unlink, or a live one is about to unlink. The copy and the directory are fsynced first (on
 * the thread pool: a writer's thread never waits for a disk flush), then, under the lock taken
 * from `lockFile`, the raw goes if it still has a compressed copy. Each removal is noted in `report`.
 */
export async function dropDuplicates(directory: string, base: string, duplicates: Duplicate[], lockFile: () => FileLock, report: RecoveryReport): Promise<void> {
	for (const {copy} of duplicates) {
		await fsyncFile(path.join(directory, copy));
	}

	await fsyncFile(directory);
	const lock = lockFile();
	lock.acquire();
	try {
		for (const {ino, name} of duplicates) {
			const raw = findRaw(directory, base, ino);
			if (raw !== undefined && raw.copies.length > 0) {
				fs.unlinkSync(path.join(directory, raw.name));
				report.removedRaws.push(name);
			}
		}
	} finally {
		lock.release();
	}
}

/** Removes the temps among `suspects` that nobody holds a lock on, under the log's lock; noted in `report`. */
export function removeOrphans(suspects: string[], lock: FileLock, report: RecoveryReport): void {
	lock.acquire();
	try {
		for (const temp of suspects) {
			if (removeOrphan(temp)) {
				report.removedTemps.push(path.basename(temp));
			}
		}
	} finally {
		lock.release();
	}
}

/** True when somebody holds the kernel lock on `file` (false also when it is gone or unreadable). */
function isLocked(file: string): boolean {
	try {
		return isLockHeld(file) ?? false;
	} catch {
		return false;
	}
}

/** Fsyncs `file` (or a directory) on the thread pool, if it still exists: retention may have deleted it. */
async function fsyncFile(file: string): Promise<void> {
	let handle: fs.promises.FileHandle;
	try {
		handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return;
		}

		throw error;
	}

	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
