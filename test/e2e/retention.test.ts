// Retention end to end: --keep, --max-age and --max-total, alone and together, counting archives
// left by earlier runs.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {logNames, readText as read, setMtime} from '../helpers/files.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const day = 86_400_000;
const hour = 3_600_000;

function make(directory: string, name: string, content: string, mtimeMs: number): void {
	const file = path.join(directory, name);
	fs.writeFileSync(file, content);
	setMtime(file, mtimeMs);
}

test('--keep counts date archives from earlier runs', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	for (const dayOfMonth of [1, 2, 3, 4, 5]) {
		make(directory, `app.log.2026-01-0${dayOfMonth}`, `day ${dayOfMonth}\n`, Date.parse(`2026-01-0${dayOfMonth}T23:00:00Z`));
	}

	make(directory, 'app.log', 'day 6\n', Date.parse('2026-01-06T23:00:00Z'));
	const result = await rotlog([file, '--interval', 'daily', '--name', 'date', '--utc', '--keep', '3', '--compress', 'none'], {input: 'today\n', stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.2026-01-04', 'app.log.2026-01-05', 'app.log.2026-01-06']);
	t.is(read(`${file}.2026-01-06`), 'day 6\n');
	t.is(read(file), 'today\n');
});

test('--max-age deletes archives whose newest line is older', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const now = Date.now();
	make(directory, 'app.log.1', 'one hour\n', now - hour);
	make(directory, 'app.log.2', 'three hours\n', now - (3 * hour));
	make(directory, 'app.log.3', 'five hours\n', now - (5 * hour));
	make(directory, 'app.log', 'current\n', now);
	// 'current\n' is 8 bytes: the next line does not fit under --max 10, so FILE is rotated.
	const result = await rotlog([file, '--max', '10', '--max-age', '4h', '--compress', 'none'], {input: 'next\n', stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.1', 'app.log.2', 'app.log.3']);
	t.deepEqual(['app.log', 'app.log.1', 'app.log.2', 'app.log.3'].map(name => read(path.join(directory, name))), ['next\n', 'current\n', 'one hour\n', 'three hours\n']);
});

test('--max-total counts archives as stored, compressed ones included', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const now = Date.now();
	make(directory, 'app.log.1', 'a'.repeat(99) + '\n', now - hour);
	make(directory, 'app.log.2.gz', 'b'.repeat(40), now - (2 * hour));
	make(directory, 'app.log.3', 'c'.repeat(99) + '\n', now - (3 * hour));
	make(directory, 'app.log.4', 'd'.repeat(99) + '\n', now - (4 * hour));
	make(directory, 'app.log', 'current\n', now);
	// After the rotation: 8 + 100 + 40 + 100 + 100 = 348 bytes; 240 allowed: the two oldest go.
	// Retention decides at the rotation, on the sizes as stored then; the default gzip compresses
	// the new archive afterwards, and the raw one left by the earlier run too (crash recovery).
	const result = await rotlog([file, '--max', '10', '--max-total', '240'], {input: 'next\n', stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.3.gz']);
	t.is(fs.readFileSync(`${file}.3.gz`, 'latin1'), 'b'.repeat(40));
	t.is(read(`${file}.2.gz`), 'a'.repeat(99) + '\n');
	t.is(read(`${file}.1.gz`), 'current\n');
});

test('--keep, --max-age and --max-total together, each deleting its own', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const now = Date.now();
	const fifty = 'x'.repeat(49) + '\n';
	// In name order oldest first; the mtimes were touched out of order on purpose.
	make(directory, 'app.log.2000-01-01', fifty, now - day); // Beyond --keep 5 only.
	make(directory, 'app.log.2000-01-02', fifty, now - (5 * day)); // Goes for --max-total.
	make(directory, 'app.log.2000-01-03', fifty, now - (4 * day)); // Goes for --max-total.
	make(directory, 'app.log.2000-01-04', fifty, now - (3 * day)); // Stays.
	make(directory, 'app.log.2000-01-05', fifty, now - (7 * day)); // Older than --max-age 6d only.
	const twoDaysAgo = now - (2 * day);
	make(directory, 'app.log', 'y'.repeat(39) + '\n', twoDaysAgo);
	const result = await rotlog([file, '--interval', 'daily', '--name', 'date', '--utc', '--keep', '5', '--max-age', '6d', '--max-total', '130', '--compress', 'none'], {input: 'new\n', stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	const rotated = `app.log.${new Date(twoDaysAgo).toISOString().slice(0, 10)}`;
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.2000-01-04', rotated]);
	t.is(read(path.join(directory, rotated)), 'y'.repeat(39) + '\n');
	t.is(read(file), 'new\n');
});

test('retention never deletes FILE, even when FILE alone is over --max-total', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	make(directory, 'app.log.1', 'old\n', Date.now() - hour);
	make(directory, 'app.log', 'z'.repeat(9) + '\n', Date.now());
	const result = await rotlog([file, '--max', '12', '--max-total', '5'], {input: 'a long line\n', stripFinalNewline: true});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log']);
	t.is(read(file), 'a long line\n');
});
