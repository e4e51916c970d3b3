// The log file under its lock, in process on real files: what writers and maintenance both rely
// on. A descriptor that no longer is FILE is reopened by name; a fragment left by a killed writer
// is ended with a newline without moving FILE's mtime; the FILE a rotation makes keeps the mode of
// the one before; maintenance never creates FILE.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {LogFile} from '../../../src/log/log-file.js';
import {tempDir} from '../../helpers/temp.js';

test('sync reopens FILE by name after it was renamed away, and creates it when missing', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const log = new LogFile(file, undefined);
	log.open();
	log.write(Buffer.from('one\n'));
	fs.renameSync(file, `${file}.1`);
	t.is(log.sync().size, 0, 'a new, empty FILE');
	log.write(Buffer.from('two\n'));
	log.close();
	t.is(fs.readFileSync(`${file}.1`, 'utf8'), 'one\n');
	t.is(fs.readFileSync(file, 'utf8'), 'two\n');
});

test('sync ends a fragment with a newline and keeps FILE\'s mtime', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	fs.writeFileSync(file, 'whole\nfragm');
	const mtime = new Date('2026-01-02T03:04:05Z');
	fs.utimesSync(file, mtime, mtime);
	const log = new LogFile(file, undefined);
	t.true(log.openExisting());
	const state = log.sync();
	log.close();
	t.is(state.size, 12);
	t.is(state.mtimeMs, mtime.getTime());
	t.is(fs.readFileSync(file, 'utf8'), 'whole\nfragm\n');
	t.is(fs.statSync(file).mtimeMs, mtime.getTime());
});

test('openExisting never creates FILE, and sync after it does not either', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const log = new LogFile(file, undefined);
	t.false(log.openExisting());
	t.false(fs.existsSync(file));
	fs.writeFileSync(file, 'x\n');
	t.true(log.openExisting());
	fs.rmSync(file);
	t.throws(() => log.sync(), {message: /^cannot open '.*app\.log': no such file or directory$/});
	t.false(fs.existsSync(file));
	log.close();
});

test('recreate gives the new FILE the mode of the one before, or --mode when given', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, 'x\n');
	fs.chmodSync(file, 0o600);
	const log = new LogFile(file, undefined);
	log.open();
	const state = log.sync();
	fs.renameSync(file, `${file}.1`);
	log.recreate(state);
	log.close();
	t.is(fs.statSync(file).mode & 0o777, 0o600);

	const other = path.join(directory, 'other.log');
	fs.writeFileSync(other, 'x\n');
	fs.chmodSync(other, 0o600);
	const withMode = new LogFile(other, 0o640);
	withMode.open();
	const before = withMode.sync();
	fs.renameSync(other, `${other}.1`);
	withMode.recreate(before);
	withMode.close();
	t.is(fs.statSync(other).mode & 0o777, 0o640 & ~process.umask());
});

test('cutBack removes the part of a failed write, so no part of a line stays', async t => {
	const file = path.join(await tempDir(t), 'app.log');
	const log = new LogFile(file, undefined);
	log.open();
	log.write(Buffer.from('kept\npart of a li'));
	log.cutBack(5);
	log.close();
	t.is(fs.readFileSync(file, 'utf8'), 'kept\n');
});
