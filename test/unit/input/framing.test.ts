// LineFramer is byte-exact: however the input is cut into chunks, the same bytes come out, in
// whole lines only, and a last line without a newline gets one at the end (tables, seeded random
// chunkings, and a fast-check property that also takes line-aligned prefixes as a full disk does).
import test from 'ava';
import fc from 'fast-check';
import {LineFramer} from '../../../src/input/framing.js';
import {lineBody, nastyInput, randomBelow, seededRandom} from '../../helpers/lines.js';

const newline = 0x0a;

/** What the framer must hand out in the end: the input, with a newline added if it lacks one. */
function expected(input: Buffer): Buffer {
	return input.at(-1) === newline ? input : Buffer.concat([input, Buffer.from('\n')]);
}

/**
 * Feeds `chunks` to the framer, draining after every chunk (as the write loop does) or only at
 * the end, and checks each hand-out: it ends with a newline, and it is exactly the complete lines
 * pushed so far that were not handed out yet. Returns everything handed out.
 */
function frame(framer: LineFramer, chunks: readonly Buffer[], drainEachChunk: boolean): Buffer {
	const out: Buffer[] = [];
	let outLength = 0;
	let pushed = Buffer.alloc(0);
	const take = (lines: Buffer) => {
		if (lines.length === 0 || lines.at(-1) !== newline) {
			throw new Error(`handed out ${lines.length} bytes not ending with a newline at ${outLength}`);
		}

		// Copy: the framer reuses its memory.
		out.push(Buffer.from(lines));
		outLength += lines.length;
	};

	for (const chunk of chunks) {
		framer.push(chunk);
		if (drainEachChunk) {
			pushed = Buffer.concat([pushed, chunk]);
			framer.drainLines(take);
			// Everything up to the last newline pushed so far is out, and nothing after it.
			const lastEnd = pushed.lastIndexOf(newline) + 1;
			if (outLength !== lastEnd || framer.heldBytes !== pushed.length - lastEnd || framer.readyBytes !== 0) {
				throw new Error(`after ${pushed.length} bytes: handed out ${outLength}, expected ${lastEnd}; held ${framer.heldBytes}`);
			}
		}
	}

	framer.drainAll(take);
	if (framer.heldBytes !== 0 || framer.readyBytes !== 0) {
		throw new Error(`framer still holds ${framer.heldBytes} bytes after drainAll`);
	}

	return Buffer.concat(out);
}

/** Cuts `input` into chunks of random sizes between 1 and `largest` bytes (and some empty ones). */
function randomChunks(input: Buffer, random: () => number, largest: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let at = 0; at < input.length;) {
		const size = random() < 0.05 ? 0 : 1 + randomBelow(random, largest);
		chunks.push(input.subarray(at, at + size));
		at += size;
	}

	return chunks;
}

const small = nastyInput(1);

test('the nasty input is as nasty as it claims', t => {
	t.true(small.includes(Buffer.from([0xFF, 0xFE])));
	t.true(small.includes(0));
	t.true(small.includes(Buffer.from('\r\n')));
	t.true(small.includes(Buffer.from('\n\n')));
	t.not(small.at(-1), newline);
	t.throws(() => new TextDecoder('utf-8', {fatal: true}).decode(small));
});

test('split into two chunks at every byte offset, the same bytes come out', t => {
	const want = expected(small);
	const framer = new LineFramer();
	let failures = 0;
	for (let at = 0; at <= small.length; at++) {
		for (const drainEachChunk of [true, false]) {
			const got = frame(framer, [small.subarray(0, at), small.subarray(at)], drainEachChunk);
			if (!got.equals(want) && failures++ < 3) {
				t.fail(`split at ${at} (drain each chunk: ${drainEachChunk}): output differs`);
			}
		}
	}

	t.is(failures, 0);
});

test('one byte at a time, the same bytes come out', t => {
	const chunks = [...small].map(byte => Buffer.from([byte]));
	t.true(frame(new LineFramer(), chunks, true).equals(expected(small)));
});

test('random chunkings give the same bytes', t => {
	const random = seededRandom(7);
	const want = expected(small);
	const framer = new LineFramer();
	for (let round = 0; round < 300; round++) {
		const drainEachChunk = round % 2 === 0;
		const got = frame(framer, randomChunks(small, random, 1 + randomBelow(random, 200)), drainEachChunk);
		t.true(got.equals(want), `round ${round}`);
	}
});

test('input ending with a newline gets no extra one', t => {
	const input = Buffer.from('a\r\n\0\n\n');
	t.true(frame(new LineFramer(), [input], true).equals(input));
	t.true(frame(new LineFramer(), [input], false).equals(input));
});

test('a last line without newline gets one at drainAll, and only there', t => {
	const framer = new LineFramer();
	framer.push(Buffer.from('one\ntwo\nthr'));
	framer.push(Buffer.from('ee'));
	const handed: string[] = [];
	framer.drainLines(lines => handed.push(lines.toString('latin1')));
	t.deepEqual(handed, ['one\ntwo\n']);
	framer.drainLines(lines => handed.push(lines.toString('latin1')));
	t.deepEqual(handed, ['one\ntwo\n'], 'nothing complete: nothing handed out');
	t.is(framer.heldBytes, 5);
	framer.drainAll(lines => handed.push(lines.toString('latin1')));
	t.deepEqual(handed, ['one\ntwo\n', 'three\n']);
	framer.drainAll(lines => handed.push(lines.toString('latin1')));
	t.is(handed.length, 2, 'a second drainAll has nothing to hand out');
});

