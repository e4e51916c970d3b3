// --dry-run (-n) for rotate and check: the plan, one line per action, with nothing changed and
// nothing created, not even the lock file; and a real run then does what the plan said.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** Every name in the directory with its bytes: what "changed nothing" is checked against. */
function snapshot(directory: string): Record<string, string> {
	return Object.fromEntries(fs.readdirSync(directory).sort().map(name => [name, fs.readFileSync(path.join(directory, name), 'latin1')]));
}

async function logWithArchives(t: Parameters<typeof tempDir>[0]) {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, 'one\ntwo\nfragment of a killed writer');
	fs.writeFileSync(`${file}.1`, 'older\n');
	fs.writeFileSync(`${file}.2`, 'oldest\n');
	fs.writeFileSync(`${file}.3`, 'ancient\n');
	return {directory, file};
}

test('rotate --dry-run prints the plan and changes nothing, creates no lock file', async t => {
	const {directory, file} = await logWithArchives(t);
	const before = snapshot(directory);
	const result = await rotlog(['rotate', file, '--keep', '2', '--dry-run', '--on-rotate', '/bin/true']);
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.deepEqual(result.stdout.split('\n').filter(Boolean), [
		`would end the unfinished last line of '${file}' (left by a killed writer)`,
		`would delete '${file}.3': retention`,
		`would delete '${file}.2': retention`,
		`would rename '${file}.1' -> '${file}.2'`,
		`would rotate '${file}' -> '${file}.1': forced, 36 bytes`,
		`would compress '${file}.1' (gzip)`,
		`would compress '${file}.2' (gzip)`,
		`would run --on-rotate '/bin/true' for '${file}.1.gz'`,
		`would run --on-rotate '/bin/true' for '${file}.2.gz'`,
	]);
	t.deepEqual(snapshot(directory), before, 'every file as it was, and no lock file');
});

test('check -n names the deletions, renames and the rotation a real check then carries out', async t => {
	const {directory, file} = await logWithArchives(t);
	const policy = ['--max', '10', '--keep', '3', '--compress', 'none'];
	const plan = await rotlog(['check', file, ...policy, '-n']);
	t.is(plan.exitCode, 0, plan.stderr);
	t.deepEqual(plan.stdout.split('\n').filter(Boolean), [
		`would end the unfinished last line of '${file}' (left by a killed writer)`,
		`would delete '${file}.3': retention`,
		`would rename '${file}.2' -> '${file}.3'`,
		`would rename '${file}.1' -> '${file}.2'`,
		`would rotate '${file}' -> '${file}.1': size, 36 bytes`,
	]);
	const real = await rotlog(['check', file, ...policy, '-v']);
	t.is(real.exitCode, 0, real.stderr);
	t.deepEqual(real.stdout.split('\n').filter(Boolean), [
		`removed '${file}.3': retention`,
		`rotated '${file}' to '${file}.1': size, 36 bytes`,
	]);
	t.deepEqual(snapshot(directory), {
		'app.log': '',
		'app.log.1': 'one\ntwo\nfragment of a killed writer\n',
		'app.log.2': 'older\n',
		'app.log.3': 'oldest\n',
		'app.log.lock': '',
	});
});

test('a dry run with nothing due prints nothing; a missing log is left alone', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, 'small\n');
	const quiet = await rotlog(['check', file, '--max', '1M', '--dry-run']);
	t.is(quiet.exitCode, 0, quiet.stderr);
	t.is(quiet.stdout, '');
	const missing = await rotlog(['check', path.join(directory, 'none.log'), '-n', '--missing-ok']);
	t.is(missing.exitCode, 0, missing.stderr);
	t.is(missing.stdout, '');
	const said = await rotlog(['check', path.join(directory, 'none.log'), '-n']);
	t.is(said.exitCode, 1);
	t.is(said.stderr, `rotlog: no log at '${path.join(directory, 'none.log')}': skipped (--missing-ok to allow)\n`);
	t.is(said.stdout, '');
	t.deepEqual(fs.readdirSync(directory), ['app.log']);
});

test('a dry run never blocks on a FIFO planted at FILE\'s name', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	await rotlog(['check', '--help']);
	const made = await import('node:child_process').then(({execFileSync}) => execFileSync('mkfifo', [file]));
	t.truthy(made);
	const result = await rotlog(['rotate', file, '-n'], {timeout: 20_000});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, '');
});
