// The rename plan, applied to a simulated directory: it never overwrites a name, leaves base.1 ..
// base.k contiguous with the newest content first, closes gaps, moves compressed variants with
// their index, and leaves every other name alone; a fast-check property over random directories.
import test from 'ava';
import fc from 'fast-check';
import {archiveExtensions} from '../../../src/decide/extensions.js';
import {findArchives, planRotation, type PlanStep} from '../../../src/decide/numbered-names.js';

const base = 'app.log';
const unrelated = ['app.log.lock', 'app.log.txt', 'otherapp.log.1', 'app.log.01', 'app.log.0', 'app.log.1.txt', 'app.log.-1', '.app.log.1.tmp', 'app.log.1.gz.part', 'app.log1', 'app.logs.1'];

/** A directory: name -> content. The content of an archive is a tag of what it held at the start. */
type Directory = Map<string, string>;

/** Applies the plan the way log/rotate.ts does, failing on anything that would lose or clobber data. */
function apply(directory: Directory, plan: readonly PlanStep[]): string[] {
	const problems: string[] = [];
	for (const step of plan) {
		if (step.op === 'unlink') {
			if (!directory.delete(step.name)) {
				problems.push(`unlink of missing ${step.name}`);
			}

			continue;
		}

		const content = directory.get(step.from);
		if (content === undefined) {
			problems.push(`rename of missing ${step.from}`);
			continue;
		}

		if (directory.has(step.to)) {
			problems.push(`rename ${step.from} -> ${step.to} overwrites ${step.to}`);
		}

		directory.delete(step.from);
		directory.set(step.to, content);
	}

	return problems;
}

/** A directory holding FILE, archives with the given indices (each with the given extensions) and the unrelated names. */
function directoryWith(archives: ReadonlyArray<[number, readonly string[]]>): Directory {
	const directory: Directory = new Map([[base, 'current']]);
	for (const [index, extensions] of archives) {
		for (const extension of extensions) {
			directory.set(`${base}.${index}${extension}`, `old ${index}${extension}`);
		}
	}

	for (const name of unrelated) {
		directory.set(name, `unrelated ${name}`);
	}

	return directory;
}

/** The directory we expect after the rotation. */
function expectedAfter(archives: ReadonlyArray<[number, readonly string[]]>, keep: number): Directory {
	const directory: Directory = new Map();
	for (const name of unrelated) {
		directory.set(name, `unrelated ${name}`);
	}

	if (keep > 0) {
		directory.set(`${base}.1`, 'current');
	}

	const sorted = [...archives].sort(([a], [b]) => a - b);
	for (const [position, [index, extensions]] of sorted.entries()) {
		const target = position + 2;
		if (target <= keep) {
			for (const extension of extensions) {
				directory.set(`${base}.${target}${extension}`, `old ${index}${extension}`);
			}
		}
	}

	return directory;
}

function check(archives: ReadonlyArray<[number, readonly string[]]>, keep: number): string[] {
	const directory = directoryWith(archives);
	const plan = planRotation(base, [...directory.keys()], keep);
	const problems = apply(directory, plan);
	const want = expectedAfter(archives, keep);
	const sortedEntries = (map: Directory) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
	if (JSON.stringify(sortedEntries(directory)) !== JSON.stringify(sortedEntries(want))) {
		problems.push(`got ${JSON.stringify(sortedEntries(directory))}, want ${JSON.stringify(sortedEntries(want))}`);
	}

	// base.1 .. base.k exist (plain or compressed) with k = min(existing + 1, keep), nothing past k.
	const indices = findArchives(base, [...directory.keys()]).map(archive => archive.index);
	const k = Math.min(archives.length + 1, keep);
	const distinct = [...new Set(indices)].sort((a, b) => a - b);
	if (JSON.stringify(distinct) !== JSON.stringify(Array.from({length: k}, (_, i) => i + 1))) {
		problems.push(`archive indices ${JSON.stringify(distinct)}, want 1..${k}`);
	}

	return problems;
}

const plain = [''] as const;

