// A log remembers its policy: writers record their options in the lock file, and check, rotate,
// status and cat run bare on FILE do what the writers do; options on their command line override
// the record for that run. A writer beside live writers says where it differs, and refuses to
// start when its archive names differ.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {logNames, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function record(file: string): Record<string, string> {
	const line = fs.readFileSync(`${file}.lock`, 'utf8').split('\n')[0]!;
	return (JSON.parse(line) as {policy: Record<string, string>}).policy;
}

test('a bare check on a log written with --keep 50 --compress none deletes and compresses nothing', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = await rotlog([file, '--max', '2K', '--keep', '50', '--compress', 'none'], {input: numberedLines('w', 1500)});
	t.is(writer.exitCode, 0, writer.stderr);
	const before = logNames(directory, 'app.log');
	t.true(before.length > 20, `${before.length} files`);
	t.deepEqual(record(file), {max: '2048', name: 'numbered', keep: '50', compress: 'none', lock: `${file}.lock`});

	const check = await rotlog(['check', file, '-v']);
	t.is(check.exitCode, 0, check.stderr);
	t.is(check.stdout, '', 'nothing due, nothing deleted, nothing compressed');
	t.deepEqual(logNames(directory, 'app.log'), before);
	t.deepEqual(checkInterleaved(readLog(file).toString('latin1').split('\n').slice(0, -1), ['w']).seen.get('w'), 1500);
});

test('options on check\'s command line override the record for that run only', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	await rotlog([file, '--max', '2K', '--keep', '50', '--compress', 'none'], {input: numberedLines('w', 600)});
	const check = await rotlog(['check', file, '--keep', '3', '-v']);
	t.is(check.exitCode, 0, check.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.1', 'app.log.2', 'app.log.3']);
	t.is(record(file)['keep'], '50', 'the record is the writers\', not check\'s');
});

test('status, cat and rotate find a --name date log\'s archives from the record', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = await rotlog([file, '--max', '1K', '--name', 'date', '--keep', '100', '--compress', 'gzip'], {input: numberedLines('w', 400)});
	t.is(writer.exitCode, 0, writer.stderr);
	const archives = logNames(directory, 'app.log').filter(name => name !== 'app.log');
	t.true(archives.length > 5);

	const status = await rotlog(['status', file, '--json']);
	t.is(status.exitCode, 0, status.stderr);
	t.is((JSON.parse(status.stdout) as {archives: unknown[]}).archives.length, archives.length);

	const cat = await rotlog(['cat', file]);
	t.is(cat.exitCode, 0, cat.stderr);
	t.deepEqual(checkInterleaved(cat.stdout.split('\n').slice(0, -1), ['w']).seen.get('w'), 400);

	const rotate = await rotlog(['rotate', file, '-v']);
	t.is(rotate.exitCode, 0, rotate.stderr);
	t.regex(rotate.stdout, /rotated '.*app\.log' to '.*app\.log\.\d{4}-\d\d-\d\dT[\d-]+(\.\d+)?': forced/);
	t.false(fs.existsSync(`${file}.1`) || fs.existsSync(`${file}.1.gz`), 'no numbered archive the writers would never prune');
});

test('the record never holds --on-rotate: a command is never taken from a file', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	await rotlog([file, '--on-rotate', '/bin/true'], {input: 'one\n'});
	t.false('on-rotate' in record(file));
});

