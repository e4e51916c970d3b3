// Listing a log's directory, with the one-line error every command reports when it cannot.
import fs from 'node:fs';
import path from 'node:path';
import {errnoCode, fsFailure} from '../errors.js';

/**
 * The names in `directory`. A failure is a one-line error naming the directory; with
 * `missingOk`, a directory that is not there (or is not a directory) simply has no names.
 */
export function readNames(directory: string, options: {missingOk?: boolean} = {}): string[] {
	try {
		return fs.readdirSync(directory);
	} catch (error) {
		const code = errnoCode(error);
		if (options.missingOk && (code === 'ENOENT' || code === 'ENOTDIR')) {
			return [];
		}

		throw fsFailure('read directory', directory, error);
	}
}

/**
 * The names in FILE's directory that can be its own: FILE, its archives (numbered or dated, they
 * all begin with FILE's name) and its compression temps (a dot, then FILE's name). A check over
 * hundreds of logs in one directory otherwise matched every log's patterns against every log's
 * names, more work than the listing itself.
 */
export function logNames(file: string, options: {missingOk?: boolean} = {}): string[] {
	const base = path.basename(file);
	const hidden = `.${base}`;
	return readNames(path.dirname(file), options).filter(name => name.startsWith(base) || name.startsWith(hidden));
}
