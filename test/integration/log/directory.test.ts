// The log's names in its directory: one listing serves a whole maintenance, so it must hold every
// name that can be the log's own (FILE, numbered and date archives, compression temps) and none
// of a neighbour whose name merely begins the same way.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {logNames, readNames} from '../../../src/log/directory.js';
import {tempDir} from '../../helpers/temp.js';

test('logNames keeps FILE, its archives and temps, and leaves other logs out', async t => {
	const directory = await tempDir(t);
	const own = ['app.log', 'app.log.lock', 'app.log.1', 'app.log.2.gz', 'app.log.2026-12-03', '.app.log.compress.1234'];
	const others = ['app.log2', 'app10.log', 'app10.log.1', 'other.log', '.other.log.compress.9', 'xapp.log.1'];
	for (const name of [...own, ...others]) {
		fs.writeFileSync(path.join(directory, name), '');
	}

	const names = logNames(path.join(directory, 'app.log'));
	// app.log2 begins with FILE's name: kept, and the archive patterns tell it apart later.
	t.deepEqual(names.sort(), [...own, 'app.log2'].sort());
	t.deepEqual(readNames(directory).sort(), [...own, ...others].sort());
});

test('logNames of a missing directory: none with missingOk, a one-line error without', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'gone', 'app.log');
	t.deepEqual(logNames(file, {missingOk: true}), []);
	t.throws(() => logNames(file), {message: /cannot read directory '.*gone'/});
});
