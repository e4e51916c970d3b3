// A writer joining the writers of a log, once at start-up, under the writers' lock: it learns
// whether others are live, compares its policy with the one they recorded, and records its own
// when it is alone (or nothing is recorded). A writer whose naming or lock differs from live
// writers' refuses to start: together they would lose or duplicate each other's archives.
import {describeDisagreement, disagreements, refusals} from '../decide/policy-agreement.js';
import {errnoCode, renderError, UsageError, warn} from '../errors.js';
import type {Appender} from './appender.js';
import {type PolicyRecord, readRecord, writeRecord} from './policy-record.js';
import {Presence} from './presence.js';

/** Joins; the returned presence counts this writer as live until it is closed (or the process ends). */
export function joinWriters(appender: Appender, file: string, lockPath: string, ours: PolicyRecord): Presence {
	const presence = new Presence(lockPath);
	try {
		appender.withLock(() => {
			const othersLive = presence.join();
			const recorded = readRecord(lockPath);
			const found = recorded === undefined ? [] : disagreements(recorded, ours);
			if (othersLive === true && recorded !== undefined) {
				const refused = refusals(found);
				if (refused.length > 0) {
					throw new UsageError(`refusing to write '${file}': its live writers use other archive names or another lock: ${refused.map(each => describeDisagreement(each)).join(', ')}`);
				}

				if (found.length > 0) {
					warn(`'${file}' has live writers with other options; check, status and cat follow theirs: ${found.map(each => describeDisagreement(each)).join(', ')}`);
				}

				return;
			}

			if (recorded === undefined || found.length > 0) {
				recordOrSay(lockPath, ours);
			}
		});
	} catch (error) {
		presence.close();
		throw error;
	}

	return presence;
}

/**
 * The record is advice for the other commands, not a condition of writing: a lock file deleted
 * under us (the next writer records) is passed over in silence, another failure (a lock file this
 * user may lock but not write) is said in one line, and the writer goes on either way.
 */
function recordOrSay(lockPath: string, ours: PolicyRecord): void {
	try {
		writeRecord(lockPath, ours);
	} catch (error) {
		if (errnoCode(error instanceof Error ? error.cause : error) !== 'ENOENT') {
			warn(`${renderError(error).replace(/^rotlog: /, '')}; check, status and cat will not know this writer's options`);
		}
	}
}
