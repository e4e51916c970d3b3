// Property tests (issue 7), with fast-check: framing is the same for any chunking of any bytes and
// any prefix a full disk lets through; a rotation plan keeps the newest archives and loses nothing
// else; periods hold their instant, are aligned, and never go back in time.
import test from 'ava';
import fc from 'fast-check';
import {archiveExtensions} from '../../src/decide/extensions.js';
import {findArchives, planRotation} from '../../src/decide/numbered-names.js';
import {LineFramer} from '../../src/input/framing.js';
import {LineMerge} from '../../src/input/merge.js';
import {dayNumber, type Interval, periodKey, periodOf, wallClock} from '../../src/decide/period.js';

const newline = 0x0a;

/** Bytes with plenty of newlines (and every other byte value). */
const bytes = fc.uint8Array({maxLength: 2000}).chain(body => fc.uint8Array({minLength: body.length, maxLength: body.length}).map(mask => {
	const out = Uint8Array.from(body);
	for (let i = 0; i < out.length; i++) {
		if (mask[i]! < 20) {
			out[i] = newline;
		}
	}

	return out;
}));

/** `input` cut at the given offsets. */
function cut(input: Uint8Array, offsets: number[]): Uint8Array[] {
	const points = [0, ...offsets.map(offset => offset % (input.length + 1)).sort((a, b) => a - b), input.length];
	return points.slice(1).map((end, at) => input.subarray(points[at], end));
}

function expected(input: Uint8Array): Buffer {
	return input.length === 0 || input.at(-1) === newline ? Buffer.from(input) : Buffer.concat([input, Buffer.from('\n')]);
}

test('framing: any chunking of any bytes, taken in any line-aligned prefixes, yields the input\'s lines', t => {
	fc.assert(fc.property(bytes, fc.array(fc.nat(), {maxLength: 40}), fc.array(fc.nat(), {maxLength: 40}), fc.nat({max: 64}), (input, offsets, takes, capacity) => {
		const framer = new LineFramer(1 + capacity);
		const out: Buffer[] = [];
		let turn = 0;
		// A `take` that, like a full disk, sometimes takes only some whole lines (or none).
		const take = (lines: Buffer): number => {
			if (lines.at(-1) !== newline) {
				throw new Error('offered bytes that do not end a line');
			}

			// The disk frees up in the end: once the planned choices are used up, everything is taken.
			const choice = takes[turn++] ?? 0;
			let taken = lines.length;
			if (choice % 3 === 1) {
				taken = 0;
			} else if (choice % 3 === 2) {
				const end = lines.indexOf(newline, choice % lines.length);
				taken = end + 1;
			}

			out.push(Buffer.from(lines.subarray(0, taken)));
			return taken;
		};

		for (const chunk of cut(input, offsets)) {
			framer.push(chunk);
			framer.offerLines(take);
		}

		for (let guard = 0; !framer.offerAll(take); guard++) {
			if (guard > 10_000) {
				throw new Error('never drained');
			}
		}

		return Buffer.concat(out).equals(expected(input)) && framer.heldBytes === 0;
	}), {numRuns: 300});
	t.pass();
});

/** Archive names of `base`: index 1..30, any extension, plus names that are not archives. */
const directory = fc.record({
	archives: fc.uniqueArray(fc.tuple(fc.integer({min: 1, max: 30}), fc.constantFrom('', ...archiveExtensions)), {maxLength: 25, selector: ([index, extension]) => `${index}${extension}`}),
	others: fc.uniqueArray(fc.constantFrom('app.log.lock', '.app.log.compress.12', 'app.log.0', 'app.log.x', 'other.log.1', 'app.log.1.tmp', 'app.logx.2'), {maxLength: 5}),
	hasBase: fc.boolean(),
	keep: fc.integer({min: 0, max: 15}),
});

test('rotation plan: keeps the newest archives, renumbered 1..N in order, never overwrites, loses nothing else', t => {
	fc.assert(fc.property(directory, ({archives, others, hasBase, keep}) => {
		const base = 'app.log';
		const names = new Set([...archives.map(([index, extension]) => `${base}.${index}${extension}`), ...others]);
		if (hasBase) {
			names.add(base);
		}

		const before = [...names];
		// Where each name's content ends up: simulate the plan on the set of names.
		const content = new Map(before.map(name => [name, name]));
		for (const step of planRotation(base, before, keep)) {
			if (step.op === 'unlink') {
				content.delete(step.name);
				continue;
			}

			if (!content.has(step.from)) {
				// A missing FILE (a killed rotation) is a step whose goal already holds.
				if (step.from === base && !hasBase) {
					continue;
				}

				return false;
			}

			if (content.has(step.to)) {
				// Never overwrite an archive.
				return false;
			}

			content.set(step.to, content.get(step.from)!);
			content.delete(step.from);
		}

		// Names that are not archives are untouched.
		for (const other of others) {
			if (content.get(other) !== other) {
				return false;
			}
		}

		// The archive groups, newest first, before: FILE (if any) then by index.
		const groups = [...new Set(findArchives(base, before).map(archive => archive.index))].sort((a, b) => a - b);
		const order: Array<number | 'base'> = [...(hasBase ? ['base' as const] : []), ...groups];
		const after = findArchives(base, [...content.keys()]);
		const indicesAfter = [...new Set(after.map(archive => archive.index))].sort((a, b) => a - b);
		// FILE becomes .1 whether or not it existed; the others follow at 2, 3, ... up to keep.
		const survivors = Math.min(groups.length, Math.max(0, keep - 1));
		const expectedIndices = Array.from({length: survivors}, (_, at) => at + 2);
		if (hasBase && keep > 0) {
			expectedIndices.unshift(1);
		}

		if (JSON.stringify(indicesAfter) !== JSON.stringify(expectedIndices)) {
			return false;
		}

		// The newest survive, in order, with every name (extension) of their group.
		for (const archive of after) {
			const from = content.get(archive.name)!;
			const source = from === base ? 'base' : findArchives(base, [from])[0]!.index;
			const rank = order.indexOf(source);
			const expectedIndex = source === 'base' ? 1 : groups.indexOf(source) + 2;
			if (rank === -1 || archive.index !== expectedIndex || !from.endsWith(archive.extension)) {
				return false;
			}
		}

		// Loses nothing else: a name whose content is gone was FILE with --keep 0, or an archive past --keep.
		const kept = new Set(content.values());
		return before.filter(name => !kept.has(name)).every(name => name === base
			? keep === 0
			: groups.indexOf(findArchives(base, [name])[0]!.index) + 2 > keep);
	}), {numRuns: 500});
	t.pass();
});

