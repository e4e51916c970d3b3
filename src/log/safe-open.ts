// Opening a file at a name that somebody else may have planted something at. rotlog often runs
// as root in a directory other users can create files in (a shared log directory, 1777 like
// /tmp), so what is at FILE's, the lock file's or an archive's name is not taken on trust:
//   - a symbolic link is never followed (O_NOFOLLOW: the open fails with ELOOP);
//   - a FIFO never blocks the open (O_NONBLOCK; on a regular file it changes nothing), and
//     anything but a regular file is refused once the descriptor is checked (fstat);
//   - a file rotlog creates is created with O_EXCL, so the descriptor is the file it made;
//   - in a shared sticky directory, a file owned by a stranger is refused (ownerIsTrusted).
import fs from 'node:fs';
import path from 'node:path';
import {errnoCode, fileKind, fsFailure, RuntimeFailure} from '../errors.js';

const {O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK} = fs.constants;

/** rotlog will not use the file at this name: not a regular file, or a stranger's. */
export class RefusedFile extends RuntimeFailure {}

export function notRegular(file: string, kind: string): RefusedFile {
	return new RefusedFile(`refusing '${file}': it is ${kind}, not a regular file`);
}

/**
 * The failure of an open with O_NOFOLLOW: ELOOP when a symbolic link is at `file` is said as
 * what it is (the kernel's "too many symbolic links" reads like a loop in the links).
 */
function openFailure(verb: string, file: string, error: unknown): RuntimeFailure {
	if (errnoCode(error) === 'ELOOP' && fs.lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink()) {
		return new RefusedFile(`refusing '${file}': it is a symbolic link (rotlog never writes through links; name the file itself)`, {cause: error});
	}

	return fsFailure(verb, file, error);
}

/**
 * Opens the existing file at `file` (never following a symbolic link, never blocking on a FIFO)
 * and makes sure it is a regular file. Undefined when nothing is there and `missingOk`.
 */
export function openRegular(file: string, flags: number, verb: string, missingOk: boolean): {fd: number; stats: fs.Stats} | undefined {
	let fd: number;
	try {
		fd = fs.openSync(file, flags | O_NOFOLLOW | O_NONBLOCK);
	} catch (error) {
		if (missingOk && errnoCode(error) === 'ENOENT') {
			return undefined;
		}

		throw openFailure(verb, file, error);
	}

	const stats = fs.fstatSync(fd);
	if (!stats.isFile()) {
		fs.closeSync(fd);
		throw notRegular(file, fileKind(stats));
	}

	return {fd, stats};
}

/** Creates `file` with O_EXCL: the descriptor is the file we made. Undefined when something is at its name already. */
export function createExclusive(file: string, flags: number, mode: number, verb: string): number | undefined {
	try {
		return fs.openSync(file, flags | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	} catch (error) {
		if (errnoCode(error) === 'EEXIST') {
			return undefined;
		}

		throw openFailure(verb, file, error);
	}
}

/**
 * Opens `file`, creating it (exclusively) when missing. Something that appears at its name in
 * between (another writer's FILE) is opened and checked like any existing file.
 */
export function openOrCreate(file: string, flags: number, mode: number, verb: string): {fd: number; stats: fs.Stats; created: boolean} {
	for (let attempt = 0; attempt < 100; attempt++) {
		const existing = openRegular(file, flags, verb, true);
		if (existing) {
			return {...existing, created: false};
		}

		const fd = createExclusive(file, flags, mode, verb);
		if (fd !== undefined) {
			return {fd, stats: fs.fstatSync(fd), created: true};
		}
	}

	throw new RuntimeFailure(`cannot ${verb} '${file}': it keeps being created and removed`);
}

/** The directory holding `file` lets others create files there and is sticky (like /tmp). */
function inSharedStickyDirectory(file: string): {uid: number} | undefined {
	const directory = fs.statSync(path.dirname(file));
	return (directory.mode & 0o1000) !== 0 && (directory.mode & 0o022) !== 0 ? directory : undefined;
}

/**
 * The owner rule for an existing FILE: in a sticky directory that others can write to, anyone
 * may have created the file at FILE's name, so it is used only when owned by rotlog's own user,
 * by root, by the directory's owner, or by one of `owners()` (the lock file's owner; after a
 * rotation, the previous FILE's). Elsewhere only people trusted with the directory can put a
 * file there, and any owner is accepted. True when `stats` (of `file`) passes.
 */
export function ownerTrusted(file: string, stats: fs.Stats, owners: () => ReadonlyArray<number | undefined> = () => []): boolean {
	if (stats.uid === 0 || stats.uid === process.geteuid?.()) {
		return true;
	}

	const directory = inSharedStickyDirectory(file);
	return directory === undefined || directory.uid === stats.uid || owners().includes(stats.uid);
}

/** Throws the refusal of a FILE the owner rule does not accept (see ownerTrusted). */
export function checkOwner(file: string, stats: fs.Stats, owners: () => ReadonlyArray<number | undefined>): void {
	if (!ownerTrusted(file, stats, owners)) {
		throw new RefusedFile(`refusing '${file}': it is owned by uid ${stats.uid}, not by rotlog's user, root, the directory's owner or the lock file's owner`);
	}
}

/**
 * Gives a file rotlog just made the owner and group `to` (the FILE before it; FILE for a lock
 * file): only root can give a file away, and a user can change the group to one of their own.
 * A refusal (EPERM) leaves rotlog's own; any other failure is returned for a warning.
 */
export function giveOwner(fd: number, to: {uid: number; gid: number}): unknown {
	const stats = fs.fstatSync(fd);
	const uid = process.geteuid?.();
	if (to.uid < 0 || (stats.uid === to.uid && stats.gid === to.gid) || (uid !== 0 && uid !== to.uid)) {
		return undefined;
	}

	try {
		fs.fchownSync(fd, to.uid, to.gid);
	} catch (error) {
		return errnoCode(error) === 'EPERM' ? undefined : error;
	}

	return undefined;
}
