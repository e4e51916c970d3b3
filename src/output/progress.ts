// What a long write says about itself: a live status line while stderr is a terminal, redrawn at
// most every 500 ms and erased at the end, and with --verbose one summary line at exit. Nothing
// is counted unless one of them is shown: the counts cost a scan of each batch for newlines.

/** What the write mode has done so far. */
export type WriteCounts = {
	lines: number;
	bytes: number;
	rotations: number;
	/** Archives handed to compression and not yet final. */
	pending: number;
};

/** 1536 -> '1.5 KiB'; binary units, as --max takes them. */
export function humanBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]!}`;
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The live line: `rotlog: 1200 lines/s, 3.4 MiB, 2 rotations, 1 compression pending`. */
export function statusLine(counts: WriteCounts, linesPerSecond: number): string {
	const parts = [`${Math.round(linesPerSecond)} lines/s`, humanBytes(counts.bytes), plural(counts.rotations, 'rotation')];
	if (counts.pending > 0) {
		parts.push(`${plural(counts.pending, 'compression')} pending`);
	}

	return `rotlog: ${parts.join(', ')}`;
}

/** The --verbose summary: `rotlog: 3 lines, 12 bytes, 0 rotations in 0.2 s`. */
export function summaryLine(counts: WriteCounts, elapsedMs: number): string {
	return `rotlog: ${plural(counts.lines, 'line')}, ${plural(counts.bytes, 'byte')}, ${plural(counts.rotations, 'rotation')} in ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** Newlines in `bytes`: the lines of a batch of whole lines. */
export function countLines(bytes: Uint8Array): number {
	let lines = 0;
	for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
		lines++;
	}

	return lines;
}

/** Where the live line goes: process.stderr, or a test's fake. */
export type StatusStream = {write(text: string): unknown; columns?: number | undefined};

/** `\r`, then clear to the end of the line (ECMA-48 EL). */
const erase = '\r\u001B[K';

/**
 * The live status line on a terminal: `tick()` redraws it (a timer calls it every 500 ms), `clear()`
 * erases it before another line is printed, `end()` erases it for good.
 */
export class LiveStatus {
	private shown = false;
	private lastLines = 0;
	private lastTime: number;
	private ended = false;

	constructor(private readonly stream: StatusStream, private readonly counts: () => WriteCounts, private readonly clock: () => number) {
		this.lastTime = clock();
	}

	tick(): void {
		if (this.ended) {
			return;
		}

		const now = this.clock();
		const counts = this.counts();
		const seconds = Math.max(now - this.lastTime, 1) / 1000;
		const line = statusLine(counts, (counts.lines - this.lastLines) / seconds);
		this.lastLines = counts.lines;
		this.lastTime = now;
		// Never wider than the terminal: a wrapped line would not be erased by the next `\r`.
		const width = (this.stream.columns || 80) - 1;
		this.stream.write(`${erase}${line.length > width ? line.slice(0, width) : line}`);
		this.shown = true;
	}

	clear(): void {
		if (this.shown) {
			this.stream.write(erase);
			this.shown = false;
		}
	}

	end(): void {
		this.clear();
		this.ended = true;
	}
}
