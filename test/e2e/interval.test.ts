// Time rotation end to end: --interval 2s, real processes, the clock as it runs.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {logNames, readText as read, setMtime} from '../helpers/files.js';
import {poll} from '../helpers/poll.js';
import {rotlog, type RotlogPipedProcess} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const period = 2000;
const periodOf = (ms: number) => Math.floor(ms / period) * period;

type Sent = {sent: number; seen: number};

/**
 * Feeds lines to the writers in turn, one at a time, each line carrying the time it was sent;
 * waits until it is the last line of FILE before the next, noting when it was seen. So each line
 * was written at some instant between `sent` and `seen`.
 */
async function feed(file: string, writers: RotlogPipedProcess[], milliseconds: number): Promise<Map<string, Sent>> {
	const lines = new Map<string, Sent>();
	// Timed from the first line seen: starting Node may take seconds on a loaded machine.
	let stop = Number.POSITIVE_INFINITY;
	try {
		for (let i = 0; Date.now() < stop; i++) {
			const writer = i % writers.length;
			const sent = Date.now();
			const line = `w${writer} ${i} ${sent}\n`;
			writers[writer]!.stdin!.write(line);
			await poll(() => read(file).endsWith(line), `line ${i}`, 30_000, 2);
			lines.set(line.trimEnd(), {sent, seen: Date.now()});
			if (i === writers.length - 1) {
				stop = Date.now() + milliseconds;
			}
		}
	} catch (error) {
		for (const writer of writers) {
			writer.kill();
		}

		throw error;
	}

	await Promise.all(writers.map(async writer => {
		writer.stdin!.end();
		await writer;
	}));
	return lines;
}

/** Each file's period start: from the stamp in an archive's name, or FILE's mtime. */
function filesByPeriod(directory: string, base: string, parseStamp: (stamp: string) => number) {
	// Archives in name order, then FILE, the newest.
	const names = logNames(directory, base).filter(name => name !== base);
	return [...names, base].map(name => {
		const file = path.join(directory, name);
		const start = name === base ? periodOf(fs.statSync(file).mtimeMs) : parseStamp(name.slice(base.length + 1));
		return {name, start, lines: read(file).split('\n').filter(Boolean)};
	});
}

function checkPeriods(t: import('ava').ExecutionContext, directory: string, lines: Map<string, Sent>, parseStamp: (stamp: string) => number) {
	const files = filesByPeriod(directory, 'app.log', parseStamp);
	const seen = new Set<string>();
	let strict = 0;
	for (const file of files) {
		for (const line of file.lines) {
			const times = lines.get(line);
			t.truthy(times, `unknown line ${line}`);
			t.false(seen.has(line), `${line} twice`);
			seen.add(line);
			// Written at some instant in [sent, seen]: the file's period must lie between theirs.
			const lowest = periodOf(times!.sent);
			const highest = periodOf(times!.seen);
			if (file.start < lowest || file.start > highest) {
				t.fail(`${line} (sent ${times!.sent}, seen ${times!.seen}) in ${file.name}, period ${file.start}`);
			}

			if (lowest === highest) {
				strict++;
			}
		}
	}

	t.is(seen.size, lines.size);
	// Names sort time: the archives in name order hold the lines in sending order.
	const order = files.flatMap(file => file.lines.map(line => Number(line.split(' ')[1])));
	t.deepEqual(order, [...order].sort((a, b) => a - b));
	t.log(`${lines.size} lines in ${files.length} files, ${strict} sent and seen in one period`);
	t.true(strict > 0, 'some lines were checked against one exact period');
	return files;
}

