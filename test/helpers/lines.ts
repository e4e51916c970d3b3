// Test input: numbered lines whose every byte can be predicted (two formats: numberedLine's
// hashed padding, and the plain `w<writer>-<n> xxx...`), seeded random bytes, nasty input.

/** A small seeded generator (mulberry32): the same seed gives the same run every time. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6D_2B_79_F5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** A whole number in [0, below). */
export function randomBelow(random: () => number, below: number): number {
	return Math.floor(random() * below);
}

const fill = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Line `seq` of writer `writer` without its newline, e.g. `w3-000123-kkkkkk`: the padding's
 * length (0..60) and letter depend on both, so a torn or merged line cannot pass for a real one.
 */
export function numberedLine(writer: string, seq: number): string {
	let hash = seq * 7;
	for (const char of writer) {
		hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
	}

	return `${writer}-${String(seq).padStart(6, '0')}-${fill.charAt(hash % fill.length).repeat(hash % 61)}`;
}

/** Lines `from` .. `to - 1` of a writer, each ended by a newline. */
export function numberedLines(writer: string, count: number, from = 0): string {
	const lines: string[] = [];
	for (let seq = from; seq < from + count; seq++) {
		lines.push(numberedLine(writer, seq), '\n');
	}

	return lines.join('');
}

/**
 * Checks lines from several writers interleaved: every line is some writer's next line, so each
 * writer's lines appear exactly once and in order. Returns the problems found (at most `limit`)
 * and how many lines of each writer were seen.
 */
export function checkInterleaved(
	lines: readonly string[],
	writers: readonly string[],
	limit = 5,
): {problems: string[]; seen: Map<string, number>} {
	const seen = new Map(writers.map(writer => [writer, 0]));
	const problems: string[] = [];
	for (const [number, line] of lines.entries()) {
		const writer = /^([^-]*)-/.exec(line)?.[1] ?? '';
		const next = seen.get(writer);
		if (next === undefined || line !== numberedLine(writer, next)) {
			if (problems.length < limit) {
				problems.push(`line ${number} ${JSON.stringify(line.slice(0, 100))}: expected ${next === undefined ? 'a known writer' : JSON.stringify(numberedLine(writer, next))}`);
			}

			continue;
		}

		seen.set(writer, next + 1);
	}

	return {problems, seen};
}

/** Lines `w<writer>-<n>` and 20 x's (the plain format), numbered from `from`, each ended by a newline. */
export function plainNumberedLines(writer: number, from: number, count: number): string {
	let text = '';
	for (let n = from; n < from + count; n++) {
		text += `w${writer}-${n} ${'x'.repeat(20)}\n`;
	}

	return text;
}

/**
 * Checks plain numbered lines from several writers: each writer's lines once and in order, and
 * `perWriter[writer]` of them. Returns the first problem, or undefined.
 */
export function checkPlainNumbered(lines: readonly string[], perWriter: readonly number[]): string | undefined {
	const next = perWriter.map(() => 0);
	for (const line of lines) {
		const match = /^w(\d+)-(\d+) /.exec(line);
		if (!match) {
			return `unexpected line ${JSON.stringify(line)}`;
		}

		const writer = Number(match[1]);
		const number = Number(match[2]);
		if (next[writer] !== number) {
			return `writer ${writer}: expected line ${next[writer]}, found ${number}`;
		}

		next[writer] = number + 1;
	}

	const short = next.findIndex((count, writer) => count !== perWriter[writer]);
	return short === -1 ? undefined : `writer ${short}: ${next[short]} of ${perWriter[short]} lines`;
}

/** Random bytes, `newlines` of which (roughly, as a fraction) are 0x0a. */
export function randomBytes(random: () => number, length: number, newlines = 0): Buffer {
	const bytes = Buffer.alloc(length);
	for (let i = 0; i < length; i++) {
		bytes[i] = random() < newlines ? 0x0a : randomBelow(random, 256);
	}

	return bytes;
}

/** Random bytes without any newline: the body of one long line. */
export function lineBody(random: () => number, length: number): Buffer {
	const bytes = Buffer.alloc(length);
	for (let i = 0; i < length; i++) {
		const byte = randomBelow(random, 255);
		bytes[i] = byte >= 0x0a ? byte + 1 : byte;
	}

	return bytes;
}

/**
 * Input no text decoder survives: invalid UTF-8, NUL, CR, CRLF, empty lines, a line of only CR,
 * a BOM, random bytes, and optionally one long line of `long` bytes; it does not end with a newline.
 */
export function nastyInput(seed: number, long = 0): Buffer {
	const random = seededRandom(seed);
	const parts: Buffer[] = [
		Buffer.from('\uFEFFplain text\n', 'utf8'),
		Buffer.from([0xFF, 0xFE, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x0A]),
		Buffer.from('\0\0nul\0inside\n'),
		Buffer.from('crlf line\r\n'),
		Buffer.from('\n\n\n'),
		Buffer.from('\r\n\r\r\n'),
		Buffer.from('lone cr\rin the middle\n'),
		Buffer.from('caf\u00E9 \u{1F600} half a smiley: ', 'utf8'),
		Buffer.from([0xF0, 0x9F, 0x98, 0x0A]),
		randomBytes(random, 700, 0.05),
	];
	if (long > 0) {
		parts.push(Buffer.from('\n'), lineBody(random, long), Buffer.from('\n'));
	}

	parts.push(randomBytes(random, 300, 0.05), Buffer.from('\n\r\0last line without newline \xFF', 'latin1'));
	return Buffer.concat(parts);
}
