// A log shared between users: the service writes it as itself (here `nobody`) while root's cron
// job rotates it. A FILE made by a rotation keeps the owner, group and mode of the one before, a
// lock file takes FILE's, and so the writer never meets a file it cannot open. Needs root.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {allLines, archivesOf, countNewlines, linesOf, readLog, readText} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';
import {isRoot, needsRoot, nobody, rotlogAsNobody, runAsNobody, sharedDir} from '../helpers/users.js';

const rootTest = isRoot ? test : test.skip;
if (!isRoot) {
	console.log(`owners.test.ts: ${needsRoot}`);
}

function ownerOf(file: string): {uid: number; gid: number; mode: number} {
	const stats = fs.lstatSync(file);
	return {uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o7777};
}

/** No raw numbered archive and no compression temp in `directory`: every compression is done. */
function settled(directory: string): boolean {
	return fs.readdirSync(directory).every(name => !/^app\.log\.\d+$/.test(name) && !name.includes('.compress.'));
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
	t.false(result.timedOut, 'the writer outlived its time limit');
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
	t.false(result.timedOut, 'the writer outlived its time limit');
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
	t.false(result.timedOut, 'the writer outlived its time limit');
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(linesOf(readLog(file)), ['old', 'first']);
});

rootTest('archives root\'s rotate and check compress keep the raw archive\'s owner: the nobody writer rotates on past them and nobody\'s cat reads them', async t => {
	const directory = await sharedDir(t);
	const file = path.join(directory, 'app.log');
	// Small enough that the writer rotates itself every round, shifting root's .gz archives.
	const writer = rotlogAsNobody([file, '--max', '400', '--keep', '100', '--mode', '640']);
	const rounds = 5;
	const perRound = 12;
	const maintenance = [['rotate', file], ['check', file, '--max', '1'], ['rotate', file], ['check', file]];
	for (let round = 0; round < rounds; round++) {
		writer.stdin.write(numberedLines('w', perRound, round * perRound));
		const expected = (round + 1) * perRound;
		// Every line on disk and the writer's own compressions done: root's run then finds the
		// log idle and compresses the archive it makes itself. (The writer's compression children
		// run at nice 19: on a busy machine they wait for a while.)
		await poll(() => countNewlines(file) === expected && settled(directory) || writer.exitCode !== null, `${expected} lines on disk, every archive compressed`, 60_000);
		const job = maintenance[round];
		if (job !== undefined) {
			const result = await rotlog(job, {timeout: 60_000});
			t.is(result.exitCode, 0, result.stderr);
		}
	}

	writer.stdin.end();
	const result = await writer;
	t.false(result.timedOut, 'the writer outlived its time limit');
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	const {problems, seen} = checkInterleaved(allLines(file), ['w']);
	t.deepEqual(problems, []);
	t.is(seen.get('w'), rounds * perRound);
	const compressed = archivesOf(file).filter(archive => archive.extension === '.gz');
	t.true(compressed.length > 0, 'some archives compressed');
	for (const name of fs.readdirSync(directory)) {
		t.like(ownerOf(path.join(directory, name)), {uid: nobody.uid, gid: nobody.gid}, name);
	}

	for (const archive of compressed) {
		t.is(ownerOf(archive.path).mode, 0o640, archive.path);
	}

	const cat = await runAsNobody(process.execPath, [rotlogBin, 'cat', file]);
	t.is(cat.exitCode, 0, cat.stderr);
	t.deepEqual(checkInterleaved(linesOf(Buffer.from(cat.stdout)), ['w']), {problems: [], seen: new Map([['w', rounds * perRound]])});
});

rootTest('a compression child keeps the raw archive\'s owner too; a user compressing another\'s archive keeps their own and still compresses it', async t => {
	// Over 4 MiB: `check` hands it to a compression child rather than compressing it in-process.
	const big = numberedLines('b', 150_000);
	t.true(big.length > 4 * 1024 * 1024);
	const shared = await sharedDir(t);
	const file = path.join(shared, 'app.log');
	fs.writeFileSync(file, '');
	fs.writeFileSync(`${file}.1`, big, {mode: 0o640});
	for (const name of [file, `${file}.1`]) {
		fs.chownSync(name, nobody.uid, nobody.gid);
	}

	const checked = await rotlog(['check', file, '--max', '1G'], {timeout: 60_000});
	t.is(checked.exitCode, 0, checked.stderr);
	t.deepEqual(ownerOf(`${file}.1.gz`), {uid: nobody.uid, gid: nobody.gid, mode: 0o640});
	t.is(readText(`${file}.1.gz`), big);

	// A directory nobody may write in, not sticky: nobody cannot give root's archive's owner to
	// the copy, and the compression goes ahead with nobody's own.
	const open = await tempDir(t);
	fs.chmodSync(open, 0o777);
	const other = path.join(open, 'app.log');
	fs.writeFileSync(other, '', {mode: 0o666});
	fs.writeFileSync(`${other}.1`, 'root\n', {mode: 0o644});
	fs.chmodSync(other, 0o666);
	const result = await runAsNobody(process.execPath, [rotlogBin, 'check', other, '--max', '1G']);
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.deepEqual(ownerOf(`${other}.1.gz`), {uid: nobody.uid, gid: nobody.gid, mode: 0o644});
	t.is(readText(`${other}.1.gz`), 'root\n');
	t.false(fs.existsSync(`${other}.1`));
});
