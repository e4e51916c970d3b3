// Table tests for the pure option parsers: sizes, counts, paths and modes, and the usage errors
// naming the value.
import test from 'ava';
import {UsageError} from '../../../src/errors.js';
import {parseCount, parseMode, parsePath, parseSize} from '../../../src/cli/values.js';

const sizes: Array<[string, number]> = [
	['65536', 65_536],
	['1', 1],
	['64K', 65_536],
	['64k', 65_536],
	['64KB', 65_536],
	['64KiB', 65_536],
	['64kib', 65_536],
	['1.5G', 1.5 * 1024 ** 3],
	['1.5g', 1.5 * 1024 ** 3],
	['10MiB', 10 * 1024 ** 2],
	['10M', 10 * 1024 ** 2],
	['512B', 512],
	['512b', 512],
	['1T', 1024 ** 4],
	['0.5K', 512],
	// Fractions of a byte round down.
	['1.7', 1],
	['1.0001K', 1024],
];

for (const [text, bytes] of sizes) {
	test(`parseSize '${text}' is ${bytes} bytes`, t => {
		t.is(parseSize('max', text), bytes);
	});
}

const badSizes: Array<[string, RegExp]> = [
	['abc', /expected bytes/],
	['-1', /expected bytes/],
	['0', /at least 1 byte/],
	['0K', /at least 1 byte/],
	['0.4', /at least 1 byte/],
	['1X', /expected bytes/],
	['1KX', /expected bytes/],
	['', /expected bytes/],
	['1.5.5', /expected bytes/],
	['K', /expected bytes/],
	['.5K', /expected bytes/],
	['1e3', /expected bytes/],
	['0x10', /expected bytes/],
	['1 000', /expected bytes/],
	['64KK', /expected bytes/],
	['64Ki', /expected bytes/],
	['512iB', /expected bytes/],
	// Beyond what a double holds exactly.
	['99999999999T', /expected bytes/],
];

for (const [text, why] of badSizes) {
	test(`parseSize rejects '${text}', naming it`, t => {
		const error = t.throws(() => parseSize('max', text), {instanceOf: UsageError});
		t.is(error.exitCode, 2);
		t.true(error.message.startsWith(`invalid --max '${text}': `), error.message);
		t.regex(error.message, why);
		t.false(error.message.includes('\n'));
	});
}

test('parseSize names the option it parses', t => {
	t.throws(() => parseSize('size', 'abc'), {message: /^invalid --size 'abc': /});
});

const counts: Array<[string, number]> = [
	['0', 0],
	['1', 1],
	['3', 3],
	['007', 7],
	['100000', 100_000],
	['9007199254740991', Number.MAX_SAFE_INTEGER],
];

for (const [text, count] of counts) {
	test(`parseCount '${text}' is ${count}`, t => {
		t.is(parseCount('keep', text), count);
	});
}

const badCounts: Array<[string, RegExp]> = [
	['-1', /whole number/],
	['abc', /whole number/],
	['', /whole number/],
	['1.5', /whole number/],
	['1e3', /whole number/],
	['+3', /whole number/],
	['3K', /whole number/],
	['0x10', /whole number/],
	['9007199254740993', /too large/],
	['99999999999999999999', /too large/],
];

for (const [text, why] of badCounts) {
	test(`parseCount rejects '${text}', naming it`, t => {
		const error = t.throws(() => parseCount('keep', text), {instanceOf: UsageError});
		t.is(error.exitCode, 2);
		t.true(error.message.startsWith(`invalid --keep '${text}': `), error.message);
		t.regex(error.message, why);
	});
}

test('parsePath takes any non-empty path and rejects the empty one', t => {
	t.is(parsePath('lock', '/tmp/x.lock'), '/tmp/x.lock');
	t.is(parsePath('lock', ' '), ' ');
	t.throws(() => parsePath('lock', ''), {instanceOf: UsageError, message: /^invalid --lock '': /});
});

test('parseMode takes octal modes only', t => {
	t.is(parseMode('mode', '0640'), 0o640);
	t.is(parseMode('mode', '600'), 0o600);
	t.is(parseMode('mode', '0o755'), 0o755);
	t.throws(() => parseMode('mode', '0800'), {message: 'invalid --mode \'0800\': expected an octal file mode such as 0640'});
	t.throws(() => parseMode('mode', ''));
});
