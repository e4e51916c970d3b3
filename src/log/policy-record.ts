// A log remembers its policy: the writers record their options (as text, the way the command line
// spells them) in the lock file, so that `check`, `rotate`, `status` and `cat` run bare on FILE do
// what its writers do. One JSON line, written under the writers' lock and read without it: a
// reader takes the text up to the first newline, so a record being rewritten reads as the old
// one, the new one, or (rarely, mid-write) none.
import fs from 'node:fs';
import {fsFailure} from '../errors.js';

/** Option name (as on the command line, without dashes) -> its value as text. */
export type PolicyRecord = Record<string, string>;

/** Larger than any record rotlog writes; a larger lock file is not ours to parse. */
const recordLimit = 64 * 1024;
const openFlags = fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/** The record in the lock file at `lockPath`; undefined when there is none (or it is not rotlog's). */
export function readRecord(lockPath: string): PolicyRecord | undefined {
	let fd: number;
	try {
		fd = fs.openSync(lockPath, fs.constants.O_RDONLY | openFlags);
	} catch {
		return undefined;
	}

	try {
		const stats = fs.fstatSync(fd);
		if (!stats.isFile() || stats.size === 0 || stats.size > recordLimit) {
			return undefined;
		}

		const buffer = Buffer.alloc(stats.size);
		const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
		const text = buffer.subarray(0, read).toString('utf8');
		const end = text.indexOf('\n');
		return end === -1 ? undefined : parseRecord(text.slice(0, end));
	} catch {
		return undefined;
	} finally {
		fs.closeSync(fd);
	}
}

function parseRecord(line: string): PolicyRecord | undefined {
	try {
		const document = JSON.parse(line) as unknown;
		if (typeof document !== 'object' || document === null || (document as {rotlog?: unknown}).rotlog !== 1) {
			return undefined;
		}

		const policy = (document as {policy?: unknown}).policy;
		if (typeof policy !== 'object' || policy === null) {
			return undefined;
		}

		const record: PolicyRecord = {};
		for (const [key, value] of Object.entries(policy)) {
			if (typeof value === 'string') {
				record[key] = value;
			}
		}

		return record;
	} catch {
		return undefined;
	}
}

/** Under the writers' lock: the lock file's record becomes `record`. */
export function writeRecord(lockPath: string, record: PolicyRecord): void {
	const text = Buffer.from(`${JSON.stringify({rotlog: 1, policy: record})}\n`);
	let fd: number;
	try {
		fd = fs.openSync(lockPath, fs.constants.O_WRONLY | openFlags);
	} catch (error) {
		throw fsFailure('record the policy in', lockPath, error);
	}

	try {
		if (!fs.fstatSync(fd).isFile()) {
			return;
		}

		// The new line first, then the rest cut: a reader sees one whole line at every moment.
		fs.writeSync(fd, text, 0, text.length, 0);
		fs.ftruncateSync(fd, text.length);
	} catch (error) {
		throw fsFailure('record the policy in', lockPath, error);
	} finally {
		fs.closeSync(fd);
	}
}
