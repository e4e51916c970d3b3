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
import {errnoCode, fsFailure} from '../errors.js';
import {logNames} from './directory.js';
import {FileLock, LockLost} from './lock.js';
import {LogFile, type LogFileState} from './log-file.js';
import {applyRetention, retentionPlan, rotateLog, rotationPlan, type Rotated, type RotationOptions} from './rotate.js';

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

/** What a dry run shows: the actions, and the steps a real run takes silently. */
export type PlannedAction =
	| MaintenanceAction
	| {kind: 'repaired'; file: string}
	| {kind: 'renamed'; file: string; from: string; to: string};

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

/** One line for --dry-run: what a real run would do. */
export function describePlanned(action: PlannedAction): string {
	switch (action.kind) {
		case 'rotated': {
			const to = action.archive === undefined ? 'and delete it (--keep 0)' : `-> '${action.archive}'`;
			return `would rotate '${action.file}' ${to}: ${action.reason}, ${action.size} bytes`;
		}

		case 'removed': {
			return `would delete '${action.archive}': retention`;
		}

		case 'renamed': {
			return `would rename '${action.from}' -> '${action.to}'`;
		}

		case 'repaired': {
			return `would end the unfinished last line of '${action.file}' (left by a killed writer)`;
		}
	}
}

/** What one maintenance did, and the log's names as they were when it let go of the lock. */
export type Maintained = {
	actions: MaintenanceAction[];
	/** directory.ts logNames, as listed under the lock and kept current; undefined: no lock taken. */
	names: string[] | undefined;
};

/**
 * Runs the maintenance of one FILE under its lock and returns what was done. `force` rotates
 * now whatever the policy says, unless FILE is empty or missing (`rotlog rotate`). `now` is
 * the present, for tests.
 */
