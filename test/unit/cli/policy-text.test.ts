// A policy as text (cli/policy-text.ts): what a writer records is its effective policy, defaults
// filled in; a record parses back through the options' own parsers to the same values; options
// given on a command line override a record, dropping what only goes with the recorded option.
import test from 'ava';
import {recordOf, valuesOfRecord, withRecord} from '../../../src/cli/policy-text.js';
import {parseInterval} from '../../../src/decide/period.js';

test('a bare writer records the defaults: numbered names, keep 10, gzip', t => {
	t.deepEqual(recordOf({}, '/var/log/app.log.lock'), {name: 'numbered', keep: '10', compress: 'gzip', lock: '/var/log/app.log.lock'});
});

test('every recorded option parses back to the value it came from', t => {
	const values = {
		max: 1024 * 1024,
		interval: parseInterval('interval', '90m'),
		utc: true,
		name: 'date' as const,
		keep: 5,
		'max-age': 36 * 3_600_000,
		'max-total': 10 * 1024 ** 3,
		mode: 0o640,
		compress: 'brotli' as const,
		'compress-level': 7,
	};
	const record = recordOf(values, '/l/app.log.lock');
	t.deepEqual(record, {
		max: '1048576', interval: '90m', utc: 'true', name: 'date', 'date-format': '%Y-%m-%dT%H-%M', keep: '5',
		'max-age': '129600s', 'max-total': '10737418240', mode: '0640', compress: 'brotli', 'compress-level': '7', lock: '/l/app.log.lock',
	});
	t.deepEqual(valuesOfRecord(record), {...values, 'date-format': '%Y-%m-%dT%H-%M'});
});

test('named intervals are recorded by name', t => {
	for (const spec of ['hourly', 'daily', 'weekly', 'monthly', '3d', '15s']) {
		const recorded = recordOf({interval: parseInterval('interval', spec)}, 'x')['interval']!;
		t.deepEqual(parseInterval('interval', recorded), parseInterval('interval', spec), spec);
	}
});

test('a record value this version refuses, or a key it does not know, is left out', t => {
	t.deepEqual(valuesOfRecord({keep: 'many', shiny: 'yes', max: '1K', 'on-rotate': 'rm -rf /'}), {max: 1024});
});

test('options given override the record; --name drops the recorded --date-format, --compress the level', t => {
	const recorded = {name: 'date' as const, 'date-format': '%Y', keep: 50, compress: 'brotli' as const, 'compress-level': 11};
	t.deepEqual(withRecord(recorded, {keep: 3, max: undefined}), {...recorded, keep: 3});
	t.deepEqual(withRecord(recorded, {name: 'numbered'}), {name: 'numbered', keep: 50, compress: 'brotli', 'compress-level': 11});
	t.deepEqual(withRecord(recorded, {compress: 'gzip'}), {name: 'date', 'date-format': '%Y', keep: 50, compress: 'gzip'});
});
