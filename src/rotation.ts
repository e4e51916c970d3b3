// The file-system effects of one rotation, run under the lock: list the directory, plan the
// renames and unlinks (archive.ts decides), carry them out. FILE is left absent; the caller
// opens a new one.
import fs from 'node:fs';
import path from 'node:path';
import {planRotation, type PlanStep} from './archive.js';
import {errnoCode, fsFailure, RuntimeFailure, systemReason} from './errors.js';

export type RotationOptions = {
	/** The log file. */
	file: string;
	/** Archives kept after the rotation. */
	keep: number;
};

/** Rotates FILE into the numbered archives; returns the new archive's path (undefined: deleted). */
export function rotateFile(options: RotationOptions): string | undefined {
	const directory = path.dirname(options.file);
	const base = path.basename(options.file);
	let names: string[];
	try {
		names = fs.readdirSync(directory);
	} catch (error) {
		throw fsFailure('read directory', directory, error);
	}

	let archive: string | undefined;
	for (const step of planRotation(base, names, options.keep)) {
		apply(directory, step);
		if (step.op === 'rename' && step.from === base) {
			archive = path.join(directory, step.to);
		}
	}

	return archive;
}

function apply(directory: string, step: PlanStep): void {
	const inDirectory = (name: string) => path.join(directory, name);
	try {
		if (step.op === 'rename') {
			fs.renameSync(inDirectory(step.from), inDirectory(step.to));
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
