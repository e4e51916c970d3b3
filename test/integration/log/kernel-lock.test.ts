// The lock calls loaded straight from fs-native-extensions' prebuilt binary must lock exactly as
// the package's own entry point does: the same kernel lock, seen from either side.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import test from 'ava';
import {type KernelLock, kernelLock, kernelLockSource} from '../../../src/log/kernel-lock.js';
import {tempDir} from '../../helpers/temp.js';

const require = createRequire(import.meta.url);
const packageLock = require('fs-native-extensions') as KernelLock;

test('where the package ships a binary for this platform, it is loaded directly', t => {
	const root = path.dirname(require.resolve('fs-native-extensions/package.json'));
	const shipped = fs.existsSync(path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'fs-native-extensions.node'));
	t.is(kernelLockSource, shipped ? 'prebuilt binary' : 'package entry point');
});

test('a lock taken by either path is seen by the other, and released by its holder', async t => {
	const file = path.join(await tempDir(t), 'app.log.lock');
	const ours = fs.openSync(file, 'a+');
	const theirs = fs.openSync(file, 'a+');
	t.teardown(() => {
		fs.closeSync(ours);
		fs.closeSync(theirs);
	});

	t.true(kernelLock.tryLock(ours));
	t.false(packageLock.tryLock(theirs), 'held through the binary, refused to the package');
	kernelLock.unlock(ours);

	packageLock.waitForLockSync(theirs);
	t.false(kernelLock.tryLock(ours), 'held through the package, refused to the binary');
	packageLock.unlock(theirs);

	kernelLock.waitForLockSync(ours);
	t.false(packageLock.tryLock(theirs));
	kernelLock.unlock(ours);
	t.true(packageLock.tryLock(theirs));
	packageLock.unlock(theirs);
});

test('a failure other than a held lock is thrown, not taken for one', t => {
	const error = t.throws(() => kernelLock.tryLock(987_654));
	t.is((error as NodeJS.ErrnoException).code, 'EBADF');
});
