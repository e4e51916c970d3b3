// LineMerge: whole lines of several sources in one write, partial lines kept apart, batches bounded;
// and a fast-check property: any line-aligned prefixes taken lose and repeat nothing.
import test from 'ava';
import fc from 'fast-check';
import {LineMerge} from '../../../src/input/merge.js';

const batchLimit = 1024 * 1024;

function recorder() {
	const writes: string[] = [];
	const write = (lines: Buffer) => {
		writes.push(lines.toString('latin1'));
	};

	const merge = new LineMerge(batchLimit);
	return {
		writes,
		merge: {
			add: (capacity: number) => merge.add(capacity),
			flush() {
				merge.flush(write);
			},
			finish() {
				merge.finish(write);
			},
		},
	};
}

test('one source with lines: written in place, partial line kept', t => {
	const {writes, merge} = recorder();
	const a = merge.add(16);
	merge.add(16);
	a.push(Buffer.from('one\ntwo\nthr'));
	merge.flush();
	t.deepEqual(writes, ['one\ntwo\n']);
	a.push(Buffer.from('ee\n'));
	merge.flush();
	t.deepEqual(writes, ['one\ntwo\n', 'three\n']);
});

test('several sources: one write, each partial line stays with its source', t => {
	const {writes, merge} = recorder();
	const a = merge.add(16);
	const b = merge.add(16);
	const c = merge.add(16);
	a.push(Buffer.from('a1\na2-part'));
	b.push(Buffer.from('b-part'));
	c.push(Buffer.from('c1\n'));
	merge.flush();
	t.deepEqual(writes, ['a1\nc1\n']);
	b.push(Buffer.from('-end\n'));
	a.push(Buffer.from('-end\n'));
	merge.flush();
	t.deepEqual(writes, ['a1\nc1\n', 'a2-part-end\nb-part-end\n']);
});

test('finish ends every partial line with a newline', t => {
	const {writes, merge} = recorder();
	const a = merge.add(16);
	const b = merge.add(16);
	a.push(Buffer.from('a1\na2'));
	b.push(Buffer.from('b1'));
	merge.finish();
	t.deepEqual(writes.join(''), 'a1\na2\nb1\n');
	t.false(writes.some(write => !write.endsWith('\n')));
});

test('nothing ready: no write', t => {
	const {writes, merge} = recorder();
	merge.add(16).push(Buffer.from('partial'));
	merge.flush();
	t.deepEqual(writes, []);
});

test('batches stay within the limit, and a source with more than the limit is written alone', t => {
	const {writes, merge} = recorder();
	const line = (letter: string, bytes: number) => `${letter.repeat(bytes - 1)}\n`;
	const sources = ['a', 'b', 'c'].map(() => merge.add(1024));
	const big = merge.add(1024);
	for (const [index, source] of sources.entries()) {
		source.push(Buffer.from(line('abc'.charAt(index), (batchLimit / 2) - 10)));
	}

	big.push(Buffer.from(line('z', batchLimit + 5)));
	merge.flush();
	t.deepEqual(writes.map(write => write.length), [batchLimit - 20, (batchLimit / 2) - 10, batchLimit + 5]);
	t.is(writes.join(''), sources.map((_, index) => line('abc'.charAt(index), (batchLimit / 2) - 10)).join('') + line('z', batchLimit + 5));
});

// A property (fast-check): several sources offered together, taken in any line-aligned prefixes.
const newline = 0x0a;

test('merge: several sources offered together, taken in any line-aligned prefixes, lose and repeat nothing', t => {
	t.notThrows(() => {
		fc.assert(fc.property(fc.array(fc.array(fc.integer({min: 0, max: 40}), {maxLength: 30}), {minLength: 1, maxLength: 5}), fc.array(fc.nat(), {maxLength: 30}), fc.integer({min: 8, max: 400}), (sources, takes, batchLimit) => {
			const merge = new LineMerge(batchLimit);
			const framers = sources.map(() => merge.add(16));
			// Source s's line k is "s:k:" padded to a length from the input, so lines are told apart.
			const input = sources.map((lengths, s) => lengths.map((length, k) => `${s}:${k}:${'x'.repeat(length)}\n`));
			let turn = 0;
			const out: string[] = [];
			const take = (lines: Buffer): number => {
				const choice = takes[turn++] ?? 0;
				const taken = choice % 2 === 1 ? lines.indexOf(newline, choice % lines.length) + 1 : lines.length;
				out.push(lines.subarray(0, taken).toString('latin1'));
				return taken;
			};

			for (const [s, lines] of input.entries()) {
				framers[s]!.push(Buffer.from(lines.join(''), 'latin1'));
			}

			for (let guard = 0; !merge.offerAll(take); guard++) {
				if (guard > 1000) {
					throw new Error('never drained');
				}
			}

			// Every source's lines, once each and in order.
			const got = out.join('').split('\n').slice(0, -1);
			return input.every((lines, s) => JSON.stringify(got.filter(line => line.startsWith(`${s}:`))) === JSON.stringify(lines.map(line => line.slice(0, -1))))
				&& got.length === input.flat().length;
		}), {numRuns: 300});
	});
});