// 'YYYY-MM-DDTHH-MM-SS' in the given offset.
const stampParser = (offset: string) => (stamp: string) => {
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})$/.exec(stamp);
	if (!match) {
		throw new Error(`not a seconds stamp: ${stamp}`);
	}

	return Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}${offset}`);
};

test('--interval 2s: every line is in the file of the period it was written in', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = rotlog([file, '--interval', '2s', '--name', 'date', '--utc', '--compress', 'none'], {stdin: 'pipe', reject: true});
	const lines = await feed(file, [writer], 4500);
	const files = checkPeriods(t, directory, lines, stampParser('Z'));
	t.true(files.length >= 2, `${files.length} files`);
	// One archive per period: no size rotation, so no .N.
	t.true(files.every(entry => /^app\.log(?:\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})?$/.test(entry.name)), files.map(entry => entry.name).join(' '));
});

test('--interval 2s: two writers agree on every boundary (local time from TZ)', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const options = {stdin: 'pipe', env: {TZ: 'Asia/Kolkata'}, reject: true} as const;
	const args = [file, '--interval', '2s', '--name', 'date', '--compress', 'none'];
	const writers = [rotlog(args, options), rotlog(args, options)];
	const lines = await feed(file, writers, 4500);
	const files = checkPeriods(t, directory, lines, stampParser('+05:30'));
	t.true(files.length >= 2, `${files.length} files`);
	const stamps = files.map(entry => entry.start);
	t.deepEqual(stamps, [...new Set(stamps)], 'one file per period');
	t.true(files.some(entry => entry.lines.some(line => line.startsWith('w0 ')) && entry.lines.some(line => line.startsWith('w1 '))), 'both writers wrote into one period\'s file');
});

test('catch-up after downtime: a file idle since an earlier period is rotated by the first write (default gzip)', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const args = [file, '--interval', 'daily', '--name', 'date', '--utc'];
	t.is((await rotlog(args, {input: 'from the old day\n', stripFinalNewline: true})).exitCode, 0);
	const threeDaysAgo = Date.parse('2026-01-10T15:04:05Z');
	setMtime(file, threeDaysAgo);
	t.is((await rotlog(args, {input: 'today\n', stripFinalNewline: true})).exitCode, 0);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.2026-01-10.gz']);
	t.is(read(`${file}.2026-01-10.gz`), 'from the old day\n');
	t.is(read(file), 'today\n');

	// The same with numbered names, and --interval combined with --max.
	setMtime(file, threeDaysAgo);
	t.is((await rotlog([file, '--interval', 'daily', '--max', '1M'], {input: 'later today\n', stripFinalNewline: true})).exitCode, 0);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.1.gz', 'app.log.2026-01-10.gz']);
	t.is(read(`${file}.1.gz`), 'today\n');
	t.is(read(file), 'later today\n');
});

test('an empty FILE is never rotated, however old', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, '');
	setMtime(file, Date.parse('2020-01-01T00:00:00Z'));
	t.is((await rotlog([file, '--interval', '1s', '--name', 'date'], {input: 'first\n', stripFinalNewline: true})).exitCode, 0);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log']);
	t.is(read(file), 'first\n');
});

test('--name date with size rotation inside a period: .1, .2 in order, names never shift', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const args = [file, '--interval', 'daily', '--name', 'date', '--utc', '--max', '100', '--keep', '100', '--date-format', '%Y-%m-%d', '--compress', 'none'];
	const input = Array.from({length: 20}, (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}\n`).join('');
	const before = Date.now();
	t.is((await rotlog(args, {input, stripFinalNewline: true})).exitCode, 0);
	const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	// The day cannot change unnoticed: the stamp is that of the start or the end of the run.
	const names = logNames(directory, 'app.log');
	const today = names.find(name => name !== 'app.log')!.slice('app.log.'.length, 'app.log.'.length + 10);
	t.true([stamp(before), stamp(Date.now())].includes(today));
	const archives = [`app.log.${today}`, ...Array.from({length: 5}, (_, i) => `app.log.${today}.${i + 1}`)];
	t.deepEqual(names, ['app.log', ...archives].sort());
	const contents = archives.map(name => read(path.join(directory, name)));
	t.true(contents.every(content => content.length <= 100 && content.length > 0));
	t.is(contents.join('') + read(file), input);

	// A second run adds .6 and leaves every existing name and its content alone.
	t.is((await rotlog(args, {input, stripFinalNewline: true})).exitCode, 0);
	t.deepEqual(archives.map(name => read(path.join(directory, name))), contents);
	t.true(fs.existsSync(path.join(directory, `app.log.${today}.6`)));
});

test('invalid time and naming options: one line, exit 2', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const table: Array<[string[], string]> = [
		[['--interval', 'often'], 'rotlog: invalid --interval \'often\': expected Ns, Nm, Nh, Nd (N a whole number), hourly, daily, weekly or monthly'],
		[['--interval', '0s'], 'rotlog: invalid --interval \'0s\': the count must be a whole number from 1 to 100000'],
		[['--name', 'dates'], 'rotlog: invalid --name \'dates\': expected numbered or date'],
		[['--name', 'date', '--date-format', '%Y/%m'], 'rotlog: invalid --date-format \'%Y/%m\': a name part cannot hold \'/\''],
		[['--date-format', '%Y-%m'], 'rotlog: invalid --date-format \'%Y-%m\': needs --name date'], [['--name', 'date', '--date-format', '%Y%m'], 'rotlog: invalid --date-format \'%Y%m\': needs a character other than a digit (such as \'-\'), so that date names never read as numbered archives'],
		[['--max-age', '7'], 'rotlog: invalid --max-age \'7\': expected a number with a unit s, m, h, d or w (e.g. 12h, 7d)'],
		[['--max-total', 'lots'], 'rotlog: invalid --max-total \'lots\': expected bytes with an optional K, M, G or T suffix'],
	];
	await Promise.all(table.map(async ([args, message]) => {
		const result = await rotlog([file, ...args], {input: '', stripFinalNewline: true});
		t.is(result.exitCode, 2, args.join(' '));
		t.is(result.stderr, message);
	}));
});
