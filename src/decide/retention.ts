// Pure retention: archives (newest first, with their stored sizes and mtimes) plus the rules and
// `now` give the names to delete. --keep, --max-age and --max-total apply together. FILE is
// never deleted, nor an archive whose compression is in progress.

export type RetentionRules = {
	/** At most this many archives. */
	keep?: number | undefined;
	/** Delete archives whose newest line (mtime) is older than this many milliseconds. */
	maxAge?: number | undefined;
	/** Archives plus FILE, as stored, at most this many bytes. */
	maxTotal?: number | undefined;
};

/** One logical archive: every name it has on disk (e.g. FILE.1 and FILE.1.gz during a swap). */
export type StoredArchive = {
	names: string[];
	/** Bytes of all its names together. */
	size: number;
	/** Its newest mtime. */
	mtimeMs: number;
};

export type RetentionInput = {
	/** Newest first. */
	archives: readonly StoredArchive[];
	/** FILE's size (0 when absent); it counts toward --max-total but is never deleted. */
	fileSize: number;
	rules: RetentionRules;
	now: number;
	/** Names that must not be deleted, e.g. an archive being compressed right now. */
	inProgress?: ReadonlySet<string> | undefined;
};

/** The names to delete, oldest archive first. */
export function planRetention(input: RetentionInput): string[] {
	const {archives, rules, now} = input;
	const inProgress = input.inProgress ?? new Set<string>();
	const doomed = new Set<number>();

	for (const [rank, archive] of archives.entries()) {
		if (rules.keep !== undefined && rank >= rules.keep) {
			doomed.add(rank);
		}

		if (rules.maxAge !== undefined && archive.mtimeMs < now - rules.maxAge) {
			doomed.add(rank);
		}
	}

	if (rules.maxTotal !== undefined) {
		let total = input.fileSize;
		for (const [rank, archive] of archives.entries()) {
			if (!doomed.has(rank) || isProtected(archive, inProgress)) {
				total += archive.size;
			}
		}

		// Oldest first, until the rest fits.
		for (let rank = archives.length - 1; rank >= 0 && total > rules.maxTotal; rank--) {
			const archive = archives[rank]!;
			if (!doomed.has(rank) && !isProtected(archive, inProgress)) {
				doomed.add(rank);
				total -= archive.size;
			}
		}
	}

	const names: string[] = [];
	for (let rank = archives.length - 1; rank >= 0; rank--) {
		const archive = archives[rank]!;
		if (doomed.has(rank) && !isProtected(archive, inProgress)) {
			names.push(...archive.names);
		}
	}

	return names;
}

function isProtected(archive: StoredArchive, inProgress: ReadonlySet<string>): boolean {
	return archive.names.some(name => inProgress.has(name));
}
