// Retention (decide/retention.ts): which archives --keep, --max-age and --max-total delete.
import test from 'ava';
import {planRetention, type RetentionRules, type StoredArchive} from '../../../src/decide/retention.js';

const hour = 3_600_000;
const now = Date.parse('2026-11-26T12:00:00Z');

// Newest first: a.1 .. a.5, 100 bytes each (a.2 also has a compressed twin mid-swap), one hour apart.
const archives: StoredArchive[] = [
	{names: ['a.1'], size: 100, mtimeMs: now - hour},
	{names: ['a.2', 'a.2.gz'], size: 130, mtimeMs: now - (2 * hour)},
	{names: ['a.3.gz'], size: 30, mtimeMs: now - (3 * hour)},
	{names: ['a.4'], size: 100, mtimeMs: now - (4 * hour)},
	{names: ['a.5'], size: 100, mtimeMs: now - (5 * hour)},
];

const table: Array<[string, RetentionRules, number, string[], string[]?]> = [
	['no rules', {}, 0, []],
	['keep 3', {keep: 3}, 0, ['a.5', 'a.4']],
	['keep 0', {keep: 0}, 0, ['a.5', 'a.4', 'a.3.gz', 'a.2', 'a.2.gz', 'a.1']],
	['keep 10', {keep: 10}, 0, []],
	['max-age 2.5h', {maxAge: 2.5 * hour}, 0, ['a.5', 'a.4', 'a.3.gz']],
	['max-age exactly 2h keeps the 2h-old one', {maxAge: 2 * hour}, 0, ['a.5', 'a.4', 'a.3.gz']],
	['max-total 460 fits', {maxTotal: 460}, 0, []],
	['max-total 459', {maxTotal: 459}, 0, ['a.5']],
	['max-total counts FILE', {maxTotal: 459}, 200, ['a.5', 'a.4', 'a.3.gz']],
	['max-total smaller than FILE deletes every archive, never FILE', {maxTotal: 10}, 50, ['a.5', 'a.4', 'a.3.gz', 'a.2', 'a.2.gz', 'a.1']],
	['max-total stored sizes: compressed small ones count small', {maxTotal: 260}, 0, ['a.5', 'a.4']],
	['together: keep 4, age 4.5h, total 300', {keep: 4, maxAge: 4.5 * hour, maxTotal: 300}, 0, ['a.5', 'a.4']],
	['together: the strictest rule wins', {keep: 4, maxAge: 1.5 * hour, maxTotal: 10_000}, 0, ['a.5', 'a.4', 'a.3.gz', 'a.2', 'a.2.gz']],
	['in progress is never deleted', {keep: 0}, 0, ['a.5', 'a.4', 'a.3.gz', 'a.2', 'a.2.gz'], ['a.1']],
	['in progress still counts toward the total', {maxTotal: 150}, 0, ['a.5', 'a.4', 'a.3.gz', 'a.1'], ['a.2.gz']],
];

for (const [title, rules, fileSize, expected, inProgress] of table) {
	test(`planRetention: ${title}`, t => {
		t.deepEqual(planRetention({archives, fileSize, rules, now, inProgress: new Set(inProgress ?? [])}), expected);
	});
}

test('planRetention with no archives deletes nothing', t => {
	t.deepEqual(planRetention({archives: [], fileSize: 1e9, rules: {keep: 0, maxAge: 1, maxTotal: 1}, now}), []);
});
