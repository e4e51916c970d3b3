// Listing a log's directory, with the one-line error every command reports when it cannot.
import fs from 'node:fs';
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
