// Maintenance under the writers' own lock: the one step `rotlog check` and `rotlog rotate` run per
// file. A cron job and live writers take the same kernel lock, so they never disagree: a writer
// that finds FILE renamed away simply reopens it (appender.ts). The decision comes from durable
// state only (FILE's size and mtime), so it agrees with every live writer.
//
// The order under the lock is fixed:
//   1. repair   end a line a killed writer left unfinished (interrupted compressions: issue 3)
//   2. decide   is a rotation due? (size, the time period, or forced)
//   3. rotate   FILE becomes an archive (numbered or dated), a new empty FILE
//   4. retain   delete archives past --keep, --max-age, --max-total
// Hooks (--on-rotate) and compression of the new archive run after the lock is released.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from './directory.js';
import {findArchives} from '../decide/numbered-names.js';
import {applyRetention, archiveGroups} from './archives.js';
import {errnoCode, fsFailure} from '../errors.js';
import {FileLock} from './lock.js';
import {rotationDue, type RotationReason} from '../decide/period.js';
import {keepMode, rotateAndPrune, type RotationOptions} from './rotate.js';

export type MaintenancePolicy = RotationOptions & {
	lockPath: string;
	/** Rotate when FILE holds this many bytes or more; undefined: no size rotation. */
	max?: number | undefined;
	/** Mode of the new FILE and of a new lock file (before the umask). */
	mode?: number | undefined;
};

export type {RotationReason};

export type MaintenanceAction =
	| {kind: 'rotated'; file: string; archive: string | undefined; reason: RotationReason; size: number}
	| {kind: 'removed'; file: string; archive: string};

/** One line for --verbose. */
export function describeAction(action: MaintenanceAction): string {
	switch (action.kind) {
		case 'rotated': {
			const to = action.archive === undefined ? 'deleted it (--keep 0)' : `to '${action.archive}'`;
			return `rotated '${action.file}' ${to}: ${action.reason}, ${action.size} bytes`;
		}

		case 'removed': {
			return `removed '${action.archive}': retention`;
		}
	}
}

/**
 * Runs the maintenance of one FILE under its lock and returns what was done. `force` rotates
 * now whatever the policy says, unless FILE is empty or missing (`rotlog rotate`). `now` is
 * the present, for tests.
 */
export function maintain(policy: MaintenancePolicy, force: boolean, now?: number): MaintenanceAction[] {
	// Nothing of this log exists (a plain path named before any writer ran): leave no lock file behind.
	if (!fs.existsSync(policy.file) && !hasArchives(policy)) {
		return [];
	}

	const lock = new FileLock(policy.lockPath, policy.mode);
	try {
		lock.acquire();
		return maintainLocked(policy, force, now ?? Date.now());
	} finally {
		lock.close();
	}
}

function hasArchives(policy: MaintenancePolicy): boolean {
	const directory = path.dirname(policy.file);
	const base = path.basename(policy.file);
	const names = readNames(directory, {missingOk: true});
	return findArchives(base, names).length > 0 || archiveGroups(base, policy, names).length > 0;
}

function maintainLocked(policy: MaintenancePolicy, force: boolean, now: number): MaintenanceAction[] {
	const removed = (archives: string[]): MaintenanceAction[] => archives.map(archive => ({kind: 'removed', file: policy.file, archive}));
	// 1. repair.
	const state = repairTail(policy.file);

	// 2. decide.
	const reason = force && state.size > 0 ? 'forced' : rotationDue(state, policy, now);
	if (reason === undefined) {
		// 4. retain, without a rotation.
		return removed(applyRetention(policy.file, policy.keep, policy, now));
	}

	// 3. rotate (and 4. retain). The archive that the rotation would push past --keep is removed
	// first, so that --verbose names every deletion.
	const actions = policy.keep > 0 ? removed(applyRetention(policy.file, policy.keep - 1, policy, now)) : [];
	const {archive, deleted} = rotateAndPrune(policy, now);
	createEmpty(policy.file, policy.mode, state.mode);
	return [...actions, {kind: 'rotated', file: policy.file, archive, reason, size: state.size}, ...removed(deleted)];
}

/**
 * FILE's size (0 when missing) and mtime. A FILE not ending in a newline under the lock was left
 * by a killed writer: end the line first, so the archive never ends mid-line.
 */
function repairTail(file: string): {size: number; mtimeMs: number; mode?: number} {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return {size: 0, mtimeMs: 0};
		}

		throw fsFailure('open', file, error);
	}

	try {
		const {size, mtimeMs, mode: fullMode} = fs.fstatSync(fd);
		const mode = fullMode & 0o7777;
		if (size === 0) {
			return {size, mtimeMs, mode};
		}

		const last = Buffer.alloc(1);
		fs.readSync(fd, last, 0, 1, size - 1);
		if (last[0] === 0x0a) {
			return {size, mtimeMs, mode};
		}

		// The repair must not move FILE into a later period: keep its mtime.
		fs.writeSync(fd, '\n');
		const stats = fs.fstatSync(fd);
		fs.futimesSync(fd, stats.atime, new Date(mtimeMs));
		return {size: size + 1, mtimeMs, mode};
	} catch (error) {
		throw fsFailure('repair', file, error);
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * A new empty FILE, so that readers (`tail -F`, `rotlog cat -f`) find it at once: with --mode less
 * the umask, else with the mode bits of the FILE before it.
 */
function createEmpty(file: string, mode: number | undefined, previousMode: number | undefined): void {
	try {
		const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, mode ?? 0o666);
		try {
			if (mode === undefined && previousMode !== undefined) {
				keepMode(fd, previousMode);
			}
		} finally {
			fs.closeSync(fd);
		}
	} catch (error) {
		throw fsFailure('create', file, error);
	}
}
