// unstampedBytes: after a short write of stamped lines, how much of the unstamped input it took.
import test from 'ava';
import {stampLines, unstampedBytes} from '../../../src/output/timestamp.js';

const input = Buffer.from('a\nbb\n\nccc\n');
const stamped = stampLines(input, '1764182400.123');

// Each row: stamped bytes written, unstamped bytes they stand for.
const table: Array<[number, number]> = [
	[0, 0],
	['1764182400.123 a\n'.length, 2],
	['1764182400.123 a\n1764182400.123 bb\n'.length, 5],
	['1764182400.123 a\n1764182400.123 bb\n1764182400.123 \n'.length, 6],
	[stamped.length, input.length],
];

for (const [written, taken] of table) {
	test(`unstampedBytes: ${written} stamped bytes written are ${taken} bytes of input`, t => {
		t.is(unstampedBytes(input, stamped, written), taken);
	});
}

test('unstampedBytes: every line end of the stamped copy maps to the same line end of the input', t => {
	const ends: number[] = [];
	for (let at = stamped.indexOf(0x0a); at !== -1; at = stamped.indexOf(0x0a, at + 1)) {
		ends.push(unstampedBytes(input, stamped, at + 1));
	}

	t.deepEqual(ends, [2, 5, 6, 10]);
});

test('unstampedBytes: nothing written, nothing taken, whatever the lines', t => {
	t.is(unstampedBytes(Buffer.alloc(0), Buffer.alloc(0), 0), 0);
});
