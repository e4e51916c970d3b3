// Table tests for the one rotation decision (fit, split, or rotate and why), the same question
// asked by maintenance, plus a simulation of many batches that checks the strict size rule on
// the files it would produce.
import test from 'ava';
import {parseInterval} from '../../../src/decide/period.js';
import {firstLineBytes, nextStep, rotationDue, type RotationReason, type Step, wholeLinesWithin} from '../../../src/decide/rotation.js';
import {randomBelow, seededRandom} from '../../helpers/lines.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

const steps: Array<[string, number, number | undefined, string, Step]> = [
	['no --max: everything, whatever the size', 10 ** 12, undefined, 'abc\ndef\n', {kind: 'write', bytes: 8}],
	['fits with room to spare', 0, 100, 'abc\n', {kind: 'write', bytes: 4}],
	['fits exactly', 96, 100, 'abc\n', {kind: 'write', bytes: 4}],
	['into an empty file, exactly max', 0, 8, 'abc\ndef\n', {kind: 'write', bytes: 8}],
	['split: the first two lines fill the file exactly', 90, 100, 'aaaa\nbbbb\ncccc\n', {kind: 'write', bytes: 10}],
	['split: one byte short of two lines, one line fits', 91, 100, 'aaaa\nbbbb\ncccc\n', {kind: 'write', bytes: 5}],
	['split at an empty line', 98, 100, '\n\nlong line\n', {kind: 'write', bytes: 2}],
	['split: CR is not a line end', 90, 100, 'aa\rbb\ncc\r\ndddddddd\n', {kind: 'write', bytes: 10}],
	['oversize single line into an empty file goes alone', 0, 4, 'aaaaaaaa\nbb\n', {kind: 'write', bytes: 9}],
	['oversize last line of a batch into an empty file', 0, 4, 'aaaaaaaa\n', {kind: 'write', bytes: 9}],
	['one byte over: rotate', 97, 100, 'abc\n', {kind: 'rotate', reason: 'size'}],
	['oversize line with a non-empty file: rotate first', 1, 4, 'aaaaaaaa\n', {kind: 'rotate', reason: 'size'}],
	['file already full: rotate', 100, 100, '\n', {kind: 'rotate', reason: 'size'}],
	['file bigger than max (made with a larger --max): rotate', 500, 100, 'a\n', {kind: 'rotate', reason: 'size'}],
	['max of one byte: an empty line fits an empty file', 0, 1, '\n\n', {kind: 'write', bytes: 1}],
	['max of one byte: a second empty line needs a rotation', 1, 1, '\n', {kind: 'rotate', reason: 'size'}],
];

for (const [title, fileSize, max, batch, step] of steps) {
	test(`nextStep: ${title}`, t => {
		t.deepEqual(nextStep({size: fileSize, mtimeMs: 0}, {max}, bytes(batch)), step);
	});
}

// The period comes first: a FILE last written before the present period is archived before any
// line of the present one is written to it, full or not; an empty FILE never is.
const periodSteps: Array<[string, {size: number; mtimeMs: number}, number | undefined, string, Step]> = [
	['written in an earlier period: rotate', {size: 10, mtimeMs: 999}, undefined, 'abc\n', {kind: 'rotate', reason: 'period'}],
	['earlier period wins over size', {size: 100, mtimeMs: 999}, 100, 'abc\n', {kind: 'rotate', reason: 'period'}],
	['written in this period: write', {size: 10, mtimeMs: 1000}, undefined, 'abc\n', {kind: 'write', bytes: 4}],
	['empty FILE of an earlier period: write', {size: 0, mtimeMs: 0}, undefined, 'abc\n', {kind: 'write', bytes: 4}],
	['this period, full: rotate for size', {size: 100, mtimeMs: 1500}, 100, 'abc\n', {kind: 'rotate', reason: 'size'}],
];

for (const [title, file, max, batch, step] of periodSteps) {
	test(`nextStep with a period starting at 1000: ${title}`, t => {
		t.deepEqual(nextStep(file, {max, periodStart: 1000}, bytes(batch)), step);
	});
}

const within: Array<[string, number, number]> = [
	['abc\ndef\n', 100, 8],
	['abc\ndef\n', 8, 8],
	['abc\ndef\n', 7, 4],
	['abc\ndef\n', 4, 4],
	['abc\ndef\n', 3, 0],
	['abc\ndef\n', 0, 0],
	['abc\ndef\n', -5, 0],
	['\n\n\n', 2, 2],
	['\n\n\n', 1, 1],
	['a\r\nb\r\n', 5, 3],
	['', 0, 0],
];

for (const [batch, limit, length] of within) {
	test(`wholeLinesWithin(${JSON.stringify(batch)}, ${limit}) is ${length}`, t => {
		t.is(wholeLinesWithin(bytes(batch), limit), length);
	});
}

const first: Array<[string, number]> = [
	['abc\ndef\n', 4],
	['\n', 1],
	['\n\nabc\n', 1],
	['a\rb\r\nc\n', 5],
	['no newline', 10],
	['', 0],
];

