// The suffixes of compressed archives: one list, which the codecs, the archive names, the readers
// and the compression recovery all take theirs from.

/** Each codec's suffix. */
export const codecExtensions = {gzip: '.gz', brotli: '.br', zstd: '.zst'} as const;

/** Suffixes an archive may carry once compressed. */
export const archiveExtensions: readonly string[] = Object.values(codecExtensions);

/** A compressed name's extension (`.gz`, `.br`, `.zst`), or '' for an uncompressed one. */
export function extensionOf(name: string): string {
	return archiveExtensions.find(extension => name.endsWith(extension)) ?? '';
}
