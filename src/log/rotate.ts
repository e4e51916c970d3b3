// Rotating a log, under its lock: the steps that writers and `rotlog check`/`rotate` share. List
// the directory, let the pure planners decide (numbered or date names, retention), carry out the
// renames and unlinks, and leave a new empty FILE. Each step is one rename or unlink, so a rotation
// killed half-way leaves names that the next one's plan completes.
//
// The directory is listed once per rotation, and the list kept current by the rotation's own steps:
// under the lock nobody else renames or removes this log's names (writers rotate under it, and
// compression claims and swaps under it), and other logs' names are not in the list.
import fs from 'node:fs';
import path from 'node:path';
import {archiveGroups, type ArchiveOptions, dateFormatOf, stampFor} from '../decide/archives.js';
import {dateArchiveName} from '../decide/date-names.js';
import {planRotation, type PlanStep} from '../decide/numbered-names.js';
import {planRetention, type RetentionRules, type StoredArchive} from '../decide/retention.js';
import {errnoCode, fsFailure, RuntimeFailure, systemReason} from '../errors.js';
import {logNames} from './directory.js';
import {renameFile, stepDone} from './faults.js';
import type {LogFile, LogFileState} from './log-file.js';

export type RotationOptions = ArchiveOptions & {
	/** The log file. */
	file: string;
	/** Archives kept after the rotation. */
	keep: number;
	/**
	 * Called before each rename or unlink of the rotation; may throw to stop it there (a lock
	 * that no longer guards FILE: lock.ts stillGuards). The next rotation's plan completes it.
	 */
	beforeStep?: (() => void) | undefined;
};

export type Rotated = {
	/** The new archive's path; undefined when retention deleted it at once (--keep 0). */
	archive: string | undefined;
	/** Archives deleted by the rotation's plan and by retention. */
	deleted: string[];
};

/**
 * Under the lock, with `file` synced (`state` is what its sync returned): FILE becomes an archive,
 * retention applies as of `now`, and `file` is a new empty FILE with the mode of the one before.
 * `names` is the log's names (directory.ts logNames) listed under this lock, kept current here;
 * listed now when not given.
 */
export function rotateLog(file: LogFile, state: LogFileState, options: RotationOptions, now: number, names = new Set(logNames(options.file))): Rotated {
	const rotated = rotateAndPrune(options, now, names);
	file.recreate(state);
	names.add(path.basename(options.file));
	stepDone('rotate');
	return rotated;
}

/** How FILE becomes an archive: renames and unlinks, ending with FILE's own rename (or unlink). */
export function rotationPlan(options: RotationOptions, names: readonly string[], fileMtimeMs: number): PlanStep[] {
	const base = path.basename(options.file);
	// Date names never shift: FILE takes its period's name, then retention prunes.
	const format = dateFormatOf(options);
	return format === undefined
		? planRotation(base, names, options.keep)
		: [{op: 'rename', from: base, to: dateArchiveName(base, format, stampFor(options, format, fileMtimeMs), names)}];
}

/** Rotates FILE, then applies retention as of `now`; returns the archive and the deleted paths. */
function rotateAndPrune(options: RotationOptions, now: number, names: Set<string>): Rotated {
	const directory = path.dirname(options.file);
	const base = path.basename(options.file);
	const plan = rotationPlan(options, [...names], fileMtime(options.file));
	let archive: string | undefined;
	// Archives the plan itself deletes (those past --keep; with --keep 0, every one): reported
	// with retention's, so that --verbose names every deletion.
	const unlinked: string[] = [];
	for (const step of plan) {
		options.beforeStep?.();
		const applied = apply(directory, step);
		if (step.op === 'rename') {
			names.delete(step.from);
			if (applied) {
				names.add(step.to);
			}
		} else {
			names.delete(step.name);
		}

		stepDone('rotate');
		if (step.op === 'rename' && step.from === base) {
			archive = path.join(directory, step.to);
		} else if (step.op === 'unlink' && step.name !== base) {
			unlinked.push(path.join(directory, step.name));
		}
	}

	// Only retention, after the rename, can delete the new archive: an unlink of the plan before
	// it removed the older archive of the same name (--keep 1 unlinks FILE.1, then renames FILE to
	// FILE.1), and must not make the new one look deleted (it was then never compressed).
	const retained = applyRetention(options.file, options.keep, options, now, names);
	stepDone('rotate');
	return {archive: archive !== undefined && retained.includes(archive) ? undefined : archive, deleted: [...unlinked, ...retained]};
}

