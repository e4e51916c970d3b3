// RecordReader: NUL as a record end (sockets), --syslog priorities, --max-record cuts and --tag
// prefixes give the same lines however the bytes are cut into reads (tables and a property).
import test from 'ava';
import fc from 'fast-check';
import {LineFramer} from '../../../src/input/framing.js';
import {priorityLength, RecordReader, type RecordOptions} from '../../../src/input/records.js';

/** Everything the reader hands its framer for `chunks`, then end(); and the cuts counted. */
function read(chunks: ReadonlyArray<string | Buffer>, options: RecordOptions = {}): {text: string; cuts: number} {
	const framer = new LineFramer(64);
	let cuts = 0;
	const reader = new RecordReader(framer, {...options, onCut: () => cuts++});
	for (const chunk of chunks) {
		// A copy: the reader may rewrite NULs in place, and the caller's strings stay as they are.
		reader.push(Buffer.from(chunk));
	}

	reader.end();
	let text = '';
	framer.drainAll(lines => {
		text += lines.toString('latin1');
	});
	return {text, cuts};
}

function datagrams(list: readonly string[], options: RecordOptions = {}): string {
	const framer = new LineFramer(64);
	const reader = new RecordReader(framer, options);
	for (const datagram of list) {
		reader.pushDatagram(Buffer.from(datagram, 'latin1'));
	}

	let text = '';
	framer.drainAll(lines => {
		text += lines.toString('latin1');
	});
	return text;
}

test('priorityLength: <N> with 1 to 3 digits, undecided at the end of the bytes', t => {
	const cases: Array<[string, number]> = [
		['<13>hi', 4], ['<1>', 3], ['<191>x', 5], ['<>x', 0], ['<1234>x', 0], ['<1a>', 0], ['x<13>', 0],
		['<', -1], ['<13', -1], ['<123', -1], ['', -1],
	];
	for (const [text, expected] of cases) {
		t.is(priorityLength(Buffer.from(text), 0), expected, text);
	}
});

test('NUL ends a record on sockets and is written as a newline; without nul it is a byte like any', t => {
	t.is(read(['a\0b\nc\0'], {nul: true}).text, 'a\nb\nc\n');
	t.is(read(['a\0b\nc'], {}).text, 'a\0b\nc\n');
	t.is(read(['partial'], {nul: true}).text, 'partial\n', 'a record cut by the end gets a newline');
});

test('--syslog drops a leading priority of every record, even split across reads, and nothing else', t => {
	const options = {syslog: true, nul: true};
	t.is(read(['<13>one\0<6>two\n<134>three\0'], options).text, 'one\ntwo\nthree\n');
	t.is(read(['<1', '3>split\0<', '6', '>x\0'], options).text, 'split\nx\n');
	t.is(read(['no <13> inside\n<1234>long\n<x>not\n'], options).text, 'no <13> inside\n<1234>long\n<x>not\n');
	t.is(read(['<13'], options).text, '<13\n', 'an undecided start at the end is data');
	t.is(read(['<13>'], options).text, '\n', 'a record of only a priority is an empty line');
});

test('--tag prefixes each line, continuing lines across reads get one prefix', t => {
	const prefix = Buffer.from('unix:/s#1 ');
	t.is(read(['a\nb', 'c\n\nd'], {prefix}).text, 'unix:/s#1 a\nunix:/s#1 bc\nunix:/s#1 \nunix:/s#1 d\n');
	t.is(read([], {prefix}).text, '', 'no bytes, no line');
	t.is(read(['<13>x\0'], {prefix, syslog: true, nul: true}).text, 'unix:/s#1 x\n', 'the tag replaces no byte of the record');
});

test('--max-record cuts a longer record into lines of at most that many bytes, counting it once', t => {
	t.deepEqual(read(['abcdefghij\nxy\n'], {maxRecord: 4}), {text: 'abcd\nefgh\nij\nxy\n', cuts: 1});
	t.deepEqual(read(['ab', 'cd', 'ef', '\n'], {maxRecord: 4}), {text: 'abcd\nef\n', cuts: 1});
	t.deepEqual(read(['abcd\n', 'abcd'], {maxRecord: 4}), {text: 'abcd\nabcd\n', cuts: 0}, 'exactly the limit is no cut');
	t.deepEqual(read(['abcdef\nabcdef\n'], {maxRecord: 4, prefix: Buffer.from('t ')}), {text: 't abcd\nt ef\nt abcd\nt ef\n', cuts: 2}, 'the prefix is not counted');
	t.deepEqual(read(['<1>abcdef\n'], {maxRecord: 4, syslog: true}), {text: 'abcd\nef\n', cuts: 1}, 'the rest of a cut record keeps its bytes, <N> or not');
});

test('a datagram is one record: a trailing NUL and newline dropped, the priority only at its start', t => {
	t.is(datagrams(['one\n', 'two\0', 'three\n\0', 'four'], {nul: true}), 'one\ntwo\nthree\nfour\n');
	t.is(datagrams(['<13>a\n<14>b\n'], {nul: true, syslog: true}), 'a\n<14>b\n');
	t.is(datagrams(['a\nb', ''], {prefix: Buffer.from('udp:x '), nul: true}), 'udp:x a\nudp:x b\nudp:x \n');
});

test('property: however the bytes are cut into reads, the lines are the same', t => {
	const byte = fc.constantFrom(0x0a, 0x00, 0x3c, 0x3e, 0x31, 0x32, 0x61, 0xff);
	fc.assert(fc.property(
		fc.array(byte, {maxLength: 300}),
		fc.array(fc.integer({min: 1, max: 40}), {minLength: 1, maxLength: 20}),
		fc.record({syslog: fc.boolean(), nul: fc.boolean(), tag: fc.boolean(), maxRecord: fc.option(fc.integer({min: 1, max: 20}), {nil: undefined})}),
		(bytes, sizes, flags) => {
			const input = Buffer.from(bytes);
			const options: RecordOptions = {syslog: flags.syslog, nul: flags.nul, maxRecord: flags.maxRecord, prefix: flags.tag ? Buffer.from('t ') : undefined};
			const whole = read([input], options);
			const chunks: Buffer[] = [];
			for (let at = 0, index = 0; at < input.length; index++) {
				const size = sizes[index % sizes.length]!;
				chunks.push(input.subarray(at, at + size));
				at += size;
			}

			const cut = read(chunks, options);
			t.is(cut.text, whole.text);
			t.is(cut.cuts, whole.cuts);
			// Every line within the limit, and the bytes (less priorities and NULs) all there.
			if (flags.maxRecord !== undefined) {
				const prefix = flags.tag ? 2 : 0;
				for (const line of whole.text.split('\n')) {
					t.true(line.length - prefix <= flags.maxRecord || line.length === 0);
				}
			}

			return true;
		},
	), {numRuns: 300});
});
