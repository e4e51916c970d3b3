// findRaw on real files: every step of the compression protocol finds its raw archive by inode
// (rotations shift its name) and asks whether it already has a compressed copy.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {findRaw} from '../../../src/compress/protocol.js';
import {tempDir} from '../../helpers/temp.js';

test('findRaw follows the raw archive through a rename and sees its compressed copies', async t => {
	const directory = await tempDir(t);
	const at = (name: string) => path.join(directory, name);
	fs.writeFileSync(at('app.log'), 'live\n');
	fs.writeFileSync(at('app.log.1'), 'archived\n');
	const {ino} = fs.statSync(at('app.log.1'));
	t.deepEqual(findRaw(directory, 'app.log', ino), {name: 'app.log.1', copies: []});

	// A rotation shifts it; a compression of it appears next to it.
	fs.renameSync(at('app.log.1'), at('app.log.2'));
	fs.writeFileSync(at('app.log.2.gz'), '');
	t.deepEqual(findRaw(directory, 'app.log', ino), {name: 'app.log.2', copies: ['app.log.2.gz']});

	// The inode of the live file, or of another log, is not an archive of `app.log`.
	t.is(findRaw(directory, 'app.log', fs.statSync(at('app.log')).ino), undefined);
	fs.writeFileSync(at('other.log.1'), '');
	t.is(findRaw(directory, 'app.log', fs.statSync(at('other.log.1')).ino), undefined);

	// Under a compressed name, or gone, it is no raw archive.
	fs.renameSync(at('app.log.2'), at('app.log.3.gz'));
	t.is(findRaw(directory, 'app.log', ino), undefined);
	fs.unlinkSync(at('app.log.3.gz'));
	t.is(findRaw(directory, 'app.log', ino), undefined);
});

test('findRaw never follows a symbolic link to the raw archive', async t => {
	const directory = await tempDir(t);
	fs.writeFileSync(path.join(directory, 'elsewhere'), '');
	fs.symlinkSync('elsewhere', path.join(directory, 'app.log.1'));
	t.is(findRaw(directory, 'app.log', fs.statSync(path.join(directory, 'elsewhere')).ino), undefined);
});
