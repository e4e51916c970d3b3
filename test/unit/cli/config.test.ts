// Table tests for the pure code behind check, rotate and --timestamp.
import test from 'ava';
import {parseConfig} from '../../../src/cli/config.js';
import {parseMode} from '../../../src/cli/values.js';
import {componentRegExp, logNames, matchComponent} from '../../../src/decide/glob.js';
import {formatIso, formatUnix, stampLines} from '../../../src/output/timestamp.js';

const matches: Array<[string, string, boolean]> = [
	['*.log', 'app.log', true],
	['*.log', 'app.log.1', false],
	['*.log', '.hidden.log', false],
	['.*.log', '.hidden.log', true],
	['a?p.log', 'app.log', true],
	['a?p.log', 'ap.log', false],
	['[ab]*.log', 'b.log', true],
	['[ab]*.log', 'c.log', false],
	['[!ab]*.log', 'c.log', true],
	['[!ab]*.log', 'a.log', false],
	['[a-c].log', 'b.log', true],
	['[a-c].log', 'd.log', false],
	['x[.log', 'x[.log', true],
	['a+b(c).log', 'a+b(c).log', true],
	['a.log', 'aXlog', false],
	['*', 'anything', true],
];

for (const [pattern, name, expected] of matches) {
	test(`pattern ${pattern} ${expected ? 'matches' : 'does not match'} ${name}`, t => {
		t.is(matchComponent(pattern, name), expected);
	});
}

test('a wildcard never crosses a slash', t => {
	t.false(componentRegExp('*').test('a/b'));
	t.false(componentRegExp('a?b').test('a/b'));
});

test('logNames drops the archives and lock files of matched logs', t => {
	t.deepEqual(logNames(['app.log', 'app.log.1', 'app.log.2.gz', 'app.log.lock', 'other.log.3', 'b.log']), ['app.log', 'b.log', 'other.log.3']);
	// Date archives, compressed files and hidden temps are never taken for logs.
	t.deepEqual(logNames(['app.log', 'app.log.2026-11-26', 'app.log.2026-11-26.1.gz', 'old.log.gz', '.app.log.compress.12', 'web.log']), ['app.log', 'web.log']);
});

const parsers = {
	keep: (value: unknown) => {
		if (!/^\d+$/.test(String(value))) {
			throw new Error(`invalid --keep '${String(value)}': expected a whole number of 0 or more`);
		}

		return Number(value);
	},
};

test('parseConfig merges defaults into each entry', t => {
	t.deepEqual(parseConfig('{"defaults": {"keep": 2}, "files": ["a.log", {"path": "b/*.log", "keep": "7"}]}', 'c.json', parsers), [
		{path: 'a.log', values: {keep: 2}},
		{path: 'b/*.log', values: {keep: 7}},
	]);
});

const badConfigs: Array<[string, string]> = [
	['[]', 'invalid config \'c.json\': top level: expected an object with "files"'],
	['{"files": ["a"], "x": 1}', 'invalid config \'c.json\': x: unknown key (expected "defaults" or "files")'],
	['{"files": [{"path": "a", "kep": 1}]}', 'invalid config \'c.json\': files[0].kep: unknown key (expected one of: path, keep)'],
	['{"files": [{"path": "a", "keep": "x"}]}', 'invalid config \'c.json\': files[0].keep "x": expected a whole number of 0 or more'],
	['{"files": [{"path": "a", "keep": [1]}]}', 'invalid config \'c.json\': files[0].keep: expected a string, a number or true/false'],
	['{"files": [{"keep": 1}]}', 'invalid config \'c.json\': files[0].path: expected a non-empty string'],
	['{"defaults": [], "files": ["a"]}', 'invalid config \'c.json\': defaults: expected an object'],
	['{"files": [3]}', 'invalid config \'c.json\': files[0]: expected a path or an object with "path"'],
];

for (const [text, message] of badConfigs) {
	test(`parseConfig rejects ${text}`, t => {
		t.throws(() => parseConfig(text, 'c.json', parsers), {message});
	});
}

test('parseMode takes octal modes only', t => {
	t.is(parseMode('mode', '0640'), 0o640);
	t.is(parseMode('mode', '600'), 0o600);
	t.is(parseMode('mode', '0o755'), 0o755);
	t.throws(() => parseMode('mode', '0800'), {message: 'invalid --mode \'0800\': expected an octal file mode such as 0640'});
	t.throws(() => parseMode('mode', ''));
});

test('timestamps: ISO with milliseconds and offset, unix seconds with milliseconds', t => {
	const time = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
	t.regex(formatIso(time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.006[+-]\d\d:\d\d$/);
	t.is(Date.parse(formatIso(time)), time.getTime());
	t.is(formatUnix(time), `${Math.floor(time.getTime() / 1000)}.006`);
});

test('stampLines prefixes every line, empty lines and bytes kept as they are', t => {
	const lines = Buffer.from([0x61, 0x0a, 0x0a, 0xff, 0x0d, 0x0a]);
	t.deepEqual(stampLines(lines, 'T'), Buffer.from([0x54, 0x20, 0x61, 0x0a, 0x54, 0x20, 0x0a, 0x54, 0x20, 0xff, 0x0d, 0x0a]));
});