test('a writer beside a live writer says where its options differ; one with other archive names refuses to start', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const first = rotlog([file, '--keep', '10', '--compress', 'none'], {stdin: 'pipe'});
	first.stdin.write('a1\n');
	await poll(() => fs.existsSync(`${file}.lock`) && fs.readFileSync(`${file}.lock`, 'utf8').includes('"keep":"10"'), 'the first writer\'s record');

	const differing = await rotlog([file, '--keep', '50', '--compress', 'none'], {input: 'b1\n'});
	t.is(differing.exitCode, 0, differing.stderr);
	t.regex(differing.stderr, /^rotlog: '.*app\.log' has live writers with other options; check, status and cat follow theirs: --keep 50 \(the live writers recorded 10\)\n$/);
	t.is(record(file)['keep'], '10', 'the live writers\' record stays');

	const refused = await rotlog([file, '--name', 'date', '--compress', 'none'], {input: 'c1\n'});
	t.is(refused.exitCode, 2);
	t.regex(refused.stderr, /^rotlog: refusing to write '.*app\.log': its live writers use other archive names or another lock: --name date \(the live writers recorded numbered\), --date-format %Y-%m-%dT%H-%M-%S \(not recorded by the live writers\)\n$/);

	first.stdin.end('a2\n');
	t.is((await first).exitCode, 0);
	t.is(fs.readFileSync(file, 'utf8'), 'a1\nb1\na2\n', 'the refused writer wrote nothing');

	// Alone now: a writer with other options records its own.
	const alone = await rotlog([file, '--keep', '7', '--compress', 'none'], {input: 'd1\n'});
	t.is(alone.stderr, '');
	t.is(record(file)['keep'], '7');
});

test('a writer takes its policy from --config, and its command line wins', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const config = path.join(directory, 'rotlog.json');
	fs.writeFileSync(config, JSON.stringify({files: [{path: path.join(directory, '*.log'), max: '1K', keep: '4', compress: 'none'}]}));
	const writer = await rotlog([file, '--config', config, '--keep', '2'], {input: numberedLines('w', 300)});
	t.is(writer.exitCode, 0, writer.stderr);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.1', 'app.log.2']);
	t.like(record(file), {max: '1024', keep: '2', compress: 'none'});

	const other = await rotlog([path.join(directory, 'other.txt'), '--config', config], {input: 'x\n'});
	t.is(other.exitCode, 2);
	t.regex(other.stderr, /^rotlog: invalid config '.*rotlog\.json': no entry names '.*other\.txt'\n$/);
});

test('status says how many writers are live, in local time or --utc, and exits 1 when there is no log', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = rotlog([file, '--compress', 'none'], {stdin: 'pipe'});
	writer.stdin.write('one\n');
	await poll(() => fs.existsSync(`${file}.lock`) && fs.readFileSync(`${file}.lock`, 'utf8').length > 0, 'the writer\'s record');
	// The count comes from /proc/locks; where it cannot be read, status says only "live now".
	const counted = (() => {
		try {
			fs.readFileSync('/proc/locks');
			return true;
		} catch {
			return false;
		}
	})();
	const writersOf = async () => (JSON.parse((await rotlog(['status', file, '--json'])).stdout) as {writers: {live: boolean | null; count: number | null}}).writers;
	t.deepEqual(await writersOf(), {live: true, count: counted ? 1 : null});
	const second = rotlog([file, '--compress', 'none'], {stdin: 'pipe'});
	second.stdin.write('two\n');
	await poll(() => fs.readFileSync(file, 'utf8').includes('two\n'), 'the second writer\'s line');
	t.deepEqual(await writersOf(), {live: true, count: counted ? 2 : null});
	const table = await rotlog(['status', file], {env: {TZ: 'Asia/Kolkata'}});
	t.regex(table.stdout, counted ? /\nwriters: 2 live\n/ : /\nwriters: live now\n/);
	second.stdin.end();
	t.is((await second).exitCode, 0);
	// Kolkata is 5:30 ahead of UTC all year: the local time of FILE's mtime, not its UTC time.
	const mtime = fs.statSync(file).mtime;
	const local = new Date(mtime.getTime() + (5.5 * 3_600_000)).toISOString().slice(0, 19).replace('T', ' ');
	t.true(table.stdout.includes(local), table.stdout);
	const utc = await rotlog(['status', file, '--utc'], {env: {TZ: 'Asia/Kolkata'}});
	t.true(utc.stdout.includes(`${mtime.toISOString().slice(0, 19).replace('T', ' ')}Z`), utc.stdout);
	writer.stdin.end();
	t.is((await writer).exitCode, 0);
	t.deepEqual(await writersOf(), {live: false, count: 0});

	const missing = await rotlog(['status', path.join(directory, 'nothing.log')]);
	t.is(missing.exitCode, 1);
	t.regex(missing.stderr, /^rotlog: no log at '.*nothing\.log': neither it nor an archive of it exists\n$/);
});
