// The file-system effects of one rotation, run under the lock: list the directory, plan the
// renames and unlinks (archive.ts decides), carry them out. FILE is left absent; the caller
// opens a new one.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from './directory.js';
import {planRotation, type PlanStep} from '../decide/numbered-names.js';
import {applyRetention, type ArchiveOptions, dateFormatOf, dateTarget} from './archives.js';
import {renameFile, stepDone} from './faults.js';
import {errnoCode, fsFailure, RuntimeFailure, systemReason} from '../errors.js';

export type RotationOptions = ArchiveOptions & {
	/** The log file. */
	file: string;
	/** Archives kept after the rotation. */
	keep: number;
};

/** Rotates FILE into the numbered archives; returns the new archive's path (undefined: deleted). */
export function rotateFile(options: RotationOptions): string | undefined {
	return rotateAndPrune(options, Date.now()).archive;
}

/** Rotates FILE, then applies retention as of `now`; returns the archive and the deleted paths. */
export function rotateAndPrune(options: RotationOptions, now: number): {archive: string | undefined; deleted: string[]} {
	const directory = path.dirname(options.file);
	const base = path.basename(options.file);
	const names = readNames(directory);

	// Date names never shift: FILE takes its period's name, then retention prunes (issue 4).
	const format = dateFormatOf(options);
	const plan: PlanStep[] = format === undefined
		? planRotation(base, names, options.keep)
		: [{op: 'rename', from: base, to: dateTarget(options.file, format, options, names)}];
	let archive: string | undefined;
	// Archives the plan itself deletes (those past --keep; with --keep 0, every one): reported
	// with retention's, so that --verbose names every deletion.
	const unlinked: string[] = [];
	for (const step of plan) {
		apply(directory, step);
		stepDone('rotate');
		if (step.op === 'rename' && step.from === base) {
			archive = path.join(directory, step.to);
		} else if (step.op === 'unlink' && step.name !== base) {
			unlinked.push(path.join(directory, step.name));
		}
	}

	const deleted = [...unlinked, ...applyRetention(options.file, options.keep, options, now)];
	stepDone('rotate');
	return {archive: archive !== undefined && deleted.includes(archive) ? undefined : archive, deleted};
}

function apply(directory: string, step: PlanStep): void {
	const inDirectory = (name: string) => path.join(directory, name);
	try {
		if (step.op === 'rename') {
			renameFile(inDirectory(step.from), inDirectory(step.to));
		} else {
			fs.unlinkSync(inDirectory(step.name));
		}
	} catch (error) {
		// Gone already (a person or a killed rotation removed it): the plan's goal holds.
		if (errnoCode(error) === 'ENOENT') {
			return;
		}

		throw step.op === 'rename'
			? new RuntimeFailure(`cannot rename '${inDirectory(step.from)}' to '${inDirectory(step.to)}': ${systemReason(error)}`, {cause: error})
			: fsFailure('remove', inDirectory(step.name), error);
	}
}

/**
 * Gives a FILE just created by a rotation `mode`, the mode bits of the FILE before it (only when
 * it is still empty: a FILE someone else made in between is left as it is).
 */
export function keepMode(fd: number, mode: number): void {
	const stats = fs.fstatSync(fd);
	if (stats.size === 0 && (stats.mode & 0o7777) !== mode) {
		fs.fchmodSync(fd, mode);
	}
}
