// Pure rotation decisions for one batch of whole lines (a buffer ending with a newline):
// what to write now, and when to rotate first.

const newline = 0x0a;

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

export type Step = {kind: 'write'; bytes: number} | {kind: 'rotate'};

/**
 * The next step for a batch, given the current file size and the size limit (undefined: none).
 * No file ever holds more than `max` bytes, unless it holds exactly one line longer than `max`:
 * that line goes alone into an empty file.
 */
export function nextStep(fileSize: number, max: number | undefined, batch: Uint8Array): Step {
	if (max === undefined || fileSize + batch.length <= max) {
		return {kind: 'write', bytes: batch.length};
	}

	const fits = wholeLinesWithin(batch, max - fileSize);
	if (fits > 0) {
		return {kind: 'write', bytes: fits};
	}

	return fileSize === 0 ? {kind: 'write', bytes: firstLineBytes(batch)} : {kind: 'rotate'};
}
