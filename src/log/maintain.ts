// Maintenance under the writers' own lock: the one step `rotlog check` and `rotlog rotate` run per
// file. A cron job and live writers take the same kernel lock and run the same pieces under it
// (log-file.ts, decide/rotation.ts, rotate.ts), so they never disagree: a writer that finds FILE
// renamed away simply reopens it. The decision comes from durable state only (FILE's size and
// mtime), so it agrees with every live writer.
//
// The order under the lock is fixed:
//   1. repair   end a line a killed writer left unfinished
//   2. decide   is a rotation due? (size, the time period, or forced)
//   3. rotate   FILE becomes an archive (numbered or dated), a new empty FILE
//   4. retain   delete archives past --keep, --max-age, --max-total
// Hooks (--on-rotate) and compression of the new archive, and the recovery of interrupted
// compressions, run after the lock is released (commands/check.ts).
import fs from 'node:fs';
import path from 'node:path';
import {archiveGroups} from '../decide/archives.js';
import {findArchives} from '../decide/numbered-names.js';
import {rotationDue, type RotationReason} from '../decide/rotation.js';
import {readNames} from './directory.js';
import {FileLock, LockLost} from './lock.js';
import {LogFile, type LogFileState} from './log-file.js';
import {applyRetention, rotateLog, type Rotated, type RotationOptions} from './rotate.js';

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

	const lock = new FileLock(policy.lockPath, policy.mode, lockModel(policy));
	const file = new LogFile(policy.file, policy.mode, policy.lockPath);
	try {
		lock.acquire();
		return maintainLocked(file, lock, policy, force, now ?? Date.now());
	} finally {
		file.close();
		lock.close();
	}
}

/**
 * The file a lock file made here takes its owner and bits from: FILE, or when it is missing its
 * newest numbered archive (FILE renamed away, the writers gone): a cron job run by root must not
 * leave a lock file that the log's own user cannot open.
 */
function lockModel(policy: MaintenancePolicy): string {
	if (fs.existsSync(policy.file)) {
		return policy.file;
	}

	const base = path.basename(policy.file);
	const newest = findArchives(base, readNames(path.dirname(policy.file), {missingOk: true})).sort((a, b) => a.index - b.index)[0];
	return newest === undefined ? policy.file : path.join(path.dirname(policy.file), newest.name);
}

function hasArchives(policy: MaintenancePolicy): boolean {
	const base = path.basename(policy.file);
	const names = readNames(path.dirname(policy.file), {missingOk: true});
	return findArchives(base, names).length > 0 || archiveGroups(base, policy, names).length > 0;
}

function maintainLocked(file: LogFile, lock: FileLock, policy: MaintenancePolicy, force: boolean, now: number): MaintenanceAction[] {
	const removed = (archives: string[]): MaintenanceAction[] => archives.map(archive => ({kind: 'removed', file: policy.file, archive}));
	// 1. repair. A missing FILE is not created: it is empty, and nothing is due.
	const state: LogFileState = file.openExisting() ? file.sync() : {size: 0, mtimeMs: 0, mode: 0, uid: -1, gid: -1};

	// 2. decide.
	const reason = rotationDue(state, policy, now, force);
	if (reason === undefined) {
		// 4. retain, without a rotation.
		return removed(applyRetention(policy.file, policy.keep, policy, now));
	}

	// The lock file deleted or replaced since we took the lock: a writer may hold a new one now, and
	// two rotations at once would overwrite each other's archives. Start again under that lock.
	if (!lock.stillGuards()) {
		file.unlock();
		lock.regain();
		return maintainLocked(file, lock, policy, force, now);
	}

	// 3. rotate (and 4. retain). The archive that the rotation would push past --keep is removed
	// first, so that --verbose names every deletion.
	const actions = policy.keep > 0 ? removed(applyRetention(policy.file, policy.keep - 1, policy, now)) : [];
	let rotated: Rotated;
	try {
		rotated = rotateLog(file, state, {...policy, beforeStep: () => {
			lock.check();
		}}, now);
	} catch (error) {
		if (!(error instanceof LockLost)) {
			throw error;
		}

		file.unlock();
		lock.regain();
		return [...actions, ...maintainLocked(file, lock, policy, force, now)];
	}

	const {archive, deleted} = rotated;
	return [...actions, {kind: 'rotated', file: policy.file, archive, reason, size: state.size}, ...removed(deleted)];
}
