// Date names (decide/date-names.ts): strftime stamps, --date-format and --name parsing, finding date
// archives and ordering them newest first, the next free name.
import test from 'ava';
import {UsageError} from '../../../src/errors.js';
import {dateArchiveName, dateArchivesNewestFirst, defaultDateFormat, findDateArchives, formatStamp, parseDateFormat, parseNamingKind} from '../../../src/decide/date-names.js';
import {parseInterval} from '../../../src/decide/period.js';

const at = (iso: string) => Date.parse(iso);

test('formatStamp: the strftime subset, in UTC and in a named zone', t => {
	const table: Array<[string, string | undefined, string, string]> = [
		['%Y-%m-%d', 'UTC', '2026-11-26T18:43:27Z', '2026-11-26'],
		['%Y-%m-%dT%H-%M-%S', 'UTC', '2026-11-26T08:03:07.999Z', '2026-11-26T08-03-07'],
		['%Y-%m-%dT%H', 'Europe/Berlin', '2026-11-26T23:30:00Z', '2026-11-27T00'],
		['%Y-%m-%d', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29'],
		['%Y.%j', 'UTC', '2028-12-31T12:00:00Z', '2028.366'],
		['%Y.%j', 'UTC', '2026-01-01T00:00:00Z', '2026.001'],
		['%s', 'UTC', '2026-11-26T18:43:27.500Z', '1795718607'],
		['100%%-%Y', 'UTC', '2026-11-26T00:00:00Z', '100%-2026'],
		['%Y-%m', 'America/New_York', '2027-01-01T04:59:59Z', '2026-12'],
	];
	for (const [format, zone, instant, expected] of table) {
		t.is(formatStamp(format, zone, at(instant)), expected, `${format} ${instant}`);
	}
});

test('parseDateFormat rejects unknown directives, slashes, formats without a field and digit-only stamps', t => {
	t.is(parseDateFormat('date-format', '%Y%m%d-%H'), '%Y%m%d-%H');
	t.is(parseDateFormat('date-format', '%Y%m%d%%'), '%Y%m%d%%');
	const table: Array<[string, string]> = [['%Y%m%d', 'other than a digit'], ['%s', 'other than a digit'], ['%q', 'unknown directive \'%q\''], ['%Y%', 'unknown directive \'%\''], ['%Y/%m', '\'/\''], ['log', 'at least one'], ['%%', 'at least one']];
	for (const [format, why] of table) {
		const error = t.throws(() => parseDateFormat('date-format', format), {instanceOf: UsageError});
		t.true(error.message.startsWith(`invalid --date-format '${format}': `), error.message);
		t.true(error.message.includes(why), error.message);
	}
});

test('parseNamingKind', t => {
	t.is(parseNamingKind('name', 'date'), 'date');
	t.is(parseNamingKind('name', 'numbered'), 'numbered');
	t.throws(() => parseNamingKind('name', 'dated'), {message: 'invalid --name \'dated\': expected numbered or date'});
});

test('defaultDateFormat follows the interval', t => {
	const table: Array<[string | undefined, string]> = [
		['2s', '%Y-%m-%dT%H-%M-%S'],
		['5m', '%Y-%m-%dT%H-%M'],
		['hourly', '%Y-%m-%dT%H'],
		['daily', '%Y-%m-%d'],
		['weekly', '%Y-%m-%d'],
		['monthly', '%Y-%m'],
		[undefined, '%Y-%m-%dT%H-%M-%S'],
	];
	for (const [spec, format] of table) {
		t.is(defaultDateFormat(spec === undefined ? undefined : parseInterval('interval', spec)), format, spec ?? 'none');
	}
});

const names = [
	'app.log',
	'app.log.lock',
	'app.log.2026-11-24',
	'app.log.2026-11-25.gz',
	'app.log.2026-11-25.1.zst',
	'app.log.2026-11-25.2',
	'app.log.2026-11-25.10.br',
	'app.log.2026-11-26',
	'app.log.1',
	'.app.log.2026-11-26.1.gz.tmp',
	'app.log.2026-11-26.x',
	'app.log.2026-11-2',
	'other.log.2026-11-26',
	'app.log.2026-11-26.0',
	'app.log.2026-11-26.gz.gz',
];

test('findDateArchives recognises stamps, sequences and compressed names, nothing else', t => {
	const found = findDateArchives('app.log', '%Y-%m-%d', names).map(archive => [archive.name, archive.stamp, archive.sequence, archive.extension]);
	t.deepEqual(found, [
		['app.log.2026-11-24', '2026-11-24', 0, ''],
		['app.log.2026-11-25.gz', '2026-11-25', 0, '.gz'],
		['app.log.2026-11-25.1.zst', '2026-11-25', 1, '.zst'],
		['app.log.2026-11-25.2', '2026-11-25', 2, ''],
		['app.log.2026-11-25.10.br', '2026-11-25', 10, '.br'],
		['app.log.2026-11-26', '2026-11-26', 0, ''],
	]);
});

test('dateArchiveName: the bare stamp first, then the next sequence number, compressed ones counted', t => {
	t.is(dateArchiveName('app.log', '%Y-%m-%d', '2026-11-27', names), 'app.log.2026-11-27');
	t.is(dateArchiveName('app.log', '%Y-%m-%d', '2026-11-26', names), 'app.log.2026-11-26.1');
	t.is(dateArchiveName('app.log', '%Y-%m-%d', '2026-11-25', names), 'app.log.2026-11-25.11');
	t.is(dateArchiveName('app.log', '%Y-%m-%d', '2026-11-24', ['app.log.2026-11-24.gz']), 'app.log.2026-11-24.1');
});

test('dateArchivesNewestFirst orders by the time in the stamp, then the sequence (10 after 2)', t => {
	const groups = dateArchivesNewestFirst('app.log', '%Y-%m-%d', [...names, 'app.log.2026-11-24.gz']);
	t.deepEqual(groups.map(group => group.names), [
		['app.log.2026-11-26'],
		['app.log.2026-11-25.10.br'],
		['app.log.2026-11-25.2'],
		['app.log.2026-11-25.1.zst'],
		['app.log.2026-11-25.gz'],
		['app.log.2026-11-24', 'app.log.2026-11-24.gz'],
	]);
});

test('dateArchivesNewestFirst orders by time even when the format is not big-endian', t => {
	const groups = dateArchivesNewestFirst('a', '%d.%m.%Y', ['a.01.01.2027', 'a.31.12.2026', 'a.02.12.2026', 'a.31.12.2026.1']);
	t.deepEqual(groups.map(group => group.names[0]), ['a.01.01.2027', 'a.31.12.2026.1', 'a.31.12.2026', 'a.02.12.2026']);
	const epoch = dateArchivesNewestFirst('a', '%s', ['a.999999999', 'a.1000000000']);
	t.deepEqual(epoch.map(group => group.names[0]), ['a.1000000000', 'a.999999999']);
});
