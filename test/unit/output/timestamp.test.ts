// --timestamp (output/timestamp.ts): the ISO and unix stamps, stampLines prefixing every line, and
// unstampedBytes: after a short write of stamped lines, how much of the unstamped input it took.
import test from 'ava';
import {formatIso, formatUnix, stampLines, unstampedBytes} from '../../../src/output/timestamp.js';

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
