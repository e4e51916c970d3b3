// `check 'shared/*/*.log'` as root over a world-writable sticky directory: another user's symbolic
// link or directory there must not lead root's check to the files of a private directory.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const asRoot = process.geteuid?.() === 0 ? test : test.skip;

/** Runs a command as nobody, as another local user would. */
async function asNobody(command: string[]) {
	await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command]);
}

asRoot('a wildcard never follows a symbolic link or another user\'s directory in a sticky directory', async t => {
	const root = await tempDir(t);
	fs.chmodSync(root, 0o755);
	const shared = path.join(root, 'shared');
	const secret = path.join(root, 'private', 'secret.log');
	fs.mkdirSync(path.join(root, 'private'), {mode: 0o700});
	fs.writeFileSync(secret, 'root only\n', {mode: 0o600});
	fs.mkdirSync(shared);
	fs.chmodSync(shared, 0o1777);
	fs.mkdirSync(path.join(shared, 'app'));
	fs.writeFileSync(path.join(shared, 'app', 'app.log'), 'app line\n');
	// The attacker's link to root's private directory, and a directory of the attacker's own.
	await asNobody(['ln', '-s', path.join(root, 'private'), path.join(shared, 'evil')]);
	await asNobody(['mkdir', path.join(shared, 'mine')]);
	await asNobody(['ln', '-s', secret, path.join(shared, 'mine', 'secret.log')]);

	const result = await rotlog(['check', 'shared/*/*.log', '--max', '1', '--compress', 'none', '-v'], {cwd: root});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(fs.readdirSync(path.join(root, 'private')), ['secret.log'], 'nothing rotated in private/');
	t.is(fs.readFileSync(secret, 'utf8'), 'root only\n');
	t.deepEqual(fs.readdirSync(path.join(shared, 'mine')), ['secret.log']);
	t.true(fs.existsSync(path.join(shared, 'app', 'app.log.1')), 'the legitimate log was rotated');
	const lines = result.stdout.split('\n');
	t.true(lines.includes('skipped \'shared/evil\': a symbolic link matched by \'*\''), result.stdout);
	t.true(lines.includes('skipped \'shared/mine\': owned by uid 65534 in the sticky directory \'shared\', and rotlog runs as root'), result.stdout);
});

asRoot('without -v the skips are silent; a pattern that only matched skipped paths matches nothing', async t => {
	const root = await tempDir(t);
	fs.chmodSync(root, 0o755);
	const shared = path.join(root, 'shared');
	fs.mkdirSync(path.join(root, 'private'), {mode: 0o700});
	fs.writeFileSync(path.join(root, 'private', 'secret.log'), 'root only\n', {mode: 0o600});
	fs.mkdirSync(shared);
	fs.chmodSync(shared, 0o1777);
	await asNobody(['ln', '-s', path.join(root, 'private'), path.join(shared, 'evil')]);
	const result = await rotlog(['rotate', 'shared/*/*.log'], {cwd: root});
	t.is(result.exitCode, 1);
	t.is(result.stdout, '');
	t.is(result.stderr, 'rotlog: no file matches \'shared/*/*.log\'\n');
	t.deepEqual(fs.readdirSync(path.join(root, 'private')), ['secret.log']);
});

test('a symbolic link to a directory, matched by a wildcard, is skipped for any user', async t => {
	const root = await tempDir(t);
	fs.mkdirSync(path.join(root, 'real'));
	fs.writeFileSync(path.join(root, 'real', 'a.log'), 'x\n');
	fs.symlinkSync('real', path.join(root, 'link'));
	const result = await rotlog(['rotate', '*/a.log', '--compress', 'none', '-v'], {cwd: root});
	t.is(result.exitCode, 0, result.stderr);
	t.true(result.stdout.includes('skipped \'link\': a symbolic link matched by \'*\''), result.stdout);
	t.deepEqual(fs.readdirSync(path.join(root, 'real')).sort(), ['a.log', 'a.log.1', 'a.log.lock']);
});
