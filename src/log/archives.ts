// The file-system side of date names and retention, run under the lock by rotation.ts and
// maintenance.ts: read names, sizes and mtimes, let the pure planners decide, carry it out.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from './directory.js';
import {findArchives} from '../decide/numbered-names.js';
import {errnoCode, fsFailure} from '../errors.js';
import {dateArchiveName, dateArchivesNewestFirst, defaultDateFormat, formatStamp, type Naming} from '../decide/date-names.js';
import {type Interval, periodOf, type Zone} from '../decide/period.js';
import {planRetention, type RetentionRules, type StoredArchive} from '../decide/retention.js';

/** How archives are named and kept, beyond the numbered scheme of the core. */
export type ArchiveOptions = {
	/** Default: numbered. */
	naming?: Naming | undefined;
	interval?: Interval | undefined;
	/** Zone of periods and stamps; undefined: local time (TZ). */
	zone?: Zone;
	maxAge?: number | undefined;
	maxTotal?: number | undefined;
	/**
	 * Hook for compression: given the directory's names, the archive names that must not be
	 * deleted now because they are being compressed. Default: none.
	 */
	inProgress?: ((names: readonly string[]) => ReadonlySet<string>) | undefined;
};

export function dateFormatOf(options: ArchiveOptions): string | undefined {
	return options.naming?.kind === 'date' ? options.naming.format : undefined;
}

/** The stamp of an archive last written at `mtimeMs`: the start of that period. */
export function stampFor(options: ArchiveOptions, format: string, mtimeMs: number): string {
	const instant = options.interval ? periodOf(options.interval, options.zone, mtimeMs).start : mtimeMs;
	return formatStamp(format, options.zone, instant);
}

/** The date name (in FILE's directory) FILE takes now, from its mtime and the names present. */
export function dateTarget(file: string, format: string, options: ArchiveOptions, names: readonly string[]): string {
	let mtimeMs: number;
	try {
		// Absent (removed by hand): any name will do, the rename finds nothing to move.
		mtimeMs = fs.statSync(file, {throwIfNoEntry: false})?.mtimeMs ?? 0;
	} catch (error) {
		throw fsFailure('stat', file, error);
	}

	return dateArchiveName(path.basename(file), format, stampFor(options, format, mtimeMs), names);
}

/** FILE's archives under the active naming, newest first, each with every name it has. */
export function archiveGroups(base: string, options: ArchiveOptions, names: readonly string[]): string[][] {
	const format = dateFormatOf(options);
	if (format !== undefined) {
		return dateArchivesNewestFirst(base, format, names).map(group => group.names);
	}

	const byIndex = new Map<number, string[]>();
	for (const archive of findArchives(base, names)) {
		byIndex.set(archive.index, [...byIndex.get(archive.index) ?? [], archive.name]);
	}

	return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** Applies --keep, --max-age and --max-total to FILE's archives; returns the deleted paths. */
export function applyRetention(file: string, keep: number, options: ArchiveOptions, now: number): string[] {
	// Sizes and mtimes only matter to --max-age and --max-total.
	const measure = options.maxAge !== undefined || options.maxTotal !== undefined;

	const directory = path.dirname(file);
	const base = path.basename(file);
	const names = readNames(directory);
	const inDirectory = (name: string) => path.join(directory, name);

	const archives: StoredArchive[] = [];
	for (const group of archiveGroups(base, options, names)) {
		const archive: StoredArchive = {names: [], size: 0, mtimeMs: Number.NEGATIVE_INFINITY};
		for (const name of group) {
			const stats = measure ? fs.lstatSync(inDirectory(name), {throwIfNoEntry: false}) : {size: 0, mtimeMs: 0};
			if (stats) {
				archive.names.push(name);
				archive.size += stats.size;
				archive.mtimeMs = Math.max(archive.mtimeMs, stats.mtimeMs);
			}
		}

		if (archive.names.length > 0) {
			archives.push(archive);
		}
	}

	const rules: RetentionRules = {keep, maxAge: options.maxAge, maxTotal: options.maxTotal};
	const fileSize = fs.statSync(file, {throwIfNoEntry: false})?.size ?? 0;
	const doomed = planRetention({archives, fileSize, rules, now, inProgress: options.inProgress?.(names)});
	const deleted: string[] = [];
	for (const name of doomed) {
		try {
			fs.unlinkSync(inDirectory(name));
			deleted.push(inDirectory(name));
		} catch (error) {
			if (errnoCode(error) !== 'ENOENT') {
				throw fsFailure('remove', inDirectory(name), error);
			}
		}
	}

	return deleted;
}

/** The naming for --name and --date-format, the format defaulting by interval. */
export function namingFor(kind: 'numbered' | 'date' | undefined, format: string | undefined, interval: Interval | undefined): Naming {
	return kind === 'date' ? {kind: 'date', format: format ?? defaultDateFormat(interval)} : {kind: 'numbered'};
}
