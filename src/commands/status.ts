// `rotlog status FILE`: the current file, each archive with the time range it covers, and whether
// the writers' lock is held right now. A table for people, --json for scripts.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from '../log/directory.js';
import {codecExtensions, extensionOf} from '../decide/extensions.js';
import {findArchives} from '../decide/numbered-names.js';
import {archiveGroups} from '../decide/archives.js';
import {warn} from '../errors.js';
import {isLockHeld} from '../log/lock.js';
import {writersCount, writersLive} from '../log/presence.js';
import {humanBytes} from '../output/progress.js';
import type {Naming} from '../decide/date-names.js';

/** `naming`: how the writers name archives (numbered by default). */
export type StatusOptions = {
	file: string;
	lockPath: string;
	json: boolean;
	naming?: Naming | undefined;
	/** Times in the table in UTC rather than local time (TZ). */
	utc?: boolean | undefined;
};

export type FileStatus = {
	name: string;
	path: string;
	size: number;
	/** Last write (mtime), ISO 8601. */
	modified: string;
	/** When the lines in it began: the last write of the next older file (undefined: the oldest). */
	from: string | null;
	/** The archive's rank, newest first (0 for FILE itself; with numbered names, its number) and its compression suffix. */
	index: number;
	extension: string;
	/** Compressed archives: bytes before compression, when the format records it (gzip); else null. */
	uncompressedSize: number | null;
};

export type Status = {
	file: string;
	/** FILE; null when it does not exist. */
	current: FileStatus | null;
	/** Newest first: FILE.1, FILE.2, ... (or the date names, newest first). */
	archives: FileStatus[];
	lock: {path: string; held: boolean | null};
	/**
	 * Whether writers are live now (each holds a presence lock for its life), and how many (from
	 * /proc/locks); null: cannot tell.
	 */
	writers: {live: boolean | null; count: number | null};
	totalBytes: number;
};

export function collectStatus(file: string, lockPath: string, naming?: Naming): Status {
	const directory = path.dirname(file);
	const base = path.basename(file);
	const names = readNames(directory);

	const entries: Array<{name: string; index: number; extension: string; stats: fs.Stats}> = [];
	const add = (name: string, index: number, extension: string) => {
		const stats = fs.statSync(path.join(directory, name), {throwIfNoEntry: false});
		if (stats) {
			entries.push({name, index, extension, stats});
		}
	};

	add(base, 0, '');
	// Numbered archives keep their number, gaps included; date archives are ranked newest first.
	const numbers = new Map(findArchives(base, names).map(archive => [archive.name, archive.index]));
	for (const [position, group] of archiveGroups(base, {naming}, names).entries()) {
		for (const name of [...group].sort((a, b) => a.localeCompare(b))) {
			add(name, naming?.kind === 'date' ? position + 1 : numbers.get(name) ?? position + 1, extensionOf(name));
		}
	}

	const statuses = entries.map((entry, position): FileStatus => {
		const older = entries.slice(position + 1).find(other => other.index > entry.index);
		return {
			name: entry.name,
			path: path.join(directory, entry.name),
			size: entry.stats.size,
			modified: entry.stats.mtime.toISOString(),
			from: older ? older.stats.mtime.toISOString() : null,
			index: entry.index,
			extension: entry.extension,
			uncompressedSize: entry.extension === codecExtensions.gzip ? gzipSize(path.join(directory, entry.name), entry.stats.size) : null,
		};
	});
	const current = statuses[0]?.index === 0 ? statuses[0] : null;
	return {
		file,
		current,
		archives: statuses.filter(status => status.index > 0),
		lock: {path: lockPath, held: lockHeld(lockPath)},
		writers: writers(lockPath),
		totalBytes: statuses.reduce((sum, status) => sum + status.size, 0),
	};
}

/** Live writers and their number; the number is null when /proc/locks does not show the live ones. */
function writers(lockPath: string): Status['writers'] {
	const live = writersLive(lockPath);
	if (live !== true) {
		return {live: live ?? null, count: live === false ? 0 : null};
	}

	// Counted after the probe: a writer that ended in between would leave 0 beside "live".
	const count = writersCount(lockPath);
	return {live, count: count === undefined || count === 0 ? null : count};
}

/** gzip's trailer holds the input size modulo 2^32 (RFC 1952, ISIZE). */
function gzipSize(file: string, size: number): number | null {
	if (size < 18) {
		return null;
	}

	try {
		const fd = fs.openSync(file, 'r');
		try {
			const trailer = Buffer.alloc(4);
			fs.readSync(fd, trailer, 0, 4, size - 4);
			return trailer.readUInt32LE(0);
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return null;
	}
}

/** Is the writers' lock held right now? null: the lock file cannot be opened. */
function lockHeld(lockPath: string): boolean | null {
	try {
		return isLockHeld(lockPath) ?? false;
	} catch {
		return null;
	}
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A time as `ls -l` shows it, in local time (TZ), or in UTC with a Z. */
function shortTime(iso: string | null, utc: boolean): string {
	if (iso === null) {
		return '-';
	}

	if (utc) {
		return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
	}

	const time = new Date(iso);
	return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

export function renderTable(status: Status, utc = false): string {
	const rows = [['NAME', 'SIZE', 'RATIO', 'FROM', 'LAST WRITE']];
	for (const entry of [...(status.current ? [status.current] : []), ...status.archives]) {
		const ratio = entry.uncompressedSize ? `${(entry.size / entry.uncompressedSize * 100).toFixed(0)}%` : '-';
		rows.push([entry.name, humanBytes(entry.size), ratio, shortTime(entry.from, utc), shortTime(entry.modified, utc)]);
	}

	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)));
	const lines = rows.map(row => row.map((cell, column) => column === 1 || column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)).join('  ').trimEnd());
	if (!status.current) {
		lines.push(`${status.file}: does not exist`);
	}

	const {live: isLive, count} = status.writers;
	const live = isLive === null ? 'cannot be checked' : (isLive ? (count === null ? 'live now' : `${count} live`) : 'none live');
	lines.push(`writers: ${live}`);
	const held = status.lock.held === null ? 'cannot be checked' : (status.lock.held ? 'held now' : 'free');
	lines.push(`total ${humanBytes(status.totalBytes)} in ${status.archives.length} archive(s); lock ${status.lock.path}: ${held}`);
	return `${lines.join('\n')}\n`;
}

/** Prints the status; exit status 1 when there is no log at all (neither FILE nor an archive). */
export async function runStatus(options: StatusOptions): Promise<number> {
	const status = collectStatus(options.file, options.lockPath, options.naming);
	process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : renderTable(status, options.utc ?? false));
	if (status.current === null && status.archives.length === 0) {
		warn(`no log at '${options.file}': neither it nor an archive of it exists`);
		return 1;
	}

	return 0;
}
