// The appender's period decision, in process with a controlled clock and real files: the decision
// reads FILE's mtime, and near a boundary the writer pins mtime into the period it wrote for.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {Appender} from '../../../src/log/appender.js';
import {parseInterval} from '../../../src/decide/period.js';
import {logNames, readText as read, setMtime} from '../../helpers/files.js';
import {tempDir} from '../../helpers/temp.js';

const realNow = Date.now;

function withClock<T>(now: number, action: () => T): T {
	Date.now = () => now;
	try {
		return action();
	} finally {
		Date.now = realNow;
	}
}

function appender(file: string) {
	return new Appender({file, lockPath: `${file}.lock`, keep: 10, interval: parseInterval('interval', '2s'), zone: 'UTC', naming: {kind: 'date', format: '%s'}});
}

// A period boundary a day ahead of the real clock: the kernel's mtime lies in an earlier period.
const boundary = (Math.floor(realNow() / 2000) * 2000) + 86_400_000;

test.serial('just after a boundary the mtime is pinned into the period the lines were written for', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = withClock(boundary + 5, () => appender(file));
	withClock(boundary + 5, () => {
		writer.append(Buffer.from('first\n'));
	});
	t.is(fs.statSync(file).mtimeMs, boundary + 5);
	// Later in the same period: no rotation, and away from the boundary no pinning.
	withClock(boundary + 1000, () => {
		writer.append(Buffer.from('second\n'));
	});
	t.true(fs.statSync(file).mtimeMs < boundary, 'the kernel\'s own mtime, a day earlier');
	writer.close();
	t.is(read(file), 'first\nsecond\n');
});

test.serial('the first write of a new period archives FILE under the period of its mtime', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = withClock(boundary + 5, () => appender(file));
	withClock(boundary + 5, () => {
		writer.append(Buffer.from('one\n'));
	});
	withClock(boundary + 2000, () => {
		writer.append(Buffer.from('two\n'));
	});
	// Another period, and a file some other writer last touched long ago: both rotate.
	setMtime(file, boundary - 10_000);
	withClock(boundary + 2500, () => {
		writer.append(Buffer.from('three\n'));
	});
	writer.close();
	const stamp = (ms: number) => `app.log.${ms / 1000}`;
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', stamp(boundary - 10_000), stamp(boundary)].sort());
	t.is(read(path.join(directory, stamp(boundary))), 'one\n');
	t.is(read(path.join(directory, stamp(boundary - 10_000))), 'two\n');
	t.is(read(file), 'three\n');
});

test.serial('a write that ends after its period pins mtime back into it', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = withClock(boundary + 1000, () => appender(file));
	let calls = 0;
	// The decision is taken at boundary + 1000; by the time the write is done the period is over.
	Date.now = () => (calls++ === 0 ? boundary + 1000 : boundary + 2001);
	try {
		writer.append(Buffer.from('late\n'));
	} finally {
		Date.now = realNow;
	}

	writer.close();
	t.is(fs.statSync(file).mtimeMs, boundary + 1000);
});
