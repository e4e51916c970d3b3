// The appender's period decision, in process with a clock passed in and real files: the decision
// reads FILE's mtime, and near a boundary the writer pins mtime into the period it wrote for.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {Appender} from '../../../src/log/appender.js';
import {parseInterval} from '../../../src/decide/period.js';
import {logNames, readText as read, setMtime} from '../../helpers/files.js';
import {tempDir} from '../../helpers/temp.js';

/** A clock the test sets: the appender reads the present through it. */
function testClock(start: number) {
	const clock = {now: start, read: () => clock.now};
	return clock;
}

function appender(file: string, clock: () => number) {
	return new Appender({file, lockPath: `${file}.lock`, keep: 10, interval: parseInterval('interval', '2s'), zone: 'UTC', naming: {kind: 'date', format: '%s'}, clock});
}

// A period boundary a day ahead of the real clock: the kernel's mtime lies in an earlier period.
const boundary = (Math.floor(Date.now() / 2000) * 2000) + 86_400_000;

test('just after a boundary the mtime is pinned into the period the lines were written for', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const clock = testClock(boundary + 5);
	const writer = appender(file, clock.read);
	writer.append(Buffer.from('first\n'));
	t.is(fs.statSync(file).mtimeMs, boundary + 5);
	// Later in the same period: no rotation, and away from the boundary no pinning.
	clock.now = boundary + 1000;
	writer.append(Buffer.from('second\n'));
	t.true(fs.statSync(file).mtimeMs < boundary, 'the kernel\'s own mtime, a day earlier');
	writer.close();
	t.is(read(file), 'first\nsecond\n');
});

test('the first write of a new period archives FILE under the period of its mtime', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const clock = testClock(boundary + 5);
	const writer = appender(file, clock.read);
	writer.append(Buffer.from('one\n'));
	clock.now = boundary + 2000;
	writer.append(Buffer.from('two\n'));
	// Another period, and a file some other writer last touched long ago: both rotate.
	setMtime(file, boundary - 10_000);
	clock.now = boundary + 2500;
	writer.append(Buffer.from('three\n'));
	writer.close();
	const stamp = (ms: number) => `app.log.${ms / 1000}`;
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', stamp(boundary - 10_000), stamp(boundary)].sort());
	t.is(read(path.join(directory, stamp(boundary))), 'one\n');
	t.is(read(path.join(directory, stamp(boundary - 10_000))), 'two\n');
	t.is(read(file), 'three\n');
});

test('a write that ends after its period pins mtime back into it', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	let calls = 0;
	// The decision is taken at boundary + 1000; by the time the write is done the period is over.
	const writer = appender(file, () => (calls++ < 2 ? boundary + 1000 : boundary + 2001));
	writer.append(Buffer.from('late\n'));

	writer.close();
	t.is(fs.statSync(file).mtimeMs, boundary + 1000);
});
