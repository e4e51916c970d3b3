// Periods (decide/period.ts): --interval and --max-age parsing, period boundaries in UTC, named
// zones across DST, PeriodTracker, and a property over zones and intervals. The local zone (TZ),
// which needs processes of its own, is tested in test/integration/decide/period.test.ts.
import test from 'ava';
import fc from 'fast-check';
import {UsageError} from '../../../src/errors.js';
import {dayNumber, type Interval, parseDuration, parseInterval, PeriodTracker, periodKey, periodOf, wallClock, type Zone} from '../../../src/decide/period.js';

const at = (iso: string) => Date.parse(iso);
const interval = (spec: string) => parseInterval('interval', spec);
const hours = (ms: number) => ms / 3_600_000;

test('parseInterval accepts counts with units and the named intervals', t => {
	const table: Array<[string, Interval]> = [
		['2s', {unit: 'second', count: 2, ms: 2000}],
		['15m', {unit: 'minute', count: 15, ms: 900_000}],
		['6h', {unit: 'hour', count: 6, ms: 21_600_000}],
		['hourly', {unit: 'hour', count: 1, ms: 3_600_000}],
		['3d', {unit: 'day', count: 3}],
		['daily', {unit: 'day', count: 1}],
		['Weekly', {unit: 'week'}],
		['monthly', {unit: 'month'}],
	];
	for (const [spec, expected] of table) {
		t.deepEqual(interval(spec), expected, spec);
	}
});

test('parseInterval names the bad value in one line', t => {
	for (const spec of ['', 'x', '0s', '1.5h', '-1d', '2w', '5', 'yearly', '1000000s']) {
		const error = t.throws(() => interval(spec), {instanceOf: UsageError});
		t.true(error.message.startsWith(`invalid --interval '${spec}': `), error.message);
		t.false(error.message.includes('\n'));
	}
});

test('parseDuration: fixed lengths for --max-age', t => {
	const table: Array<[string, number]> = [['90s', 90_000], ['30m', 1_800_000], ['12h', 43_200_000], ['7d', 604_800_000], ['2w', 1_209_600_000], ['1.5h', 5_400_000]];
	for (const [spec, ms] of table) {
		t.is(parseDuration('max-age', spec), ms, spec);
	}

	for (const spec of ['7', 'd', '0d', '7y', '-1h']) {
		t.throws(() => parseDuration('max-age', spec), {instanceOf: UsageError, message: new RegExp(`^invalid --max-age '${spec}': `)});
	}
});

