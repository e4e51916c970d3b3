// Units of --max-age and --interval: an upper-case M reads as months to some and as minutes to
// rotlog (and as MiB in --max), so it is refused by name; the other units keep either case.
import test from 'ava';
import {parseDuration, parseInterval} from '../../../src/decide/period.js';
import {UsageError} from '../../../src/errors.js';

test('parseDuration refuses M as ambiguous, naming it', t => {
	for (const spec of ['6M', '1.5M', ' 6M ']) {
		t.throws(() => parseDuration('max-age', spec), {
			instanceOf: UsageError,
			message: `invalid --max-age '${spec}': M is ambiguous: m for minutes; months are not a duration unit`,
		});
	}
});

test('parseDuration: m stays minutes; S, H, D and W keep either case', t => {
	const table: Array<[string, number]> = [['6m', 360_000], ['90S', 90_000], ['12H', 43_200_000], ['7D', 604_800_000], ['2W', 1_209_600_000]];
	for (const [spec, ms] of table) {
		t.is(parseDuration('max-age', spec), ms, spec);
	}
});

test('parseInterval refuses M as ambiguous, pointing at monthly', t => {
	t.throws(() => parseInterval('interval', '1M'), {
		instanceOf: UsageError,
		message: 'invalid --interval \'1M\': M is ambiguous: m for minutes; for months use monthly',
	});
	t.deepEqual(parseInterval('interval', '15m'), {unit: 'minute', count: 15, ms: 900_000});
	t.deepEqual(parseInterval('interval', '6H'), {unit: 'hour', count: 6, ms: 21_600_000});
	t.deepEqual(parseInterval('interval', 'MONTHLY'), {unit: 'month'});
});