export function maintain(policy: MaintenancePolicy, force: boolean, now?: number): Maintained {
	// Nothing of this log exists (a plain path named before any writer ran): leave no lock file behind.
	if (!fs.existsSync(policy.file) && !hasArchives(policy)) {
		return {actions: [], names: undefined};
	}

	const lock = new FileLock(policy.lockPath, policy.mode, lockModel(policy));
	const file = new LogFile(policy.file, policy.mode, policy.lockPath);
	try {
		lock.acquire();
		const names = new Set<string>();
		const actions = maintainLocked(file, lock, policy, force, now ?? Date.now(), names);
		return {actions, names: [...names]};
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
	const newest = findArchives(base, logNames(policy.file, {missingOk: true})).sort((a, b) => a.index - b.index)[0];
	return newest === undefined ? policy.file : path.join(path.dirname(policy.file), newest.name);
}

function hasArchives(policy: MaintenancePolicy): boolean {
	const base = path.basename(policy.file);
	const names = logNames(policy.file, {missingOk: true});
	return findArchives(base, names).length > 0 || archiveGroups(base, policy, names).length > 0;
}

/**
 * Steps 1-4 under the lock. `names` receives the log's names, listed once under the lock (again
 * when the lock had to be taken anew) and kept current by the steps.
 */
function maintainLocked(file: LogFile, lock: FileLock, policy: MaintenancePolicy, force: boolean, now: number, names: Set<string>): MaintenanceAction[] {
	const removed = (archives: string[]): MaintenanceAction[] => archives.map(archive => ({kind: 'removed', file: policy.file, archive}));
	// 1. repair. A missing FILE is not created: it is empty, and nothing is due.
	const state: LogFileState = file.openExisting() ? file.sync() : {size: 0, mtimeMs: 0, mode: 0, uid: -1, gid: -1};
	names.clear();
	for (const name of logNames(policy.file)) {
		names.add(name);
	}

	// 2. decide.
	const reason = rotationDue(state, policy, now, force);
	if (reason === undefined) {
		// 4. retain, without a rotation.
		return removed(applyRetention(policy.file, policy.keep, policy, now, names));
	}

	// The lock file deleted or replaced since we took the lock: a writer may hold a new one now, and
	// two rotations at once would overwrite each other's archives. Start again under that lock.
	if (!lock.stillGuards()) {
		file.unlock();
		lock.regain();
		return maintainLocked(file, lock, policy, force, now, names);
	}

	// 3. rotate (and 4. retain). The archive that the rotation would push past --keep is removed
	// first, so that --verbose names every deletion.
	const actions = policy.keep > 0 ? removed(applyRetention(policy.file, policy.keep - 1, policy, now, names)) : [];
	let rotated: Rotated;
	try {
		rotated = rotateLog(file, state, {...policy, beforeStep: () => {
			lock.check();
		}}, now, names);
	} catch (error) {
		if (!(error instanceof LockLost)) {
			throw error;
		}

		file.unlock();
		lock.regain();
		return [...actions, ...maintainLocked(file, lock, policy, force, now, names)];
	}

	const {archive, deleted} = rotated;
	return [...actions, {kind: 'rotated', file: policy.file, archive, reason, size: state.size}, ...removed(deleted)];
}

/** A dry run's plan, and the names the directory would then hold. */
export type Preview = {actions: PlannedAction[]; names: string[]};

/**
 * What `maintain` would do now, changing nothing and creating nothing, not even the lock file
 * (--dry-run). The same decider and planners run on what is on disk, without the lock: a
 * snapshot, which live writers may change before a real run.
 */
export function previewMaintenance(policy: MaintenancePolicy, force: boolean, now: number): Preview {
	const directory = path.dirname(policy.file);
	const inDirectory = (name: string) => path.join(directory, name);
	const names = new Set(logNames(policy.file, {missingOk: true}));
	const tail = peekTail(policy.file);
	if (tail === undefined && !hasArchives(policy)) {
		return {actions: [], names: []};
	}

	const actions: PlannedAction[] = [];
	const state = {size: tail?.size ?? 0, mtimeMs: tail?.mtimeMs ?? 0};
	if (tail?.unfinished) {
		actions.push({kind: 'repaired', file: policy.file});
		state.size += 1;
	}

	// Stored sizes and mtimes by name, carried along the planned renames.
	const stored = new Map<string, {size: number; mtimeMs: number}>();
	const statOf = (name: string) => stored.get(name) ?? fs.lstatSync(inDirectory(name), {throwIfNoEntry: false});
	const remove = (doomed: readonly string[]) => {
		for (const name of doomed) {
			names.delete(name);
			actions.push({kind: 'removed', file: policy.file, archive: inDirectory(name)});
		}
	};

	const reason = rotationDue(state, policy, now, force);
	if (reason === undefined) {
		remove(retentionPlan(policy.file, policy.keep, policy, now, [...names], statOf, state.size));
		return {actions, names: [...names]};
	}

	if (policy.keep > 0) {
		remove(retentionPlan(policy.file, policy.keep - 1, policy, now, [...names], statOf, state.size));
	}

	const base = path.basename(policy.file);
	let archive: string | undefined;
	for (const step of rotationPlan(policy, [...names], state.mtimeMs)) {
		if (step.op === 'unlink') {
			if (step.name !== base) {
				remove([step.name]);
			}

			names.delete(step.name);
			continue;
		}

		const stats = step.from === base ? state : statOf(step.from);
		if (stats !== undefined) {
			stored.set(step.to, stats);
		}

		names.delete(step.from);
		names.add(step.to);
		if (step.from === base) {
			archive = inDirectory(step.to);
		} else {
			actions.push({kind: 'renamed', file: policy.file, from: inDirectory(step.from), to: inDirectory(step.to)});
		}
	}

	// After the rotation FILE is new and empty; an archive that retention deletes at once is none.
	const doomed = retentionPlan(policy.file, policy.keep, policy, now, [...names], statOf, 0);
	if (archive !== undefined && doomed.includes(path.basename(archive))) {
		archive = undefined;
	}

	actions.push({kind: 'rotated', file: policy.file, archive, reason, size: state.size});
	remove(doomed);
	return {actions, names: [...names]};
}

/**
 * FILE's size and mtime, and whether its last line is unfinished, read without changing it:
 * opened without following a link and without blocking (a FIFO planted at FILE's name must not
 * stall a dry run). Undefined when FILE is missing or not a regular file.
 */
function peekTail(file: string): {size: number; mtimeMs: number; unfinished: boolean} | undefined {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return undefined;
		}

		throw fsFailure('open', file, error);
	}

	try {
		const stats = fs.fstatSync(fd);
		if (!stats.isFile()) {
			return undefined;
		}

		const last = Buffer.alloc(1);
		const unfinished = stats.size > 0 && fs.readSync(fd, last, 0, 1, stats.size - 1) === 1 && last[0] !== 0x0a;
		return {size: stats.size, mtimeMs: stats.mtimeMs, unfinished};
	} finally {
		fs.closeSync(fd);
	}
}
