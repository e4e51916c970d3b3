// Maintenance under the writers' own lock: the one step `rotlog check` and `rotlog rotate` run per
// file. A cron job and live writers take the same kernel lock, so they never disagree: a writer
// that finds FILE renamed away simply reopens it (appender.ts).
//
// The order under the lock is fixed; other features plug in at the marked places:
//   1. repair   finish what a killed run left (interrupted compressions: issue 3)
//   2. decide   is a rotation due? (size today; the time period: issue 4)
//   3. rotate   FILE -> FILE.1 (numbered archives), a new empty FILE
//   4. retain   delete archives past --keep (--max-age / --max-total: issue 4)
// Hooks (--on-rotate) and compression of the new archive run after the lock is released.
import fs from 'node:fs';
import path from 'node:path';
import {findArchives, planKeep} from './archive.js';
import {errnoCode, fsFailure} from './errors.js';
import {FileLock} from './lock.js';
import {rotateFile} from './rotation.js';

export type MaintenancePolicy = {
	file: string;
	lockPath: string;
	/** Rotate when FILE holds this many bytes or more; undefined: no size rotation. */
	max?: number | undefined;
	/** Archives kept. */
	keep: number;
	/** Mode of the new FILE and of a new lock file (before the umask). */
	mode?: number | undefined;
};

/** Why a rotation happened: a closed set, printed by --verbose. */
export type RotationReason = 'size' | 'forced';

export type MaintenanceAction =
	| {kind: 'rotated'; file: string; archive: string | undefined; reason: RotationReason; size: number}
	| {kind: 'removed'; file: string; archive: string; reason: 'keep'};

/** One line for --verbose. */
export function describeAction(action: MaintenanceAction): string {
	switch (action.kind) {
		case 'rotated': {
			const to = action.archive === undefined ? 'deleted it (--keep 0)' : `to '${action.archive}'`;
			return `rotated '${action.file}' ${to}: ${action.reason}, ${action.size} bytes`;
		}

		case 'removed': {
			return `removed '${action.archive}': ${action.reason}`;
		}
	}
}

/**
 * Runs the maintenance of one FILE under its lock and returns what was done. `force` rotates
 * now whatever the policy says, unless FILE is empty or missing (`rotlog rotate`).
 */
export function maintain(policy: MaintenancePolicy, force: boolean): MaintenanceAction[] {
	// Nothing of this log exists (a plain path named before any writer ran): leave no lock file behind.
	if (!fs.existsSync(policy.file) && !hasArchives(policy.file)) {
		return [];
	}

	const lock = new FileLock(policy.lockPath, policy.mode);
	try {
		lock.acquire();
		return maintainLocked(policy, force);
	} finally {
		lock.close();
	}
}

function hasArchives(file: string): boolean {
	const directory = path.dirname(file);
	try {
		return findArchives(path.basename(file), fs.readdirSync(directory)).length > 0;
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return false;
		}

		throw fsFailure('read directory', directory, error);
	}
}

function maintainLocked(policy: MaintenancePolicy, force: boolean): MaintenanceAction[] {
	const actions: MaintenanceAction[] = [];
	// 1. repair: issue 3 (compression recovery) goes here.
	const size = repairTail(policy.file);

	// 2. decide.
	let reason: RotationReason | undefined;
	if (size > 0) {
		if (force) {
			reason = 'forced';
		} else if (policy.max !== undefined && size >= policy.max) {
			reason = 'size';
		}
	}

	// 3. rotate. The archive that the rotation would push past --keep is removed first, by
	// retention, so that --verbose names it.
	if (reason !== undefined) {
		if (policy.keep > 0) {
			actions.push(...retain({...policy, keep: policy.keep - 1}));
		}

		const archive = rotateFile(policy);
		createEmpty(policy.file, policy.mode);
		actions.push({kind: 'rotated', file: policy.file, archive, reason, size});
	}

	// 4. retain.
	actions.push(...retain(policy));
	return actions;
}

/**
 * FILE's size (0 when missing). A FILE not ending in a newline under the lock was left by a
 * killed writer: end the line first, so the archive never ends mid-line.
 */
function repairTail(file: string): number {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return 0;
		}

		throw fsFailure('open', file, error);
	}

	try {
		const size = fs.fstatSync(fd).size;
		if (size === 0) {
			return 0;
		}

		const last = Buffer.alloc(1);
		fs.readSync(fd, last, 0, 1, size - 1);
		if (last[0] === 0x0a) {
			return size;
		}

		fs.writeSync(fd, '\n');
		return size + 1;
	} catch (error) {
		throw fsFailure('repair', file, error);
	} finally {
		fs.closeSync(fd);
	}
}

/** A new empty FILE, so that readers (`tail -F`, `rotlog cat -f`) find it at once. */
function createEmpty(file: string, mode = 0o666): void {
	try {
		fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, mode));
	} catch (error) {
		throw fsFailure('create', file, error);
	}
}

function retain(policy: MaintenancePolicy): MaintenanceAction[] {
	const directory = path.dirname(policy.file);
	let names: string[];
	try {
		names = fs.readdirSync(directory);
	} catch (error) {
		throw fsFailure('read directory', directory, error);
	}

	const actions: MaintenanceAction[] = [];
	for (const step of planKeep(path.basename(policy.file), names, policy.keep)) {
		if (step.op !== 'unlink') {
			continue;
		}

		const archive = path.join(directory, step.name);
		try {
			fs.unlinkSync(archive);
		} catch (error) {
			if (errnoCode(error) === 'ENOENT') {
				continue;
			}

			throw fsFailure('remove', archive, error);
		}

		actions.push({kind: 'removed', file: policy.file, archive, reason: 'keep'});
	}

	return actions;
}
