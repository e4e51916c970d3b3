// A writer keeps the lock to the end of its event-loop turn. Another lock of the same process on
// the same lock file (the writer's compression queue, looking for leftovers or finding an archive
// under the lock) must then make it let go, not wait: an OFD lock conflicts with the process's own
// other descriptors, so that wait would never end. The soak found this deadlock. Run in a child
// process, so that a deadlock is a timeout here, not a hung test run.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {tempDir} from '../../helpers/temp.js';

/** A compiled module, found from this compiled test (dist/test/integration/log), whatever the working directory. */
const compiled = (name: string) => new URL(`../../../src/${name}`, import.meta.url).href;

const script = `
import {Appender} from '${compiled('log/appender.js')}';
import {FileLock} from '${compiled('log/lock.js')}';
const file = process.argv[1];
const appender = new Appender({file, lockPath: file + '.lock', keep: 10});
appender.tryLock();
appender.append(Buffer.from('one\\n'));
const before = appender.holding;
const other = new FileLock(file + '.lock');
other.acquire();
console.log(JSON.stringify({before, after: appender.holding}));
other.release();
appender.append(Buffer.from('two\\n'));
other.close();
appender.close();
`;

test('another lock of the writer\'s process on the same lock file ends the writer\'s hold instead of waiting for it', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const result = await execa(process.execPath, ['--input-type=module', '-e', script, file], {reject: false, timeout: 20_000});
	t.false(result.timedOut, 'the second lock waited for the writer\'s own hold: a deadlock');
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(JSON.parse(result.stdout) as unknown, {before: true, after: false});
	t.is(fs.readFileSync(file, 'utf8'), 'one\ntwo\n');
});
