// The on-disk protocol of background compression, shared by the three parties that take part in
// it: the writer's compressor (compressor.ts) queues archives, the child (child.ts) compresses
// and swaps them in, and recovery (recovery.ts) finishes or removes what a killed one left. Each
// step is here once, so that the three cannot disagree about names, identity or order.
//
// The protocol, step by step (each step can be resumed by recovery after a crash):
//  0. queue   (the writer, under the log's lock, right after the rotation that made the raw
//             archive): note its inode and hand it to a compression child, a long-lived process
//             at a lower priority that takes archives one at a time as it frees up.
//  1. claim   (the child, under the log's lock): find the raw archive by inode, open it, create
//             the hidden temp `.BASE.compress.INODE` next to it (O_EXCL, O_NOFOLLOW, the raw
//             archive's mode) and take a kernel lock on it. The lock marks the temp as live; the
//             kernel drops it when its holder dies, which makes it an orphan.
//  2. compress (the child, no lock): raw -> temp, then fsync the temp.
//  3. swap    (under the log's lock): find the raw archive's current name R by its inode (rotations
//             shift numbered names meanwhile); rename the temp to R + extension. If R is gone
//             (retention deleted it) or R already has a compressed copy, discard the temp.
//  4. fsync the directory (no lock), so the compressed name is durable.
//  5. drop    (under the log's lock): find R by inode again and unlink it, if R + extension is ours.
// A reader never sees a partial archive under a final name, and the raw data goes only once its
// compressed copy is durable.
import fs from 'node:fs';
import path from 'node:path';
import {kernelLock} from '../log/kernel-lock.js';
import {archiveExtensions, extensionOf} from '../decide/extensions.js';
import type {Codec} from './codecs.js';
import {errnoCode, systemReason, warn} from '../errors.js';
import {giveOwner} from '../log/safe-open.js';
import {stepDone} from '../log/faults.js';
import {readNames} from '../log/directory.js';
import type {FileLock} from '../log/lock.js';

/** What a compression child is sent per archive, one JSON line on its stdin. */
export type Job = {
	codec: Codec;
	file: string;
	lockPath: string;
	/** The raw archive's inode: its identity while its name shifts. */
	ino: number;
	/** The raw archive's path when it was queued (for messages). */
	raw: string;
};

/** A job the child has claimed: its temp exists and is locked. */
export type ClaimedJob = Job & {temp: string};

/**
 * What the compression child prints, one line per job, in order: `compressed INODE` (the
 * compressed archive's inode), `discarded` (gone, or compressed by another process), `busy` (a
 * live process is compressing it) or `failed` (kept raw; the child said why on stderr).
 */
export type JobStatus = 'compressed' | 'discarded' | 'busy' | 'failed';

/**
 * How much the writer outranks compression: nice 19 against the writer's 0, so that CFS gives a
 * compression sharing a core with a writer about 1.5% of it (nice 10 took 10%: the writer's pipe
 * slowed by as much); with the writer idle the compression takes the whole core.
 */
export const compressionNiceness = 19;

const tempMarker = '.compress.';

/**
 * What tells one raw archive from another that reuses its inode after it was deleted (ext4 hands
 * a freed inode out again at once): the inode with the birth time where the file system keeps
 * one, and the size and mtime, which a rotation's renames do not change (ctime they do).
 */
export function archiveKey(stats: fs.Stats): string {
	return `${stats.ino}:${stats.birthtimeMs}:${stats.size}:${stats.mtimeMs}`;
}

/** The temp file's name for the raw archive with inode `ino`: hidden, never starting with `base`. */
export function tempName(base: string, ino: number): string {
	return `.${base}${tempMarker}${ino}`;
}