// [interval, zone, instant, start, end]: every row checked both ways round the boundary.
const periods: Array<[string, Zone, string, string, string]> = [
	// Seconds, minutes and hours: multiples of the interval since the epoch, in any zone.
	['2s', 'UTC', '2026-11-26T18:43:27.999Z', '2026-11-26T18:43:26Z', '2026-11-26T18:43:28Z'],
	['2s', 'Europe/Berlin', '2026-11-26T18:43:28.000Z', '2026-11-26T18:43:28Z', '2026-11-26T18:43:30Z'],
	['15m', 'America/New_York', '2026-11-26T10:07:00Z', '2026-11-26T10:00:00Z', '2026-11-26T10:15:00Z'],
	['6h', 'UTC', '2026-11-26T13:00:00Z', '2026-11-26T12:00:00Z', '2026-11-26T18:00:00Z'],
	// A zone half an hour off UTC sees epoch-aligned hours begin at :30.
	['hourly', 'Asia/Kolkata', '2026-02-14T12:10:00Z', '2026-02-14T12:00:00Z', '2026-02-14T13:00:00Z'],
	// Days: local midnight.
	['daily', 'UTC', '2026-11-26T18:00:00Z', '2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z'],
	['daily', 'Asia/Kolkata', '2026-11-26T18:30:00Z', '2026-11-26T18:30:00Z', '2026-11-27T18:30:00Z'],
	['daily', 'Asia/Kolkata', '2026-11-26T18:29:59.999Z', '2026-11-25T18:30:00Z', '2026-11-26T18:30:00Z'],
	// 23-hour and 25-hour days across DST changes.
	['daily', 'Europe/Berlin', '2026-03-29T12:00:00Z', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
	['daily', 'Europe/Berlin', '2026-10-25T12:00:00Z', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'],
	['daily', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'],
	['daily', 'America/New_York', '2026-11-01T12:00:00Z', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z'],
	// Lord Howe shifts by 30 minutes: a 24.5-hour day.
	['daily', 'Australia/Lord_Howe', '2026-04-05T12:00:00Z', '2026-04-04T13:00:00Z', '2026-04-05T13:30:00Z'],
	// Sao Paulo 2018 sprang forward at midnight: that day began at 01:00.
	['daily', 'America/Sao_Paulo', '2018-11-04T12:00:00Z', '2018-11-04T03:00:00Z', '2018-11-05T02:00:00Z'],
	// Samoa skipped 2011-12-30 entirely: the 29th is followed by the 31st.
	['daily', 'Pacific/Apia', '2011-12-29T12:00:00Z', '2011-12-29T10:00:00Z', '2011-12-30T10:00:00Z'],
	['daily', 'Pacific/Apia', '2011-12-30T11:00:00Z', '2011-12-30T10:00:00Z', '2011-12-31T10:00:00Z'],
	// Several days: day numbers since 1970-01-01 (local), in multiples of N.
	['2d', 'UTC', '2026-11-26T12:00:00Z', '2026-11-25T00:00:00Z', '2026-11-27T00:00:00Z'],
	['2d', 'UTC', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z', '2026-11-29T00:00:00Z'],
	// Weeks: Monday 00:00, here across the end of DST (a 169-hour week).
	['weekly', 'Europe/Berlin', '2026-10-25T12:00:00Z', '2026-10-18T22:00:00Z', '2026-10-25T23:00:00Z'],
	['weekly', 'UTC', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z'],
	// Months: the 1st 00:00; February of a leap year; a month that holds a DST change.
	['monthly', 'UTC', '2028-02-14T00:00:00Z', '2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z'],
	['monthly', 'Europe/Berlin', '2026-03-15T00:00:00Z', '2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z'],
	['monthly', 'America/New_York', '2026-12-31T23:59:59Z', '2026-12-01T05:00:00Z', '2027-01-01T05:00:00Z'],
];

for (const [spec, zone, instant, start, end] of periods) {
	test(`periodOf ${spec} in ${zone ?? 'local'} at ${instant}`, t => {
		const period = periodOf(interval(spec), zone, at(instant));
		t.is(new Date(period.start).toISOString(), new Date(at(start)).toISOString());
		t.is(new Date(period.end).toISOString(), new Date(at(end)).toISOString());
		// The boundaries belong to the right side.
		const key = periodKey(interval(spec), zone, at(instant));
		t.is(periodKey(interval(spec), zone, period.start), key);
		t.true(periodKey(interval(spec), zone, period.start - 1) < key);
		t.true(periodKey(interval(spec), zone, period.end) > key);
		t.is(periodKey(interval(spec), zone, period.end - 1), key);
	});
}

test('day lengths across the DST changes of a year in Berlin are 23, 24 or 25 hours, and days tile time', t => {
	const daily = interval('daily');
	let period = periodOf(daily, 'Europe/Berlin', at('2026-01-01T12:00:00Z'));
	const lengths = new Map<number, number>();
	for (let days = 0; days < 365; days++) {
		const next = periodOf(daily, 'Europe/Berlin', period.end);
		t.is(next.start, period.end);
		const length = hours(period.end - period.start);
		lengths.set(length, (lengths.get(length) ?? 0) + 1);
		period = next;
	}

	t.deepEqual([...lengths.entries()].sort(), [[23, 1], [24, 363], [25, 1]]);
});

test('PeriodTracker caches the present period and moves on at its end', t => {
	const tracker = new PeriodTracker(interval('daily'), 'Europe/Berlin');
	const morning = at('2026-03-29T06:00:00Z');
	t.is(tracker.periodAt(morning).start, at('2026-03-28T23:00:00Z'));
	t.is(tracker.periodAt(at('2026-03-29T22:00:00Z')).start, at('2026-03-29T22:00:00Z'));
	t.is(tracker.periodAt(morning).start, at('2026-03-28T23:00:00Z'));
});

// A property (fast-check): periods hold their instant, are aligned, and never go back in time.
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
	t.notThrows(() => {
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
	});
});
