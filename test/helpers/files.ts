// Reading what rotlog wrote: FILE and its numbered archives FILE.1 (newest) .. FILE.N (oldest),
// raw or compressed (FILE.N.gz, .br, .zst), decompressed by suffix; and the names and mtimes of
// a log's files.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export type Archive = {index: number; path: string; extension: string};

/**
 * The bytes of a log file, decompressed when its name ends in .gz, .br or .zst (zstd through
 * node:zlib where Node has it, else the zstd program).
 */
export function readLogFile(name: string): Buffer {
	const bytes = fs.readFileSync(name);
	if (name.endsWith('.gz')) {
		return zlib.gunzipSync(bytes);
	}

	if (name.endsWith('.br')) {
		return zlib.brotliDecompressSync(bytes);
	}

	if (name.endsWith('.zst')) {
		const modern = zlib as unknown as {zstdDecompressSync?: (bytes: Buffer) => Buffer};
		return modern.zstdDecompressSync ? modern.zstdDecompressSync(bytes) : execFileSync('zstd', ['-dcq'], {input: bytes, maxBuffer: 1 << 30});
	}

	return bytes;
}

/** A log file's text (UTF-8), decompressed by suffix; '' when the file does not exist (yet). */
export function readText(file: string): string {
	try {
		return readLogFile(file).toString('utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return '';
		}

		throw error;
	}
}

/**
 * FILE's numbered archives, newest first (FILE.1, FILE.2, ...), raw or compressed. Every archive
 * file is listed: a raw archive next to its compressed copy (a compression not yet finished)
 * appears twice under one index, so a test reading the log after its writers exited sees the
 * duplicate rather than having it hidden.
 */
export function archivesOf(file: string): Archive[] {
	const base = path.basename(file);
	const archives: Archive[] = [];
	for (const name of fs.readdirSync(path.dirname(file))) {
		const match = /^\.([1-9]\d*)(\.gz|\.br|\.zst)?$/.exec(name.slice(base.length));
		if (name.startsWith(base) && match) {
			archives.push({index: Number(match[1]), path: path.join(path.dirname(file), name), extension: match[2] ?? ''});
		}
	}

	return archives.sort((a, b) => a.index - b.index || a.extension.localeCompare(b.extension));
}

/** Every file of the log, oldest first: FILE.N .. FILE.1, then FILE if it exists. */
export function logFiles(file: string): string[] {
	const files = archivesOf(file).reverse().map(archive => archive.path);
	if (fs.existsSync(file)) {
		files.push(file);
	}

	return files;
}

/**
 * The newlines in the whole log, archives decompressed, for polls while writers run: -1 when a
 * file was rotated away between the listing and its read (the next poll counts it).
 */
export function countNewlines(file: string): number {
	let count = 0;
	try {
		for (const name of logFiles(file)) {
			const bytes = readLogFile(name);
			for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
				count++;
			}
		}
	} catch {
		return -1;
	}

	return count;
}

/** The whole log as one buffer, oldest bytes first, archives decompressed. */
export function readLog(file: string): Buffer {
	return Buffer.concat(logFiles(file).map(name => readLogFile(name)));
}

/** Every line of the log, oldest first, archives decompressed, without newlines. */
export function allLines(file: string): string[] {
	return linesOf(readLog(file));
}

/** Bytes -> lines, byte for byte (latin1 maps each byte to one character); a final newline ends the last line. */
export function linesOf(bytes: Uint8Array): string[] {
	const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
	const lines = text.split('\n');
	if (lines.at(-1) === '') {
		lines.pop();
	}

	return lines;
}

/** File sizes in bytes, by path. */
export function sizesOf(files: readonly string[]): Map<string, number> {
	return new Map(files.map(name => [name, fs.statSync(name).size]));
}

/** Sets a file's mtime (and atime) to `ms`. */
export function setMtime(file: string, ms: number): void {
	fs.utimesSync(file, new Date(ms), new Date(ms));
}

/** The names in `directory` that start with `base` (its lock file left out), sorted. */
export function logNames(directory: string, base: string): string[] {
	return fs.readdirSync(directory).filter(name => name.startsWith(base) && name !== `${base}.lock`).sort();
}
