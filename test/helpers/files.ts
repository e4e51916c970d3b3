// Reading what rotlog wrote: FILE and its numbered archives FILE.1 (newest) .. FILE.N (oldest).
import fs from 'node:fs';
import path from 'node:path';

export type Archive = {index: number; path: string};

/** FILE's plain numbered archives, newest first (FILE.1, FILE.2, ...). */
export function archivesOf(file: string): Archive[] {
	const base = path.basename(file);
	const archives: Archive[] = [];
	for (const name of fs.readdirSync(path.dirname(file))) {
		const match = /^\.([1-9]\d*)$/.exec(name.slice(base.length));
		if (name.startsWith(base) && match) {
			archives.push({index: Number(match[1]), path: path.join(path.dirname(file), name)});
		}
	}

	return archives.sort((a, b) => a.index - b.index);
}

/** Every file of the log, oldest first: FILE.N .. FILE.1, then FILE if it exists. */
export function logFiles(file: string): string[] {
	const files = archivesOf(file).reverse().map(archive => archive.path);
	if (fs.existsSync(file)) {
		files.push(file);
	}

	return files;
}

/** The whole log as one buffer, oldest bytes first. */
export function readLog(file: string): Buffer {
	return Buffer.concat(logFiles(file).map(name => fs.readFileSync(name)));
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