/** FILE's mtime, which names its date archive; absent (removed by hand): any name will do. */
function fileMtime(file: string): number {
	try {
		return fs.statSync(file, {throwIfNoEntry: false})?.mtimeMs ?? 0;
	} catch (error) {
		throw fsFailure('stat', file, error);
	}
}

/** Carries out one step; false when its source was gone already. */
function apply(directory: string, step: PlanStep): boolean {
	const inDirectory = (name: string) => path.join(directory, name);
	try {
		if (step.op === 'rename') {
			renameFile(inDirectory(step.from), inDirectory(step.to));
		} else {
			fs.unlinkSync(inDirectory(step.name));
		}

		return true;
	} catch (error) {
		// Gone already (a person or a killed rotation removed it): the plan's goal holds.
		if (errnoCode(error) === 'ENOENT') {
			return false;
		}

		throw step.op === 'rename'
			? new RuntimeFailure(`cannot rename '${inDirectory(step.from)}' to '${inDirectory(step.to)}': ${systemReason(error)}`, {cause: error})
			: fsFailure('remove', inDirectory(step.name), error);
	}
}

/** Sizes and mtimes of archive names, as stored (undefined: gone). */
export type StatOf = (name: string) => {size: number; mtimeMs: number} | undefined;

/**
 * The names retention deletes (--keep, --max-age, --max-total as of `now`) among FILE's archives
 * in `names`, given their sizes and mtimes and FILE's size.
 */
export function retentionPlan(file: string, keep: number, options: ArchiveOptions, now: number, names: readonly string[], statOf: StatOf, fileSize: number): string[] {
	// Sizes and mtimes only matter to --max-age and --max-total.
	const measure = options.maxAge !== undefined || options.maxTotal !== undefined;
	const archives: StoredArchive[] = [];
	for (const group of archiveGroups(path.basename(file), options, names)) {
		const archive: StoredArchive = {names: [], size: 0, mtimeMs: Number.NEGATIVE_INFINITY};
		for (const name of group) {
			const stats = measure ? statOf(name) : {size: 0, mtimeMs: 0};
			if (stats) {
				archive.names.push(name);
				archive.size += stats.size;
				archive.mtimeMs = Math.max(archive.mtimeMs, stats.mtimeMs);
			}
		}

		if (archive.names.length > 0) {
			archives.push(archive);
		}
	}

	const rules: RetentionRules = {keep, maxAge: options.maxAge, maxTotal: options.maxTotal};
	return planRetention({archives, fileSize, rules, now, inProgress: options.inProgress?.(names)});
}

/**
 * Applies --keep, --max-age and --max-total to FILE's archives, under the lock; returns the
 * deleted paths. `names` is the log's names listed under this lock, kept current here.
 */
export function applyRetention(file: string, keep: number, options: ArchiveOptions, now: number, names: Set<string>): string[] {
	const directory = path.dirname(file);
	const inDirectory = (name: string) => path.join(directory, name);
	const statOf: StatOf = name => fs.lstatSync(inDirectory(name), {throwIfNoEntry: false});
	const fileSize = fs.statSync(file, {throwIfNoEntry: false})?.size ?? 0;
	const doomed = retentionPlan(file, keep, options, now, [...names], statOf, fileSize);
	const deleted: string[] = [];
	for (const name of doomed) {
		names.delete(name);
		try {
			fs.unlinkSync(inDirectory(name));
			deleted.push(inDirectory(name));
		} catch (error) {
			if (errnoCode(error) !== 'ENOENT') {
				throw fsFailure('remove', inDirectory(name), error);
			}
		}
	}

	return deleted;
}
