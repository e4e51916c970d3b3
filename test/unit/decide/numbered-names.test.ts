// The rename plan, applied to a simulated directory: it never overwrites a name, leaves base.1 ..
// base.k contiguous with the newest content first, closes gaps, moves compressed variants with
// their index, and leaves every other name alone.
import test from 'ava';
import {findArchives, planRotation, type PlanStep} from '../../../src/decide/numbered-names.js';

const base = 'app.log';
const unrelated = ['app.log.lock', 'app.log.txt', 'otherapp.log.1', 'app.log.01', 'app.log.0', 'app.log.1.txt', 'app.log.-1', '.app.log.1.tmp', 'app.log.1.gz.part', 'app.log1', 'app.logs.1'];

/** A directory: name -> content. The content of an archive is a tag of what it held at the start. */
type Directory = Map<string, string>;

/** Applies the plan the way rotation.ts does, failing on anything that would lose or clobber data. */
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
