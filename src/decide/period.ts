// Pure period math: which clock-aligned period an instant belongs to, and when that period starts
// and ends. `now` is always a parameter; nothing here reads the clock or the file system.
// Seconds, minutes and hours are multiples of the interval since the epoch (as rotatelogs does);
// days, weeks and months follow the calendar of a time zone, so a day may last 23 or 25 hours.
import {invalidValue} from '../errors.js';

export type Interval =
	| {unit: 'second' | 'minute' | 'hour'; count: number; ms: number}
	| {unit: 'day'; count: number}
	| {unit: 'week'}
	| {unit: 'month'};

/** An IANA zone name ('UTC', 'Europe/Berlin'); undefined is the local zone, which honours TZ. */
export type Zone = string | undefined;

export type Period = {start: number; end: number};

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

const fixedUnits = {s: ['second', second], m: ['minute', minute], h: ['hour', hour]} as const;


/** 'Ns', 'Nm', 'Nh', 'Nd', 'hourly', 'daily', 'weekly', 'monthly' -> an interval; 'NM' is refused as for durations. */
export function parseInterval(option: string, value: string): Interval {
	const named: Record<string, Interval> = {
		hourly: {unit: 'hour', count: 1, ms: hour},
		daily: {unit: 'day', count: 1},
		weekly: {unit: 'week'},
		monthly: {unit: 'month'},
	};
	if (/^\s*\d+M\s*$/.test(value)) {
		throw invalidValue(option, value, 'M is ambiguous: m for minutes; for months use monthly');
	}

	const trimmed = value.trim().toLowerCase();
	const known = named[trimmed];
	if (known) {
		return known;
	}

	const match = /^(\d+)([smhd])$/.exec(trimmed);
	if (!match) {
		throw invalidValue(option, value, 'expected Ns, Nm, Nh, Nd (N a whole number), hourly, daily, weekly or monthly');
	}

	const count = Number(match[1]);
	if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
		throw invalidValue(option, value, 'the count must be a whole number from 1 to 100000');
	}

	const unit = match[2] as 's' | 'm' | 'h' | 'd';
	if (unit === 'd') {
		return {unit: 'day', count};
	}

	const [name, ms] = fixedUnits[unit];
	return {unit: name, count, ms: count * ms};
}

/** An interval as --interval spells it: the inverse of parseInterval. */
export function intervalText(interval: Interval): string {
	switch (interval.unit) {
		case 'second':
		case 'minute':
		case 'hour': {
			return `${interval.count}${interval.unit.charAt(0)}`;
		}

		case 'day': {
			return `${interval.count}d`;
		}

		case 'week': {
			return 'weekly';
		}

		case 'month': {
			return 'monthly';
		}
	}
}

const durationUnits: Record<string, number> = {s: second, m: minute, h: hour, d: day, w: 7 * day};

/**
 * '90s', '30m', '12h', '7d', '2w' -> milliseconds (a fixed length, not calendar-aligned). Units
 * take either case except M: `6M` reads as six months to some and as six minutes here (and as
 * MiB in --max), so it is refused by name.
 */
export function parseDuration(option: string, value: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(value);
	if (match?.[2] === 'M') {
		throw invalidValue(option, value, 'M is ambiguous: m for minutes; months are not a duration unit');
	}

	if (!match) {
		throw invalidValue(option, value, 'expected a number with a unit s, m, h, d or w (e.g. 12h, 7d)');
	}

	const ms = Math.round(Number(match[1]) * durationUnits[match[2]!.toLowerCase()]!);
	if (!Number.isSafeInteger(ms) || ms < 1) {
		throw invalidValue(option, value, 'must be a positive duration');
	}

	return ms;
}

/** The calendar fields of an instant as a wall clock in a zone shows them. */
export type WallClock = {year: number; month: number; day: number; hour: number; minute: number; second: number};

const formatters = new Map<Zone, Intl.DateTimeFormat>();

function formatterFor(zone: Zone): Intl.DateTimeFormat {
	let formatter = formatters.get(zone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			calendar: 'gregory',
			numberingSystem: 'latn',
			hourCycle: 'h23',
			era: 'short',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(zone, formatter);
	}

	return formatter;
}