const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Santiago', 'Pacific/Apia'];
const intervals: Interval[] = [
	{unit: 'second', count: 7, ms: 7000},
	{unit: 'minute', count: 15, ms: 15 * 60_000},
	{unit: 'hour', count: 1, ms: 3_600_000},
	{unit: 'hour', count: 5, ms: 5 * 3_600_000},
	{unit: 'day', count: 1},
	{unit: 'day', count: 3},
	{unit: 'week'},
	{unit: 'month'},
];
// 1990 .. 2040, to the millisecond.
const instant = fc.integer({min: 631_152_000_000, max: 2_208_988_800_000});

test('periods: hold their instant, are aligned (a boundary is where the period number changes), and never go back', t => {
	fc.assert(fc.property(fc.constantFrom(...zones), fc.constantFrom(...intervals), instant, fc.nat({max: 40 * 86_400_000}), (zone, interval, t1, gap) => {
		const period = periodOf(interval, zone, t1);
		if (!(period.start <= t1 && t1 < period.end)) {
			return false;
		}

		if ('ms' in interval && period.start % interval.ms !== 0) {
			return false;
		}

		// Calendar periods begin with a day on the zone's wall clock: a 1st for months, a Monday for weeks.
		if (!('ms' in interval)) {
			const first = wallClock(zone, period.start);
			const before = wallClock(zone, period.start - 1000);
			const days = dayNumber(first.year, first.month, first.day);
			if (first.day === before.day && first.month === before.month) {
				return false;
			}

			if ((interval.unit === 'month' && first.day !== 1) || (interval.unit === 'week' && (days - 4) % 7 !== 0) || (interval.unit === 'day' && days % interval.count !== 0)) {
				return false;
			}
		}

		const key = periodKey(interval, zone, t1);
		if (periodKey(interval, zone, period.start) !== key || periodKey(interval, zone, period.end - 1) !== key) {
			return false;
		}

		if (periodKey(interval, zone, period.start - 1000) >= key || periodKey(interval, zone, period.end) <= key) {
			return false;
		}

		// The next period begins where this one ends, and a later instant is never in an earlier period.
		const t2 = t1 + gap;
		const later = periodOf(interval, zone, t2);
		return periodOf(interval, zone, period.end).start === period.end && later.start >= period.start && periodKey(interval, zone, t2) >= key;
	}), {numRuns: 400});
	t.pass();
});

test('merge: several sources offered together, taken in any line-aligned prefixes, lose and repeat nothing', t => {
	fc.assert(fc.property(fc.array(fc.array(fc.integer({min: 0, max: 40}), {maxLength: 30}), {minLength: 1, maxLength: 5}), fc.array(fc.nat(), {maxLength: 30}), fc.integer({min: 8, max: 400}), (sources, takes, batchLimit) => {
		const merge = new LineMerge(batchLimit);
		const framers = sources.map(() => merge.add(16));
		// Source s's line k is "s:k:" padded to a length from the input, so lines are told apart.
		const input = sources.map((lengths, s) => lengths.map((length, k) => `${s}:${k}:${'x'.repeat(length)}\n`));
		let turn = 0;
		const out: string[] = [];
		const take = (lines: Buffer): number => {
			const choice = takes[turn++] ?? 0;
			const taken = choice % 2 === 1 ? lines.indexOf(newline, choice % lines.length) + 1 : lines.length;
			out.push(lines.subarray(0, taken).toString('latin1'));
			return taken;
		};

		for (const [s, lines] of input.entries()) {
			framers[s]!.push(Buffer.from(lines.join(''), 'latin1'));
		}

		for (let guard = 0; !merge.offerAll(take); guard++) {
			if (guard > 1000) {
				throw new Error('never drained');
			}
		}

		// Every source's lines, once each and in order.
		const got = out.join('').split('\n').slice(0, -1);
		return input.every((lines, s) => JSON.stringify(got.filter(line => line.startsWith(`${s}:`))) === JSON.stringify(lines.map(line => line.slice(0, -1))))
			&& got.length === input.flat().length;
	}), {numRuns: 300});
	t.pass();
});