for (const [batch, length] of first) {
	test(`firstLineBytes(${JSON.stringify(batch)}) is ${length}`, t => {
		t.is(firstLineBytes(bytes(batch)), length);
	});
}

test('following nextStep over random batches keeps every file within max, or one longer line alone, and rotates only when the next line does not fit', t => {
	const random = seededRandom(5);
	for (let round = 0; round < 200; round++) {
		const max = 1 + randomBelow(random, 120);
		const files: string[] = [''];
		let written = '';
		let input = '';
		for (let b = 0; b < 20; b++) {
			const lines: string[] = [];
			for (let count = 1 + randomBelow(random, 6); count > 0; count--) {
				// Mostly short lines, some longer than max.
				lines.push('x'.repeat(random() < 0.1 ? max + randomBelow(random, 50) : randomBelow(random, 30)) + '\n');
			}

			let batch = bytes(lines.join(''));
			input += batch.toString('latin1');
			for (let guard = 0; batch.length > 0; guard++) {
				if (guard > 1000) {
					t.fail('no progress');
					return;
				}

				const step = nextStep({size: Buffer.byteLength(files.at(-1)!, 'latin1'), mtimeMs: 0}, {max}, batch);
				if (step.kind === 'rotate') {
					t.not(files.at(-1), '', 'never rotates an empty file');
					files.push('');
					continue;
				}

				t.true(step.bytes > 0 && step.bytes <= batch.length && batch[step.bytes - 1] === 0x0a, 'writes whole lines');
				const part = batch.subarray(0, step.bytes).toString('latin1');
				files[files.length - 1] += part;
				written += part;
				batch = batch.subarray(step.bytes);
			}
		}

		t.is(written, input, `round ${round}: bytes in order`);
		for (const [index, file] of files.entries()) {
			const lines = file.split('\n').length - 1;
			if (file.length > max) {
				t.is(lines, 1, `round ${round}, max ${max}: file ${index} is over max with ${lines} lines`);
			}

			const next = files[index + 1];
			if (next !== undefined) {
				const nextFirstLine = next.indexOf('\n') + 1;
				t.true(file.length + nextFirstLine > max, `round ${round}: file ${index} rotated while the next line fit`);
			}
		}
	}
});

const at = (iso: string) => Date.parse(iso);

test('rotationDue: an earlier period or a full file; never an empty file', t => {
	const now = at('2026-11-26T12:00:00Z');
	const daily = {interval: parseInterval('interval', 'daily'), zone: 'UTC'};
	const yesterday = at('2026-11-25T23:59:59Z');
	const table: Array<[{size: number; mtimeMs: number}, Parameters<typeof rotationDue>[1], RotationReason | undefined]> = [
		[{size: 10, mtimeMs: yesterday}, daily, 'period'],
		[{size: 0, mtimeMs: yesterday}, daily, undefined],
		[{size: 10, mtimeMs: at('2026-11-26T00:00:00Z')}, daily, undefined],
		// Downtime: last written a month ago, first write today rotates.
		[{size: 10, mtimeMs: at('2026-10-01T00:00:00Z')}, daily, 'period'],
		// Clock stepped back: FILE from the future is not rotated.
		[{size: 10, mtimeMs: at('2026-11-27T01:00:00Z')}, daily, undefined],
		[{size: 100, mtimeMs: now}, {max: 100}, 'size'],
		[{size: 99, mtimeMs: now}, {max: 100}, undefined],
		[{size: 100, mtimeMs: yesterday}, {...daily, max: 100}, 'period'],
		[{size: 0, mtimeMs: now}, {max: 1}, undefined],
		[{size: 10, mtimeMs: yesterday}, {}, undefined],
	];
	for (const [file, rules, expected] of table) {
		t.is(rotationDue(file, rules, now), expected, JSON.stringify([file, rules]));
	}
});

test('rotationDue: forced rotates any non-empty FILE, and never an empty one', t => {
	const now = at('2026-11-26T12:00:00Z');
	t.is(rotationDue({size: 1, mtimeMs: now}, {max: 100}, now, true), 'forced');
	t.is(rotationDue({size: 1, mtimeMs: 0}, {}, now, true), 'forced');
	t.is(rotationDue({size: 0, mtimeMs: 0}, {max: 1}, now, true), undefined);
});

test('maintenance rotates exactly when a writer would rotate before a one-byte line', t => {
	const random = seededRandom(11);
	const now = at('2026-11-26T12:00:00Z');
	const hourly = parseInterval('interval', 'hourly');
	for (let round = 0; round < 500; round++) {
		const file = {size: randomBelow(random, 3) === 0 ? 0 : randomBelow(random, 200), mtimeMs: now - randomBelow(random, 3 * 3_600_000)};
		const max = randomBelow(random, 2) === 0 ? undefined : 1 + randomBelow(random, 200);
		const interval = randomBelow(random, 2) === 0 ? undefined : hourly;
		const step = nextStep(file, {max, periodStart: interval ? Math.floor(now / 3_600_000) * 3_600_000 : undefined}, bytes('\n'));
		t.is(rotationDue(file, {max, interval, zone: 'UTC'}, now), step.kind === 'rotate' ? step.reason : undefined, JSON.stringify({file, max, interval}));
	}
});
