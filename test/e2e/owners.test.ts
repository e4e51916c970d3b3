// A log shared between users: the service writes it as itself (here `nobody`) while root's cron
// job rotates it. A FILE made by a rotation keeps the owner, group and mode of the one before, a
// lock file takes FILE's, and so the writer never meets a file it cannot open. Needs root.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {linesOf, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {isRoot, needsRoot, nobody, rotlogAsNobody, sharedDir} from '../helpers/users.js';

const rootTest = isRoot ? test : test.skip;
if (!isRoot) {
	console.log(`owners.test.ts: ${needsRoot}`);
}

function ownerOf(file: string): {uid: number; gid: number; mode: number} {
	const stats = fs.lstatSync(file);
	return {uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o7777};
}

function lineCount(file: string): number {
	return linesOf(readLog(file)).length;
}

rootTest('a writer running as nobody keeps every line across rotations by root; FILE and its lock stay nobody\'s', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	const writer = rotlogAsNobody([file, '--compress', 'none']);
	const rounds = 4;
	const perRound = 10;
	const maintenance = [['rotate', file], ['check', file, '--max', '1'], ['rotate', file]];
	for (let round = 0; round < rounds; round++) {
		writer.stdin.write(numberedLines('w', perRound, round * perRound));
		const expected = (round + 1) * perRound;
		await poll(() => fs.existsSync(file) && lineCount(file) === expected || writer.exitCode !== null, `${expected} lines on disk`, 10_000);
		if (round === 0) {
			fs.chmodSync(file, 0o640);
		}

		const job = maintenance[round];
		if (job !== undefined) {
			const result = await rotlog([...job, '--compress', 'none'], {timeout: 60_000});
			t.is(result.exitCode, 0, result.stderr);
		}
	}

	writer.stdin.end();
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	const {problems, seen} = checkInterleaved(linesOf(readLog(file)), ['w']);
	t.deepEqual(problems, []);
	t.is(seen.get('w'), rounds * perRound);
	t.deepEqual(ownerOf(file), {uid: nobody.uid, gid: nobody.gid, mode: 0o640});
	t.like(ownerOf(`${file}.lock`), {uid: nobody.uid, gid: nobody.gid});
});

rootTest('a lock file rotlog creates takes FILE\'s owner, group and permission bits', async t => {
	const file = path.join(await sharedDir(t), 'app.log');
	fs.writeFileSync(file, 'private\n', {mode: 0o600});
	fs.chownSync(file, nobody.uid, nobody.gid);
	for (const args of [['check', file, '--max', '1G'], [file]]) {
		fs.rmSync(`${file}.lock`, {force: true});
		const result = await rotlog(args, {input: 'root\n'});
		t.is(result.exitCode, 0, result.stderr);
		t.deepEqual(ownerOf(`${file}.lock`), {uid: nobody.uid, gid: nobody.gid, mode: 0o600}, args.join(' '));
	}

	const writer = rotlogAsNobody([file]);
	writer.stdin.end('nobody\n');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(linesOf(fs.readFileSync(file)), ['private', 'root', 'nobody']);
});

rootTest('root\'s check and rotate before the first writer leave nothing the writer, as nobody, cannot open', async t => {
	const directory = await sharedDir(t);
	const file = path.join(directory, 'app.log');
	for (const args of [['check', file, '--max', '1', '--missing-ok'], ['rotate', file, '--missing-ok']]) {
		const result = await rotlog(args, {timeout: 60_000});
		t.is(result.exitCode, 0, result.stderr);
	}

	t.deepEqual(fs.readdirSync(directory), []);

	// Only an archive left (FILE deleted by hand): check takes the lock, creating its file.
	const archive = `${file}.1`;
	fs.writeFileSync(archive, 'old\n', {mode: 0o640});
	fs.chownSync(archive, nobody.uid, nobody.gid);
	const checked = await rotlog(['check', file, '--max', '1', '--keep', '5'], {timeout: 60_000});
	t.is(checked.exitCode, 0, checked.stderr);
	t.like(ownerOf(`${file}.lock`), {uid: nobody.uid, gid: nobody.gid});

	const writer = rotlogAsNobody([file]);
	writer.stdin.end('first\n');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(linesOf(readLog(file)), ['old', 'first']);
});
