// Shared by the time-rotation and retention end-to-end tests: temp dirs, the binary, polling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {readLogFile} from '../helpers/files.js';

export const rotlog = new URL('../../../bin/rotlog', import.meta.url).pathname;

export function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-period-'));
}

/** Runs rotlog to completion with `input` on stdin. */
export async function run(args: readonly string[], input: string) {
	return execa(rotlog, args, {input, reject: false});
}

/** Polls `condition` every few milliseconds until it holds; fails after `timeout`. */
export async function until(condition: () => boolean, what: string, timeout = 30_000): Promise<void> {
	const deadline = Date.now() + timeout;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 2);
		});
	}
}

/** A log file's text, decompressed when its name ends in .gz, .br or .zst; '' when it is missing. */
export function read(file: string): string {
	try {
		return readLogFile(file).toString('utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return '';
		}

		throw error;
	}
}

/** Sets a file's mtime (and atime) to `ms`. */
export function setMtime(file: string, ms: number): void {
	fs.utimesSync(file, new Date(ms), new Date(ms));
}

/** The names in `directory` that start with `prefix` (the lock file left out), sorted. */
export function logNames(directory: string, base: string): string[] {
	return fs.readdirSync(directory).filter(name => name.startsWith(base) && name !== `${base}.lock`).sort();
}
