// Pure: which archives a follower (`rotlog cat -f`) has not read yet, after the file it followed
// was rotated away. A file's identity alone cannot say: compression replaces a raw archive by
// RAW.gz, a new file, and a follower slower than the compression never sees the raw name again.
// Two facts survive compression: an archive's place in the naming order, and its mtime (the time
// of its newest line, which the compression copies, to the millisecond).
//
// Identities are keys (compress/protocol.ts archiveKey), not inodes: ext4 hands a freed inode to
// the next file made, so the .gz of one archive may carry the inode of another, read and
// compressed since; by inode that .gz looked read, and the follower skipped or re-read archives.
//
// The rule: the archives newest first are some unread ones (made after the file read last),
// then the ones already read, in the order they were read, up to where retention stopped keeping
// them. So the unread ones are the fewest newest archives such that every older archive lines up
// with the files read, newest with newest: the same key (a raw archive still raw, a compressed
// one read compressed), or, for a compressed archive no file read had the key of, the same mtime.
// Only archives that may be newer than the file read last can be unread: an unknown raw
// archive, or one whose mtime is not older than that file's.

/** An archive as the follower lists it: all names of one archive (FILE.3 and FILE.3.gz mid-swap). */
export type ListedArchive = {
	/** The identity keys of its names' files. */
	keys: readonly string[];
	/** One of its names is uncompressed. */
	raw: boolean;
	/** Its mtime: the time of its newest line. */
	mtimeMs: number;
};

/** A file the follower read, with the keys it had and its mtime once it was no longer written. */
export type ReadFile = {keys: readonly string[]; mtimeMs: number};

export type Successors = {
	/** `listing[0 .. unread)` (newest first) were not read: read them oldest first. */
	unread: number;
	/** The file read last is among the archives (false: deleted, by retention or by hand). */
	found: boolean;
	/**
	 * The file read last is gone and every archive left is newer: retention deleted it, and may
	 * have deleted archives made after it before the follower read them.
	 */
	gap: boolean;
};

/**
 * Whether a compressed archive's mtime is that of a file read raw: compression copies it through
 * a Date (Node rounds stat times to the millisecond there), so the copy has the raw mtime or that
 * rounded; the slack absorbs the float error of going through seconds and nanoseconds.
 */
export function sameTime(archive: number, read: number): boolean {
	return Math.abs(archive - read) < 0.01 || Math.abs(archive - Math.round(read)) < 0.01;
}

/**
 * The archives in `listing` (newest first, under the naming) not read yet, given the files
 * `read` (oldest first; the last one is the file followed until now).
 */
export function successors(listing: readonly ListedArchive[], read: readonly ReadFile[]): Successors {
	const last = read.at(-1);
	if (last === undefined) {
		return {unread: listing.length, found: false, gap: false};
	}

	const owners = new Map<string, number>();
	for (const [position, file] of read.entries()) {
		for (const key of file.keys) {
			owners.set(key, position);
		}
	}

	const owner = (archive: ListedArchive) => {
		for (const key of archive.keys) {
			const position = owners.get(key);
			if (position !== undefined) {
				return position;
			}
		}

		return undefined;
	};

	// Archive `archive` is (a compressed copy of) read[position].
	const isRead = (archive: ListedArchive, position: number) => {
		const known = owner(archive);
		if (known !== undefined) {
			return known === position;
		}

		// An uncompressed archive keeps its key: one no file read had was never read.
		return !archive.raw && sameTime(archive.mtimeMs, read[position]!.mtimeMs);
	};

	const linesUp = (unread: number) => listing.slice(unread).every((archive, offset) => {
		const position = read.length - 1 - offset;
		return position >= 0 && isRead(archive, position);
	});

	let newer = 0;
	while (newer < listing.length) {
		const archive = listing[newer]!;
		if (owner(archive) !== undefined || (!archive.raw && archive.mtimeMs < Math.min(last.mtimeMs, Math.round(last.mtimeMs)) - 0.01)) {
			break;
		}

		newer++;
	}

	for (let unread = 0; unread <= newer && unread < listing.length; unread++) {
		if (linesUp(unread)) {
			return {unread, found: true, gap: false};
		}
	}

	return {unread: newer, found: false, gap: newer === listing.length && newer > 0};
}
