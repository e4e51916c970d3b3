// --timestamp: the prefix of each line. Pure: the time is a parameter. This is the only mode in
// which rotlog works per line: each line needs its own prefix, so it costs a copy of every batch;
// without it the hot path stays per batch.

export type TimestampFormat = 'iso' | 'unix';

function pad(value: number, width = 2): string {
	return String(value).padStart(width, '0');
}

/** ISO 8601 local time with milliseconds and the UTC offset: 2026-11-26T18:40:00.123+01:00. */
export function formatIso(time: Date): string {
	const offset = -time.getTimezoneOffset();
	const sign = offset < 0 ? '-' : '+';
	const hours = Math.floor(Math.abs(offset) / 60);
	const minutes = Math.abs(offset) % 60;
	return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`
		+ `T${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`
		+ `${sign}${pad(hours)}:${pad(minutes)}`;
}

/** Seconds since the epoch with milliseconds: 1764182400.123. */
export function formatUnix(time: Date): string {
	const milliseconds = time.getTime();
	return `${Math.floor(milliseconds / 1000)}.${pad(milliseconds % 1000, 3)}`;
}

export function formatTimestamp(format: TimestampFormat, time: Date): string {
	switch (format) {
		case 'iso': {
			return formatIso(time);
		}

		case 'unix': {
			return formatUnix(time);
		}
	}
}

/** Whole lines (ending with a newline) with `prefix` and a space before each one. */
export function stampLines(lines: Uint8Array, prefix: string): Buffer {
	const head = Buffer.from(`${prefix} `);
	let count = 0;
	for (let at = lines.indexOf(0x0a); at !== -1; at = lines.indexOf(0x0a, at + 1)) {
		count++;
	}

	const stamped = Buffer.allocUnsafe(lines.length + count * head.length);
	let from = 0;
	let to = 0;
	while (from < lines.length) {
		const end = lines.indexOf(0x0a, from) + 1;
		to += head.copy(stamped, to);
		stamped.set(lines.subarray(from, end), to);
		to += end - from;
		from = end;
	}

	return stamped;
}

/**
 * The bytes of `lines` whose stamped copy is the first `written` bytes of `stamped` (a short
 * write ends at a line end): the lines of `lines` up to as many newlines as that part of
 * `stamped` holds.
 */
export function unstampedBytes(lines: Uint8Array, stamped: Uint8Array, written: number): number {
	let from = 0;
	for (let end = stamped.indexOf(0x0a); end !== -1 && end < written; end = stamped.indexOf(0x0a, end + 1)) {
		from = lines.indexOf(0x0a, from) + 1;
	}

	return from;
}
