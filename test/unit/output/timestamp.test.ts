// --timestamp (output/timestamp.ts): the ISO and unix stamps, and stampLines prefixing every line.
import test from 'ava';
import {formatIso, formatUnix, stampLines} from '../../../src/output/timestamp.js';

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