test('empty input hands out nothing', t => {
	const framer = new LineFramer();
	framer.push(Buffer.alloc(0));
	let calls = 0;
	framer.drainLines(() => calls++);
	framer.drainAll(() => calls++);
	t.is(calls, 0);
});

test('the framer copies chunks: reusing a chunk\'s memory after push changes nothing', t => {
	const framer = new LineFramer();
	const chunk = Buffer.from('abc\nde');
	framer.push(chunk);
	chunk.fill(0x78);
	framer.push(chunk.subarray(0, 2));
	const out: Buffer[] = [];
	framer.drainAll(lines => out.push(Buffer.from(lines)));
	t.is(Buffer.concat(out).toString('latin1'), 'abc\ndexx\n');
});

test('when write throws, the lines stay for the next attempt', t => {
	const framer = new LineFramer();
	framer.push(Buffer.from('a\nb\nc'));
	t.throws(() => {
		framer.drainLines(() => {
			throw new Error('disk full');
		});
	}, {message: 'disk full'});
	t.is(framer.readyBytes, 4);
	framer.push(Buffer.from('\n'));
	const out: string[] = [];
	framer.drainLines(lines => out.push(lines.toString('latin1')));
	t.deepEqual(out, ['a\nb\nc\n']);
});

// A line longer than the framer's initial 4 MiB buffer: it must grow, hand the line out whole,
// and shrink back without losing what follows.
const bigLine = lineBody(seededRandom(3), 5 * 1024 * 1024 + 17);
const big = Buffer.concat([small, Buffer.from('\n'), bigLine, Buffer.from('\n'), small]);
const bigStart = small.length + 1;
const bigEnd = bigStart + bigLine.length;

test('a 5 MiB line split at chosen offsets comes out whole and exact', t => {
	const want = expected(big);
	const framer = new LineFramer();
	const offsets = [0, 1, bigStart - 1, bigStart, bigStart + 1, bigStart + 4 * 1024 * 1024, bigEnd - 1, bigEnd, bigEnd + 1, big.length - 1, big.length];
	for (const at of offsets) {
		for (const drainEachChunk of [true, false]) {
			const got = frame(framer, [big.subarray(0, at), big.subarray(at)], drainEachChunk);
			t.true(got.equals(want), `split at ${at} (drain each chunk: ${drainEachChunk})`);
		}
	}
});

test('a 5 MiB line in random chunkings comes out whole and exact, in one hand-out', t => {
	const random = seededRandom(11);
	const want = expected(big);
	const framer = new LineFramer();
	for (let round = 0; round < 6; round++) {
		const largest = [64 * 1024, 1024 * 1024, 3 * 1024 * 1024][round % 3]!;
		const chunks = randomChunks(big, random, largest);
		t.true(frame(framer, chunks, round % 2 === 0).equals(want), `round ${round}`);
	}

	// The big line never reaches the writer in pieces: with draining after each chunk, the
	// hand-out that holds its first byte also holds its newline.
	const handouts: Buffer[] = [];
	framer.push(big.subarray(0, bigStart + 1000));
	framer.drainLines(lines => handouts.push(Buffer.from(lines)));
	for (let at = bigStart + 1000; at < big.length; at += 512 * 1024) {
		framer.push(big.subarray(at, at + 512 * 1024));
		framer.drainLines(lines => handouts.push(Buffer.from(lines)));
	}

	framer.drainAll(lines => handouts.push(Buffer.from(lines)));
	const holder = handouts.find(lines => lines.includes(bigLine.subarray(0, 64)));
	t.truthy(holder);
	t.true(holder!.includes(Buffer.concat([bigLine, Buffer.from('\n')])));
	t.true(Buffer.concat(handouts).equals(want));
});

// A property (fast-check): framing is the same for any chunking of any bytes and any prefix a full
// disk lets through.
/** Bytes with plenty of newlines (and every other byte value). */
const bytes = fc.uint8Array({maxLength: 2000}).chain(body => fc.uint8Array({minLength: body.length, maxLength: body.length}).map(mask => {
	const out = Uint8Array.from(body);
	for (let i = 0; i < out.length; i++) {
		if (mask[i]! < 20) {
			out[i] = newline;
		}
	}

	return out;
}));

/** `input` cut at the given offsets. */
function cut(input: Uint8Array, offsets: number[]): Uint8Array[] {
	const points = [0, ...offsets.map(offset => offset % (input.length + 1)).sort((a, b) => a - b), input.length];
	return points.slice(1).map((end, at) => input.subarray(points[at], end));
}

