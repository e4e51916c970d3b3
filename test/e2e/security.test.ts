// Hostile paths: rotlog often runs as root in a shared log directory. A symlink planted
// at FILE, FILE.lock, the next archive name or a temp name never makes rotlog write to, truncate
// or chmod the file it points at: rotlog refuses with one line, or goes around it safely.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {linesOf} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const victimText = 'the victim: nothing may change me\n';

/** A file outside the log's names, with a known content and mode. */
function plantVictim(directory: string): string {
	const victim = path.join(directory, 'victim');
	fs.writeFileSync(victim, victimText);
	fs.chmodSync(victim, 0o600);
	return victim;
}

function assertUntouched(t: ExecutionContext, victim: string): void {
	t.is(fs.readFileSync(victim, 'utf8'), victimText, 'the victim\'s bytes are unchanged');
	t.is(fs.statSync(victim).mode & 0o7777, 0o600, 'the victim\'s mode is unchanged');
}

/** Regular files of the log (symlinks skipped), oldest first, as lines. */
function regularLines(file: string): string[] {
	const directory = path.dirname(file);
	const base = path.basename(file);
	const names = fs.readdirSync(directory).filter(name => name === base || /^\.\d+$/.test(name.slice(base.length)) && name.startsWith(base));
	const regular = names.filter(name => fs.lstatSync(path.join(directory, name)).isFile());
	const order = (name: string) => name === base ? 0 : -Number(name.slice(base.length + 1));
	return regular.sort((a, b) => order(a) - order(b)).flatMap(name => linesOf(fs.readFileSync(path.join(directory, name))));
}

test('a symlink at FILE.lock or at FILE: one line, exit 1, the victim untouched', async t => {
	const directory = await tempDir(t);
	const victim = plantVictim(directory);
	const file = path.join(directory, 'app.log');
	fs.symlinkSync(victim, `${file}.lock`);
	const locked = await rotlog([file], {input: 'x\n'});
	t.is(locked.exitCode, 1);
	t.regex(locked.stderr, /^rotlog: refusing '.*app\.log\.lock': it is a symbolic link \(rotlog never writes through links; name the file itself\)\n$/);

	const other = path.join(directory, 'other.log');
	fs.symlinkSync(victim, other);
	const linked = await rotlog([other], {input: 'x\n'});
	t.is(linked.exitCode, 1);
	t.regex(linked.stderr, /^rotlog: refusing '.*other\.log': it is a symbolic link \(rotlog never writes through links; name the file itself\)\n$/);
	assertUntouched(t, victim);
});

test('a symlink at the next archive name is moved aside by renames, never written through', async t => {
	const directory = await tempDir(t);
	const victim = plantVictim(directory);
	const file = path.join(directory, 'app.log');
	fs.symlinkSync(victim, `${file}.1`);
	const input = numberedLines('w1', 5000);
	const result = await rotlog([file, '--max', '16K', '--keep', '100', '--compress', 'none', '--mode', '0600'], {input});
	t.is(result.exitCode, 0, result.stderr);
	assertUntouched(t, victim);
	const {problems, seen} = checkInterleaved(regularLines(file), ['w1']);
	t.deepEqual(problems, []);
	t.is(seen.get('w1'), 5000);
});

test('a symlink at the compression temp name is removed, not followed; archives are no more readable than FILE', async t => {
	const directory = await tempDir(t);
	const victim = plantVictim(directory);
	const file = path.join(directory, 'app.log');
	// FILE's inode names its future temp (`.app.log.compress.INODE`): plant a symlink there first.
	const first = await rotlog([file, '--mode', '0640'], {input: 'first\n'});
	t.is(first.exitCode, 0, first.stderr);
	fs.chmodSync(file, 0o640);
	const temp = path.join(directory, `.app.log.compress.${fs.statSync(file).ino}`);
	fs.symlinkSync(victim, temp);
	const rotated = await rotlog(['rotate', file]);
	t.is(rotated.exitCode, 0, rotated.stderr);
	assertUntouched(t, victim);
	t.false(fs.existsSync(temp), 'the planted temp name is gone');
	t.true(fs.existsSync(`${file}.1.gz`), rotated.stderr);
	t.is(fs.statSync(`${file}.1.gz`).mode & 0o7777, 0o640, 'the archive keeps FILE\'s mode');
});
