// Globs (decide/glob.ts): one path component matched by *, ? and [..] patterns, never across a
// slash; logNames keeps the logs a pattern found and drops their archives and lock files.
import test from 'ava';
import {componentRegExp, logNames, matchComponent, matchPath} from '../../../src/decide/glob.js';

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

const paths: Array<[string, string, boolean]> = [
	['/var/log/*.log', '/var/log/app.log', true],
	['/var/log/*.log', '/var/log/app.txt', false],
	['/var/log/*/*.log', '/var/log/app/a.log', true],
	['/var/log/*.log', '/var/log/app/a.log', false],
	['/var/log/app.log', '/var/log/app.log', true],
	['var/log/*.log', '/var/log/app.log', false],
	['/var/log/*.log', '/var/log/.hidden.log', false],
];

for (const [pattern, file, expected] of paths) {
	test(`matchPath(${JSON.stringify(pattern)}, ${JSON.stringify(file)}) is ${expected}`, t => {
		t.is(matchPath(pattern, file), expected);
	});
}
