// Maintenance without a writer (for `rotlog check`, cron): under the same lock the writers take,
// rotate FILE if a rotation is due (its period is over, or it is full), then apply retention.
// The decision comes from durable state only, so it agrees with every live writer.
import fs from 'node:fs';
import {applyRetention} from './archiving.js';
import {fsFailure} from './errors.js';
import {FileLock} from './lock.js';
import {rotationDue, type RotationReason} from './period.js';
import {rotateAndPrune, type RotationOptions} from './rotation.js';

export type MaintainOptions = RotationOptions & {
	lockPath: string;
	/** Size rotation: due once FILE holds at least this many bytes. */
	max?: number | undefined;
	/** Rotate whatever is due, or unconditionally when 'forced' (an empty FILE never rotates). */
	force?: boolean | undefined;
	/** The present, for tests; default Date.now() once the lock is held. */
	now?: number | undefined;
};

export type MaintainResult = {
	/** Why FILE was rotated; undefined when it was not. */
	rotated: RotationReason | undefined;
	/** The archive FILE became (undefined: not rotated, or deleted at once by --keep 0). */
	archive: string | undefined;
	/** Archives deleted by retention after the rotation (or without one). */
	deleted: string[];
};

/** Takes the lock, rotates if due, applies retention, releases. */
export function maintain(options: MaintainOptions): MaintainResult {
	const lock = new FileLock(options.lockPath);
	try {
		lock.acquire();
		const now = options.now ?? Date.now();
		let stats: fs.Stats | undefined;
		try {
			stats = fs.statSync(options.file, {throwIfNoEntry: false});
		} catch (error) {
			throw fsFailure('stat', options.file, error);
		}

		const state = {size: stats?.size ?? 0, mtimeMs: stats?.mtimeMs ?? 0};
		const due = options.force && state.size > 0 ? 'forced' : rotationDue(state, options, now);
		if (due) {
			return {rotated: due, ...rotateAndPrune(options, now)};
		}

		return {rotated: undefined, archive: undefined, deleted: applyRetention(options.file, options.keep, options, now)};
	} finally {
		lock.close();
	}
}