/** The inode a temp name belongs to, or undefined when `name` is not one of `base`'s temps. */
export function tempInode(base: string, name: string): number | undefined {
	const prefix = `.${base}${tempMarker}`;
	if (!name.startsWith(prefix)) {
		return undefined;
	}

	const digits = name.slice(prefix.length);
	return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** The names a compressed copy of archive `name` may have, one per codec. */
export function compressedNames(name: string): string[] {
	return archiveExtensions.map(extension => `${name}${extension}`);
}

/**
 * The current name of the archive with inode `ino` among `base`'s files, or undefined when it is
 * gone. Any `BASE.*` name qualifies, so numbered and date-named archives are found alike; raw
 * archives, or with `compressed` the compressed ones.
 */
export function findByInode(directory: string, base: string, ino: number, compressed = false, hint?: string): string | undefined {
	// Where it was last seen: one lstat instead of reading the directory, when its name did not
	// shift since (a check over many logs in one directory reads it for each archive otherwise).
	if (hint !== undefined && hint.startsWith(`${base}.`) && (extensionOf(hint) !== '') === compressed) {
		const stats = fs.lstatSync(path.join(directory, hint), {throwIfNoEntry: false});
		if (stats?.isFile() && stats.ino === ino) {
			return hint;
		}
	}

	for (const name of readNames(directory)) {
		if (!name.startsWith(`${base}.`) || (extensionOf(name) !== '') !== compressed) {
			continue;
		}

		const stats = fs.lstatSync(path.join(directory, name), {throwIfNoEntry: false});
		if (stats?.isFile() && stats.ino === ino) {
			return name;
		}
	}

	return undefined;
}

/** A raw archive as it stands now: its current name, and the compressed copies of it that exist. */
export type RawArchive = {name: string; copies: string[]};

/**
 * The raw archive with inode `ino` (its name shifts with rotations) and whether it already has a
 * compressed copy; undefined when it is gone (retention deleted it, or it was dropped after its
 * compression). Every step that acts on a raw archive asks this first, under the log's lock.
 */
export function findRaw(directory: string, base: string, ino: number, hint?: string): RawArchive | undefined {
	const name = findByInode(directory, base, ino, false, hint);
	if (name === undefined) {
		return undefined;
	}

	return {name, copies: compressedNames(name).filter(copy => fs.existsSync(path.join(directory, copy)))};
}

const tempFlags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
const rawFlags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;

/**
 * Removes the temp at `temp` if nobody holds its lock (its writer died); true when it is gone.
 * Run under the log's lock, so that no claim can create a new temp of the same name meanwhile.
 */
export function removeOrphan(temp: string): boolean {
	let fd: number;
	try {
		fd = fs.openSync(temp, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
	} catch (error) {
		// Something planted at a temp name (a symlink: ELOOP) is never followed; the name itself goes.
		if (errnoCode(error) === 'ELOOP' && fs.lstatSync(temp, {throwIfNoEntry: false})?.isSymbolicLink()) {
			fs.unlinkSync(temp);
			return true;
		}

		return errnoCode(error) === 'ENOENT';
	}

	try {
		if (!kernelLock.tryLock(fd)) {
			return false;
		}

		fs.unlinkSync(temp);
		return true;
	} finally {
		fs.closeSync(fd);
	}
}

/** A raw archive claimed for compression: the raw open for reading, the temp created and locked. */
export type Claim = {raw: string; ino: number; rawFd: number; temp: string; tempFd: number};

/**
 * Step 1: under the log's lock, finds the job's raw archive by inode and claims it. `discarded`
 * when it is gone or already has a compressed copy, `busy` when a live temp claims it already.
 */
export function claim(job: Job, lock: FileLock): Claim | 'discarded' | 'busy' {
	const directory = path.dirname(job.file);
	const base = path.basename(job.file);
	lock.acquire();
	try {
		const raw = findRaw(directory, base, job.ino, path.basename(job.raw));
		if (raw === undefined || raw.copies.length > 0) {
			// Retention deleted it, or another process compressed it first.
			return 'discarded';
		}

		return claimLocked(path.join(directory, raw.name), base, job.ino) ?? 'busy';
	} finally {
		lock.release();
	}
}

/**
 * Claims the raw archive at `raw` unless a live temp already claims it (then undefined).
 * `expectedIno` must still be the raw's inode.
 */
function claimLocked(raw: string, base: string, expectedIno: number): Claim | undefined {
	const rawFd = fs.openSync(raw, rawFlags);
	try {
		const stats = fs.fstatSync(rawFd);
		if (!stats.isFile() || stats.ino !== expectedIno) {
			fs.closeSync(rawFd);
			return undefined;
		}

		const temp = path.join(path.dirname(raw), tempName(base, stats.ino));
		const tempFd = createTemp(temp, raw, stats);
		if (tempFd === undefined) {
			fs.closeSync(rawFd);
			return undefined;
		}

		const claimed = {raw, ino: stats.ino, rawFd, temp, tempFd};
		stepDone('claim');
		return claimed;
	} catch (error) {
		fs.closeSync(rawFd);
		throw error;
	}
}

/**
 * Creates and locks the temp for the raw archive at `raw`, with that archive's owner, group and
 * mode (`rawStats`): the compressed archive takes its place, and the log's writers, who may be
 * another user than the one compressing, must still be able to read it and, in a sticky
 * directory, to rename it when they rotate.
 */
function createTemp(temp: string, raw: string, rawStats: fs.Stats): number | undefined {
	const mode = rawStats.mode & 0o7777;
	for (let attempt = 0; attempt < 2; attempt++) {
		let fd: number;
		try {
			fd = fs.openSync(temp, tempFlags, mode);
		} catch (error) {
			// An orphan of a killed compression (or of a reused inode) blocks the name: clear it once.
			if (errnoCode(error) === 'EEXIST' && attempt === 0 && removeOrphan(temp)) {
				continue;
			}

			if (errnoCode(error) === 'EEXIST') {
				return undefined;
			}

			throw error;
		}

		if (!kernelLock.tryLock(fd)) {
			fs.closeSync(fd);
			return undefined;
		}

		// Owner first: a change of owner clears the setuid and setgid bits that the mode may hold.
		const failure = giveOwner(fd, rawStats);
		if (failure !== undefined) {
			warn(`cannot give '${temp}' the owner of '${raw}': ${systemReason(failure)}`);
		}

		fs.fchmodSync(fd, mode);
		return fd;
	}

	return undefined;
}

export type SwapResult = 'compressed' | 'discarded';

/**
 * Steps 3 to 5 for a finished, fsynced temp; run by the compression child. `beforeDrop` is a
 * test hook that runs between the rename and the raw archive's removal.
 */
export async function swapIn(job: ClaimedJob, tempFd: number, lock: FileLock, beforeDrop?: () => Promise<void>): Promise<SwapResult> {
	const directory = path.dirname(job.file);
	const base = path.basename(job.file);
	let finalName: string | undefined;
	lock.acquire();
	try {
		const raw = findRaw(directory, base, job.ino, path.basename(job.raw));
		if (raw !== undefined && raw.copies.length === 0) {
			finalName = `${raw.name}${job.codec.extension}`;
			fs.renameSync(job.temp, path.join(directory, finalName));
			stepDone('compress');
		}
	} catch (error) {
		fs.rmSync(job.temp, {force: true});
		throw error;
	} finally {
		lock.release();
	}

	if (finalName === undefined) {
		// Retention deleted the archive meanwhile, or another process compressed it first.
		fs.rmSync(job.temp, {force: true});
		return 'discarded';
	}

	fsyncDirectory(directory);
	stepDone('compress');
	await beforeDrop?.();
	dropRaw(directory, base, job.ino, fs.fstatSync(tempFd).ino, lock, finalName.slice(0, -job.codec.extension.length));
	stepDone('compress');
	return 'compressed';
}

/** Step 4: makes the names in `directory` durable (a rename is not, until its directory is fsynced). */
export function fsyncDirectory(directory: string): void {
	const fd = fs.openSync(directory, fs.constants.O_RDONLY);
	try {
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

/** Step 5: unlinks the raw archive `ino` if the compressed copy with inode `copyIno` sits next to it. */
function dropRaw(directory: string, base: string, ino: number, copyIno: number, lock: FileLock, hint: string): boolean {
	lock.acquire();
	try {
		const raw = findRaw(directory, base, ino, hint);
		if (raw === undefined || !raw.copies.some(name => fs.statSync(path.join(directory, name)).ino === copyIno)) {
			return false;
		}

		fs.unlinkSync(path.join(directory, raw.name));
		return true;
	} finally {
		lock.release();
	}
}

