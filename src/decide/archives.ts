// Pure naming of a log's archives, numbered or dated: the options that say how archives are named
// and kept, and which names in a directory are FILE's archives, newest first. Writers, `check`,
// `status`, `cat` and compression recovery all recognise archives through this one module.
import {dateArchivesNewestFirst, defaultDateFormat, formatStamp, type Naming} from './date-names.js';
import {findArchives} from './numbered-names.js';
import {type Interval, periodOf, type Zone} from './period.js';

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

/** The naming for --name and --date-format, the format defaulting by interval. */
export function namingFor(kind: 'numbered' | 'date' | undefined, format: string | undefined, interval: Interval | undefined): Naming {
	return kind === 'date' ? {kind: 'date', format: format ?? defaultDateFormat(interval)} : {kind: 'numbered'};
}