/** The wall clock of `zone` at instant `t` (Node's ICU carries the tz database). */
export function wallClock(zone: Zone, t: number): WallClock {
	if (zone === 'UTC') {
		const date = new Date(t);
		return {
			year: date.getUTCFullYear(),
			month: date.getUTCMonth() + 1,
			day: date.getUTCDate(),
			hour: date.getUTCHours(),
			minute: date.getUTCMinutes(),
			second: date.getUTCSeconds(),
		};
	}

	if (zone === undefined) {
		// The local zone through Date, which honours TZ like Intl does but without loading
		// Intl's formatting data (about 8 MiB of memory).
		const date = new Date(t);
		return {
			year: date.getFullYear(),
			month: date.getMonth() + 1,
			day: date.getDate(),
			hour: date.getHours(),
			minute: date.getMinutes(),
			second: date.getSeconds(),
		};
	}

	const fields: Record<string, string> = {};
	for (const part of formatterFor(zone).formatToParts(t)) {
		fields[part.type] = part.value;
	}

	const year = Number(fields['year']);
	return {
		year: fields['era'] === 'BC' ? 1 - year : year,
		month: Number(fields['month']),
		day: Number(fields['day']),
		hour: Number(fields['hour']),
		minute: Number(fields['minute']),
		second: Number(fields['second']),
	};
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
export function dayNumber(year: number, month: number, dayOfMonth: number): number {
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, dayOfMonth);
	return Math.floor(date.getTime() / day);
}

/** 1970-01-05 was a Monday. */
const firstMonday = 4;

/**
 * The number of the period holding instant `t`. Numbers grow with time, so comparing them
 * compares periods (a fall-back that crosses midnight may briefly repeat the previous day).
 */
export function periodKey(interval: Interval, zone: Zone, t: number): number {
	if (interval.unit === 'second' || interval.unit === 'minute' || interval.unit === 'hour') {
		return Math.floor(t / interval.ms);
	}

	const wall = wallClock(zone, t);
	switch (interval.unit) {
		case 'day': {
			return Math.floor(dayNumber(wall.year, wall.month, wall.day) / interval.count);
		}

		case 'week': {
			return Math.floor((dayNumber(wall.year, wall.month, wall.day) - firstMonday) / 7);
		}

		case 'month': {
			return (wall.year * 12) + wall.month - 1;
		}
	}
}

/** An upper bound on a period's length in seconds, used as the first search span. */
function spanSeconds(interval: Interval): number {
	switch (interval.unit) {
		case 'second':
		case 'minute':
		case 'hour': {
			return interval.ms / second;
		}

		case 'day': {
			return interval.count * 26 * 3600;
		}

		case 'week': {
			return 8 * 24 * 3600;
		}

		case 'month': {
			return 32 * 24 * 3600;
		}
	}
}

/** The first whole second s in (low, high] with key(s) >= key; key(low) < key <= key(high). */
function firstSecondAtLeast(low: number, high: number, reached: (s: number) => boolean): number {
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (reached(middle)) {
			high = middle;
		} else {
			low = middle;
		}
	}

	return high;
}

/**
 * The period holding instant `t`: [start, end) in epoch milliseconds. Zone transitions happen on
 * whole seconds, so calendar boundaries are found by a binary search over seconds, which stays
 * right across DST changes, skipped midnights and skipped days without special cases.
 */
export function periodOf(interval: Interval, zone: Zone, t: number): Period {
	if (interval.unit === 'second' || interval.unit === 'minute' || interval.unit === 'hour') {
		const start = Math.floor(t / interval.ms) * interval.ms;
		return {start, end: start + interval.ms};
	}

	const key = periodKey(interval, zone, t);
	const keyAt = (s: number) => periodKey(interval, zone, s * second);
	const span = spanSeconds(interval);
	const now = Math.floor(t / second);

	let low = now - span;
	while (keyAt(low) >= key) {
		low -= span;
	}

	let high = now + span;
	while (keyAt(high) <= key) {
		high += span;
	}

	const start = firstSecondAtLeast(low, now, s => keyAt(s) >= key);
	const end = firstSecondAtLeast(now, high, s => keyAt(s) > key);
	return {start: start * second, end: end * second};
}

/**
 * The period of the present, cached: the hot path asks once per batch and pays two comparisons
 * until the period ends. Pure: the caller passes `now`.
 */
export class PeriodTracker {
	private current: Period = {start: 0, end: 0};

	constructor(readonly interval: Interval, readonly zone: Zone) {}

	periodAt(now: number): Period {
		if (now < this.current.start || now >= this.current.end) {
			this.current = periodOf(this.interval, this.zone, now);
		}

		return this.current;
	}
}
