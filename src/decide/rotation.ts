// Rotate now, and why: the one decision that writers and `rotlog check`/`rotate` share, so that a
// cron job and a live writer never disagree. Pure: FILE's state on disk and the present come in
// as arguments (the state is read under the lock, so every process decides from the same facts).
//
// A writer asks it for each batch of whole lines (write a prefix now, or rotate first); maintenance
// asks it with no batch, which is the same question about the smallest line there is: a writer
// would rotate before its next line exactly when `check` rotates.
import {type Interval, periodOf, type Zone} from './period.js';

const newline = 0x0a;

/** Why a file is rotated: a closed, printable set. */
export type RotationReason = 'size' | 'period' | 'forced';

/** FILE as it is on disk under the lock. */
export type FileState = {size: number; mtimeMs: number};

export type RotationRules = {
	/** Largest size of a file in bytes; undefined: no size rotation. */
	max?: number | undefined;
	/** Start of the period of the present; undefined: no time rotation. */
	periodStart?: number | undefined;
};

export type Step = {kind: 'write'; bytes: number} | {kind: 'rotate'; reason: RotationReason};

/** The length of the longest prefix of whole lines that is at most `limit` bytes (0 if none). */
export function wholeLinesWithin(batch: Uint8Array, limit: number): number {
	if (limit >= batch.length) {
		return batch.length;
	}

	return limit <= 0 ? 0 : batch.lastIndexOf(newline, limit - 1) + 1;
}

/** The length of the first line of the batch, its newline included. */
export function firstLineBytes(batch: Uint8Array): number {
	const end = batch.indexOf(newline);
	return end === -1 ? batch.length : end + 1;
}

/**
 * The next step for a batch of whole lines (a buffer ending with a newline). A FILE last written
 * in an earlier period is rotated first ('period'). No file ever holds more than `max` bytes,
 * unless it holds exactly one line longer than `max`: that line goes alone into an empty file;
 * otherwise a FILE that the next line would overfill is rotated first ('size'). An empty FILE is
 * never rotated.
 */
export function nextStep(file: FileState, rules: RotationRules, batch: Uint8Array): Step {
	if (file.size > 0 && rules.periodStart !== undefined && file.mtimeMs < rules.periodStart) {
		return {kind: 'rotate', reason: 'period'};
	}

	const {max} = rules;
	if (max === undefined || file.size + batch.length <= max) {
		return {kind: 'write', bytes: batch.length};
	}

	const fits = wholeLinesWithin(batch, max - file.size);
	if (fits > 0) {
		return {kind: 'write', bytes: fits};
	}

	return file.size === 0 ? {kind: 'write', bytes: firstLineBytes(batch)} : {kind: 'rotate', reason: 'size'};
}

/** The smallest line there is: what maintenance asks about when no line is waiting. */
const smallestLine = Uint8Array.of(newline);

/** Time and size rules as the options give them, for callers that do not track periods. */
export type DueRules = {max?: number | undefined; interval?: Interval | undefined; zone?: Zone};

/** The rules of `now`: the period start of `interval` in `zone`. */
export function rulesAt(rules: DueRules, now: number): RotationRules {
	return {max: rules.max, periodStart: rules.interval ? periodOf(rules.interval, rules.zone, now).start : undefined};
}

/**
 * Whether FILE, as it is on disk, must be rotated before anything more is written, and why: it is
 * not empty and was last written in an earlier period than `now` ('period'), or it is full
 * ('size': not even the smallest line fits), or `force` asks for it ('forced'). An empty FILE is
 * never rotated.
 */
export function rotationDue(file: FileState, rules: DueRules, now: number, force = false): RotationReason | undefined {
	if (file.size === 0) {
		return undefined;
	}

	if (force) {
		return 'forced';
	}

	const step = nextStep(file, rulesAt(rules, now), smallestLine);
	return step.kind === 'rotate' ? step.reason : undefined;
}
