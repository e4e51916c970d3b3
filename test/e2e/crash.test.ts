// A crash at every step: ROTLOG_TEST_CRASH_AT=PROTOCOL:K SIGKILLs rotlog right after
// step K of its rotations (`rotate`: each rename or unlink of the plan, retention, the new FILE)
// or of the compression protocol, in the compression child (`claim`: the temp created and locked;
// `compress`: temp fsynced, renamed in, directory fsynced, raw dropped). After each crash a fresh writer plus `rotlog
// check` must leave every line present exactly once and in order (those the killed process had
// read but not written are lost, as its guarantees say: they come out as a prefix of its input),
// no archive lost, the numbers 1..N without a gap, and no temp file.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test, {type ExecutionContext} from 'ava';
import {linesOf} from '../helpers/files.js';
import {checkInterleaved, numberedLines} from '../helpers/lines.js';
import {poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/**
 * `input`: how the crashing writer gets its input. 'at-once': all of it, then EOF (compressions
 * may run in the writer itself once its input has ended, for small archives, so the writer or its
 * child dies). 'held-open': its stdin stays open until the compression child's death is reported,
 * so the compressions run in a child.
 */
type Case = {protocol: string; step: number; compress: string; input?: 'at-once' | 'held-open'};

/** Numbered archives of `file` and anything else left in its directory. */
function survey(file: string): {indices: number[]; strays: string[]} {
	const base = path.basename(file);
	const indices: number[] = [];
	const strays: string[] = [];
	for (const name of fs.readdirSync(path.dirname(file))) {
		const match = /^\.([1-9]\d*)(\.gz)?$/.exec(name.slice(base.length));
		if (name.startsWith(base) && match) {
			indices.push(Number(match[1]));
		} else if (name !== base && name !== `${base}.lock`) {
			strays.push(name);
		}
	}

	return {indices: indices.sort((a, b) => a - b), strays};
}

/** The archives N .. 1 (decompressed), then FILE. */
function readAll(file: string, indices: number[]): Buffer {
	const parts = [...indices].reverse().map(index => {
		const raw = `${file}.${index}`;
		return fs.existsSync(raw) ? fs.readFileSync(raw) : zlib.gunzipSync(fs.readFileSync(`${raw}.gz`));
	});
	return Buffer.concat([...parts, fs.readFileSync(file)]);
}

async function crashAt(t: ExecutionContext, {protocol, step, compress, input = 'at-once'}: Case): Promise<void> {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const policy = ['--max', '4K', '--keep', '1000', '--compress', compress];
	// Before: three archives and FILE, 100 lines each, as a writer would have left them.
	for (const [at, name] of ['app.log.3', 'app.log.2', 'app.log.1', 'app.log'].entries()) {
		fs.writeFileSync(path.join(directory, name), numberedLines('w0', 100, at * 100));
	}

	const env = {ROTLOG_TEST_CRASH_AT: `${protocol}:${step}`};
	let crashed;
	if (input === 'held-open') {
		const writer = rotlog([file, ...policy], {stdin: 'pipe', env, timeout: 60_000});
		let stderr = '';
		writer.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		writer.stdin!.write(numberedLines('w1', 200));
		// Until a child's death is reported for every archive (each child dies at the same step of
		// its first archive, after its step 4 with the archive compressed; the names said are those
		// the archives had when queued, renumbered since): after the input's end, one still waiting
		// would be compressed in the writer itself, and kill it.
		await poll(() => {
			const deaths = stderr.match(/compressor killed by SIGKILL/g)?.length ?? 0;
			const archives = new Set(fs.readdirSync(directory).map(name => /^app\.log\.(\d+)(\.gz)?$/.exec(name)?.[1]).filter(Boolean)).size;
			return deaths > 0 && deaths >= archives;
		}, 'the compression children\'s deaths reported');
		writer.stdin!.end();
		crashed = await writer;
		// The child died; the writer goes on, keeps the archive raw and says so.
		t.is(crashed.exitCode, 0, crashed.stderr);
	} else {
		crashed = await rotlog([file, ...policy], {input: numberedLines('w1', 200), env});
	}

	if (input === 'held-open') {
		// Said above.
	} else if (protocol === 'compress' || protocol === 'claim') {
		// A compression after the input's end runs in the writer itself, which dies; one that
		// began while it still read runs in a child, which dies, and the writer says so.
		t.true(crashed.signal === 'SIGKILL' || (crashed.exitCode === 0 && /SIGKILL/.test(crashed.stderr)), `${crashed.signal ?? crashed.exitCode}: ${crashed.stderr}`);
	} else {
		t.is(crashed.signal, 'SIGKILL', `crashed at ${protocol}:${step}`);
	}

	const after = await rotlog([file, ...policy], {input: numberedLines('w2', 200)});
	t.is(after.exitCode, 0, after.stderr);
	const check = await rotlog(['check', file, ...policy]);
	t.is(check.exitCode, 0, check.stderr);

	const {indices, strays} = survey(file);
	t.deepEqual(strays, [], 'no temp file or stray name left');
	t.deepEqual(indices, indices.map((_, at) => at + 1), 'archives numbered 1..N without a gap or a duplicate');
	if (compress !== 'none') {
		t.false(fs.readdirSync(directory).some(name => /^app\.log\.\d+$/.test(name)), 'every archive compressed');
	}

	const {problems, seen} = checkInterleaved(linesOf(readAll(file, indices)), ['w0', 'w1', 'w2']);
	t.deepEqual(problems, [], 'each line once, each writer in order');
	t.is(seen.get('w0'), 400, 'no line written before the crash is lost');
	t.is(seen.get('w2'), 200);
}

// Rotations: a plan with 3 renames of archives, FILE's rename, retention, the new FILE = 6
// steps per rotation; 7 reaches into the second rotation.
for (let step = 1; step <= 7; step++) {
	test(`SIGKILL after rotation step ${step}`, crashAt, {protocol: 'rotate', step, compress: 'none'});
}

for (const input of ['held-open', 'at-once'] as const) {
	const who = input === 'held-open' ? 'the compression child' : 'the compression after the input\'s end';
	test(`SIGKILL of ${who} right after it claims an archive`, crashAt, {protocol: 'claim', step: 1, compress: 'gzip', input});
	for (let step = 1; step <= 4; step++) {
		test(`SIGKILL of ${who} after its step ${step}`, crashAt, {protocol: 'compress', step, compress: 'gzip', input});
	}
}