const cases: Array<[string, Array<[number, readonly string[]]>, number[]]> = [
	['no archives yet', [], [0, 1, 3]],
	['[1]', [[1, plain]], [0, 1, 2, 3]],
	['[1, 2, 3]', [[1, plain], [2, plain], [3, plain]], [0, 1, 2, 3, 4, 10]],
	['gap [1, 5]', [[1, plain], [5, plain]], [0, 1, 2, 3, 10]],
	['gap [3, 4]', [[3, plain], [4, plain]], [0, 1, 2, 3, 10]],
	['gap [2] (FILE.1 lost to a killed rotation)', [[2, plain]], [0, 1, 2, 3]],
	['gap [2, 3]', [[2, plain], [3, plain]], [1, 2, 3, 4]],
	['gap [1, 2, 5, 6]', [[1, plain], [2, plain], [5, plain], [6, plain]], [2, 3, 4, 5, 10]],
	['[1 .. 12] past keep', Array.from({length: 12}, (_, i): [number, readonly string[]] => [i + 1, plain]), [3, 10, 12, 13]],
	['compressed [1, 2.gz, 3.gz]', [[1, plain], [2, ['.gz']], [3, ['.gz']]], [0, 2, 3, 10]],
	['compression in flight [1, 2 and 2.gz, 3.zst]', [[1, plain], [2, ['', '.gz']], [3, ['.zst']]], [2, 3, 4, 10]],
	['gap with compressed [1.gz, 4.br, 9 and 9.gz]', [[1, ['.gz']], [4, ['.br']], [9, ['', '.gz']]], [1, 2, 3, 4, 10]],
	['big numbers [99, 100]', [[99, plain], [100, plain]], [3, 1000]],
];

for (const [title, archives, keeps] of cases) {
	for (const keep of keeps) {
		test(`planRotation ${title}, keep ${keep}`, t => {
			t.deepEqual(check(archives, keep), []);
		});
	}
}

test('planRotation: every set of indices 1..7, with and without .gz, for keep 0..9', t => {
	let failures = 0;
	for (let set = 0; set < 128; set++) {
		for (let gzip = 0; gzip < 4; gzip++) {
			const archives: Array<[number, readonly string[]]> = [];
			for (let index = 1; index <= 7; index++) {
				if (set & (1 << (index - 1))) {
					const extensions = [['', '.gz'], [''], ['.gz'], [(index % 2) ? '' : '.gz']][gzip]!;
					archives.push([index, extensions]);
				}
			}

			for (let keep = 0; keep <= 9; keep++) {
				const problems = check(archives, keep);
				if (problems.length > 0 && failures++ < 5) {
					t.fail(`${JSON.stringify(archives)} keep ${keep}: ${problems.join('; ')}`);
				}
			}
		}
	}

	t.is(failures, 0);
});

test('planRotation: keep 0 deletes every archive and FILE', t => {
	const names = [base, `${base}.1`, `${base}.2.gz`, `${base}.7`, ...unrelated];
	const plan = planRotation(base, names, 0);
	t.deepEqual(plan.filter(step => step.op === 'rename'), []);
	t.deepEqual(plan.map(step => step.op === 'unlink' ? step.name : '').sort(), [base, `${base}.1`, `${base}.2.gz`, `${base}.7`].sort());
});

test('planRotation ends with FILE -> FILE.1', t => {
	t.deepEqual(planRotation(base, [base, `${base}.1`], 5).at(-1), {op: 'rename', from: base, to: `${base}.1`});
	t.deepEqual(planRotation(base, [base], 5), [{op: 'rename', from: base, to: `${base}.1`}]);
});

test('planRotation treats regular-expression characters in the name literally', t => {
	const names = ['a+b.log', 'a+b.log.1', 'aab.log.1', 'a+b.logx1', 'a.b.log.1'];
	t.deepEqual(planRotation('a+b.log', names, 5), [
		{op: 'rename', from: 'a+b.log.1', to: 'a+b.log.2'},
		{op: 'rename', from: 'a+b.log', to: 'a+b.log.1'},
	]);
	t.deepEqual(findArchives('a.b.log', names).map(archive => archive.name), ['a.b.log.1']);
});

test('findArchives reads index and extension, and nothing else', t => {
	t.deepEqual(findArchives(base, [`${base}.3.gz`, `${base}.12`, `${base}.2.zst`, ...unrelated]), [
		{name: `${base}.3.gz`, index: 3, extension: '.gz'},
		{name: `${base}.12`, index: 12, extension: ''},
		{name: `${base}.2.zst`, index: 2, extension: '.zst'},
	]);
});

// A property (fast-check): a rotation plan keeps the newest archives and loses nothing else.
/** Archive names of `base`: index 1..30, any extension, plus names that are not archives. */
const listing = fc.record({
	archives: fc.uniqueArray(fc.tuple(fc.integer({min: 1, max: 30}), fc.constantFrom('', ...archiveExtensions)), {maxLength: 25, selector: ([index, extension]) => `${index}${extension}`}),
	others: fc.uniqueArray(fc.constantFrom('app.log.lock', '.app.log.compress.12', 'app.log.0', 'app.log.x', 'other.log.1', 'app.log.1.tmp', 'app.logx.2'), {maxLength: 5}),
	hasBase: fc.boolean(),
	keep: fc.integer({min: 0, max: 15}),
});

test('rotation plan: keeps the newest archives, renumbered 1..N in order, never overwrites, loses nothing else', t => {
	t.notThrows(() => {
		fc.assert(fc.property(listing, ({archives, others, hasBase, keep}) => {
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
	});
});
