// The write mode's live status line and --verbose summary, with a fake clock and a fake terminal.
import test from 'ava';
import {countLines, humanBytes, LiveStatus, statusLine, summaryLine, type WriteCounts} from '../../../src/output/progress.js';

test('humanBytes: binary units with one decimal, bytes as they are', t => {
	t.is(humanBytes(0), '0 B');
	t.is(humanBytes(1023), '1023 B');
	t.is(humanBytes(1536), '1.5 KiB');
	t.is(humanBytes(3 * 1024 ** 3), '3.0 GiB');
});

test('statusLine: lines/s, bytes, rotations, and compressions only when some are pending', t => {
	t.is(statusLine({lines: 10, bytes: 2048, rotations: 1, pending: 0}, 1234.4), 'rotlog: 1234 lines/s, 2.0 KiB, 1 rotation');
	t.is(statusLine({lines: 10, bytes: 5, rotations: 2, pending: 3}, 0), 'rotlog: 0 lines/s, 5 B, 2 rotations, 3 compressions pending');
});

test('summaryLine: lines, bytes, rotations and the time taken', t => {
	t.is(summaryLine({lines: 1, bytes: 2, rotations: 0, pending: 0}, 250), 'rotlog: 1 line, 2 bytes, 0 rotations in 0.3 s');
	t.is(summaryLine({lines: 100_000, bytes: 588_895, rotations: 5, pending: 0}, 61_000), 'rotlog: 100000 lines, 588895 bytes, 5 rotations in 61.0 s');
});

test('countLines counts newlines', t => {
	t.is(countLines(Buffer.from('')), 0);
	t.is(countLines(Buffer.from('a\nb\n\n')), 3);
});

test('LiveStatus: each tick redraws one line over the last, the rate over the time since; clear and end erase it', t => {
	let now = 1000;
	const written: string[] = [];
	const counts: WriteCounts = {lines: 0, bytes: 0, rotations: 0, pending: 0};
	const live = new LiveStatus({write: (text: string) => written.push(text), columns: 80}, () => counts, () => now);
	live.clear();
	t.deepEqual(written, [], 'nothing to erase before the first draw');
	counts.lines = 500;
	counts.bytes = 4096;
	now += 500;
	live.tick();
	t.is(written.at(-1), '\r\u001B[Krotlog: 1000 lines/s, 4.0 KiB, 0 rotations');
	now += 500;
	live.tick();
	t.is(written.at(-1), '\r\u001B[Krotlog: 0 lines/s, 4.0 KiB, 0 rotations');
	live.end();
	t.is(written.at(-1), '\r\u001B[K');
	const count = written.length;
	live.tick();
	live.clear();
	t.is(written.length, count, 'nothing after the end');
});

test('LiveStatus never draws wider than the terminal, which would wrap and not be erased', t => {
	const written: string[] = [];
	const live = new LiveStatus({write: (text: string) => written.push(text), columns: 20}, () => ({lines: 0, bytes: 0, rotations: 12, pending: 4}), () => 0);
	live.tick();
	t.is(written[0], '\r\u001B[Krotlog: 0 lines/s, ');
	t.true(written[0]!.length - 4 <= 19);
});