/** What the framer hands out for `input` taken whole: nothing for nothing, else the input ending in a newline. */
function expectedOutput(input: Uint8Array): Buffer {
	return input.length === 0 || input.at(-1) === newline ? Buffer.from(input) : Buffer.concat([input, Buffer.from('\n')]);
}

test('framing: any chunking of any bytes, taken in any line-aligned prefixes, yields the input\'s lines', t => {
	t.notThrows(() => {
		fc.assert(fc.property(bytes, fc.array(fc.nat(), {maxLength: 40}), fc.array(fc.nat(), {maxLength: 40}), fc.nat({max: 64}), (input, offsets, takes, capacity) => {
			const framer = new LineFramer(1 + capacity);
			const out: Buffer[] = [];
			let turn = 0;
			// A `take` that, like a full disk, sometimes takes only some whole lines (or none).
			const take = (lines: Buffer): number => {
				if (lines.at(-1) !== newline) {
					throw new Error('offered bytes that do not end a line');
				}

				// The disk frees up in the end: once the planned choices are used up, everything is taken.
				const choice = takes[turn++] ?? 0;
				let taken = lines.length;
				if (choice % 3 === 1) {
					taken = 0;
				} else if (choice % 3 === 2) {
					const end = lines.indexOf(newline, choice % lines.length);
					taken = end + 1;
				}

				out.push(Buffer.from(lines.subarray(0, taken)));
				return taken;
			};

			for (const chunk of cut(input, offsets)) {
				framer.push(chunk);
				framer.offerLines(take);
			}

			for (let guard = 0; !framer.offerAll(take); guard++) {
				if (guard > 10_000) {
					throw new Error('never drained');
				}
			}

			return Buffer.concat(out).equals(expectedOutput(input)) && framer.heldBytes === 0;
		}), {numRuns: 300});
	});
});

/** Pushes `chunks` into a framer limited to `maxLine`, then ends it: everything handed out, and the lines split. */
function framedWithLimit(maxLine: number, chunks: readonly string[]): {out: string; cut: number} {
	const framer = new LineFramer(16, maxLine);
	let out = '';
	for (const chunk of chunks) {
		framer.push(Buffer.from(chunk, 'latin1'));
		framer.drainLines(lines => {
			out += lines.toString('latin1');
		});
	}

	framer.drainAll(lines => {
		out += lines.toString('latin1');
	});
	return {out, cut: framer.cutLines};
}

const limits: Array<[string, number, string[], string, number]> = [
	['a line of exactly the limit is kept whole', 4, ['abcd\n'], 'abcd\n', 0],
	['one byte over: split at the limit, nothing lost', 4, ['abcde\n'], 'abcd\ne\n', 1],
	['the lines after a split line are kept', 4, ['ab\na', 'bcde', 'fgh\n', 'xy\n'], 'ab\nabcd\nefgh\nxy\n', 1],
	['a line split several times is counted once', 4, ['abc', 'def', 'ghi', 'jk\nok\n'], 'abcd\nefgh\nijk\nok\n', 1],
	['a long line completing in the chunk that passes the limit', 4, ['ab', 'cdefg\nok\n'], 'abcd\nefg\nok\n', 1],
	['two long lines, two splits', 3, ['aaa', 'aa\nb', 'bbbbb', 'b\nc\n'], 'aaa\naa\nbbb\nbbb\nb\nc\n', 2],
	['a line of exactly twice the limit: no empty line', 4, ['abcd', 'efgh', '\n'], 'abcd\nefgh\n', 1],
	['input ending inside a split line gets its newline', 4, ['abcdefgh', 'ij'], 'abcd\nefgh\nij\n', 1],
	['input ending inside a kept line gets its newline', 4, ['ok\nabc'], 'ok\nabc\n', 0],
	['CR and NUL count as bytes of the line', 4, ['a\r\0b\r\n'], 'a\r\0b\n\r\n', 1],
];

for (const [title, maxLine, chunks, out, cut] of limits) {
	test(`maxLine: ${title}`, t => {
		t.deepEqual(framedWithLimit(maxLine, chunks), {out, cut});
	});
}

// Reads are never longer than the limit (--max-line is at least the largest read), and so chunks
// here are at most 16 bytes: then any chunking gives the same lines.
test('maxLine: every chunking of the same input, in chunks up to the limit, splits the same lines', t => {
	const random = seededRandom(21);
	const input = 'short\n' + 'x'.repeat(50) + '\nmid-size-line\n' + 'y'.repeat(17) + '\n' + 'z'.repeat(90);
	const once = framedWithLimit(16, [...input]);
	const pieces = (text: string) => (text.match(/.{1,16}/g) ?? []).map(piece => `${piece}\n`).join('');
	t.deepEqual(once, {out: `short\n${pieces('x'.repeat(50))}mid-size-line\n${pieces('y'.repeat(17))}${pieces('z'.repeat(90))}`, cut: 3});
	for (let round = 0; round < 200; round++) {
		const chunks: string[] = [];
		for (let at = 0; at < input.length;) {
			const size = 1 + randomBelow(random, 16);
			chunks.push(input.slice(at, at + size));
			at += size;
		}

		t.deepEqual(framedWithLimit(16, chunks), once, JSON.stringify(chunks));
	}
});
