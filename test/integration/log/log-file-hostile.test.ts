// The log file against something planted at FILE's name, in process on real files: the FILE a
// rotation makes is created with O_EXCL, and whatever is found at the name instead is checked
// like any existing FILE: a regular file is used as it is, anything else is refused in one line.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {LogFile} from '../../../src/log/log-file.js';
import {tempDir} from '../../helpers/temp.js';

async function rotatedAway(t: Parameters<typeof tempDir>[0]) {
	const file = path.join(await tempDir(t), 'app.log');
	const log = new LogFile(file, undefined, `${file}.lock`);
	log.open();
	log.write(Buffer.from('one\n'));
	const state = log.sync();
	fs.renameSync(file, `${file}.1`);
	t.teardown(() => {
		log.close();
	});
	return {file, log, state};
}

test('recreate refuses a FIFO found at FILE\'s name after the rename, and never writes into it', async t => {
	const {file, log, state} = await rotatedAway(t);
	execFileSync('mkfifo', [file]);
	t.throws(() => {
		log.recreate(state);
	}, {message: `refusing '${file}': it is a FIFO, not a regular file`});
	t.false(log.isOpen);
});

test('recreate refuses a directory found at FILE\'s name', async t => {
	const {file, log, state} = await rotatedAway(t);
	fs.mkdirSync(file);
	// Opening a directory for writing fails before it can be checked (EISDIR).
	t.throws(() => {
		log.recreate(state);
	}, {message: /^cannot create '.*app\.log': illegal operation on a directory$/});
});

test('recreate uses a regular FILE another writer made meanwhile, leaving its bytes and mode', async t => {
	const {file, log, state} = await rotatedAway(t);
	fs.writeFileSync(file, 'other\n', {mode: 0o600});
	log.recreate(state);
	log.write(Buffer.from('two\n'));
	t.is(fs.readFileSync(file, 'utf8'), 'other\ntwo\n');
	t.is(fs.statSync(file).mode & 0o777, 0o600);
});

test('open refuses a FIFO at FILE without blocking, and sync refuses one that replaced FILE', async t => {
	const directory = await tempDir(t);
	const fifo = path.join(directory, 'fifo.log');
	execFileSync('mkfifo', [fifo]);
	t.throws(() => {
		new LogFile(fifo, undefined).open();
	}, {message: `refusing '${fifo}': it is a FIFO, not a regular file`});

	const file = path.join(directory, 'app.log');
	const log = new LogFile(file, undefined);
	log.open();
	fs.rmSync(file);
	execFileSync('mkfifo', [file]);
	t.throws(() => log.sync(), {message: `refusing '${file}': it is a FIFO, not a regular file`});
	log.close();
});

const rootTest = process.getuid?.() === 0 ? test : test.skip;

rootTest('recreate gives the new FILE the owner and group of the one before', async t => {
	const {file, log, state} = await rotatedAway(t);
	fs.chownSync(`${file}.1`, 65_534, 65_534);
	log.recreate({...state, uid: 65_534, gid: 65_534});
	const stats = fs.statSync(file);
	t.deepEqual([stats.uid, stats.gid], [65_534, 65_534]);
});
