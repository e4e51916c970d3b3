// Log shippers: rotlog rotates by rename, never by copytruncate, so a follower that reopens
// the name reads every line once. While 4 rotlog writers share FILE and it rotates every 64 KiB (about every 0.6 s),
// `tail -F FILE` and rsyslog's imfile each end up with every line exactly once.
// rsyslog comes from Debian (installed by .ci/run); without it that test is skipped with the reason.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {execa, execaSync} from 'execa';
import {poll} from '../helpers/poll.js';
import {rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function findProgram(name: string): string | undefined {
	const found = execaSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], {reject: false}).stdout.trim();
	return found === '' ? undefined : found.split('\n')[0];
}

const tail = findProgram('tail');
const rsyslogd = findProgram('rsyslogd');
const imfile = ['/usr/lib/x86_64-linux-gnu/rsyslog/imfile.so', '/usr/lib/aarch64-linux-gnu/rsyslog/imfile.so', '/usr/lib/rsyslog/imfile.so'].some(file => fs.existsSync(file));
if (tail === undefined) {
	console.log('recipes-shippers: no tail on PATH; the tail -F test is skipped');
}

if (rsyslogd === undefined || !imfile) {
	console.log('recipes-shippers: no rsyslogd with the imfile module (apt-get install rsyslog); the rsyslog test is skipped');
}

const writers = 4;
const linesPerWriter = 1500;
const max = 64 * 1024;

function lineCount(file: string): number {
	if (!fs.existsSync(file)) {
		return 0;
	}

	const text = fs.readFileSync(file);
	let count = 0;
	for (const byte of text) {
		if (byte === 10) {
			count++;
		}
	}

	return count;
}

/**
 * 4 rotlog writers on FILE, each fed 20 lines every 50 ms (about 100 KB/s in all, so FILE rotates
 * about every 0.6 s: a follower that does not reopen FILE for longer than that would skip a file); resolves when every writer has exited. Returns how many rotations.
 */
async function writeUnderRotation(file: string): Promise<number> {
	const children = Array.from({length: writers}, () => rotlog([file, '--max', String(max), '--keep', '1000', '--compress', 'none'], {stdin: 'pipe', stripFinalNewline: true}));
	for (let start = 0; start < linesPerWriter; start += 20) {
		for (const [writer, child] of children.entries()) {
			let chunk = '';
			for (let index = start; index < Math.min(start + 20, linesPerWriter); index++) {
				chunk += `w${writer} ${String(index).padStart(6, '0')} ${'s'.repeat(40)}\n`;
			}

			child.stdin!.write(chunk);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}

	for (const child of children) {
		child.stdin!.end();
	}

	const results = await Promise.all(children);
	for (const result of results) {
		if (result.exitCode !== 0) {
			throw new Error(`a writer failed: ${result.stderr}`);
		}
	}

	return fs.readdirSync(path.dirname(file)).filter(name => /^app\.log\.\d+$/.test(name)).length;
}

/** The follower's output holds each written line exactly once, and each writer's lines in order. */
function checkFollowed(t: ExecutionContext, text: string, who: string, file: string) {
	const lines = text.split('\n').filter(line => line.length > 0);
	const stored = execaSync(process.execPath, [rotlogBin, 'cat', file]).stdout.split('\n').filter(line => line.startsWith('w'));
	t.is(stored.length, writers * linesPerWriter, 'rotlog stored every line');
	const seen = new Set(lines);
	const missing = stored.filter(line => !seen.has(line));
	if (missing.length > 0) {
		t.log(`${who}: ${missing.length} lines missing, first ${missing[0]}, last ${missing.at(-1)}`);
	}

	t.is(lines.length, writers * linesPerWriter, `${who}: as many lines as written`);
	t.is(new Set(lines).size, lines.length, `${who}: no line twice`);
	for (let writer = 0; writer < writers; writer++) {
		const numbers = lines.filter(line => line.startsWith(`w${writer} `)).map(line => Number(line.split(' ')[1]));
		t.deepEqual(numbers, Array.from({length: linesPerWriter}, (_, index) => index), `${who}: writer ${writer}'s lines once, in order`);
	}
}

(tail === undefined ? test.skip : test.serial)('tail -F follows FILE across rotations: every line exactly once', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const out = path.join(directory, 'followed.txt');
	fs.writeFileSync(file, '');
	const follower = execa(tail!, ['-n', '+1', '-F', '-s', '0.05', file], {stdout: {file: out}, reject: false});
	t.teardown(() => {
		follower.kill('SIGKILL');
	});
	const rotations = await writeUnderRotation(file);
	t.true(rotations >= 3, `rotated ${rotations} times`);
	await poll(() => lineCount(out) >= writers * linesPerWriter, 'tail to print every line', 20_000).catch(() => undefined);
	follower.kill('SIGTERM');
	await follower;
	t.log(`${rotations} rotations; tail printed ${lineCount(out)} of ${writers * linesPerWriter} lines`);
	checkFollowed(t, fs.readFileSync(out, 'utf8'), 'tail -F', file);
});

(rsyslogd === undefined || !imfile ? test.skip : test.serial)('rsyslog imfile follows FILE across rotations: every line exactly once', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const out = path.join(directory, 'shipped.txt');
	const work = path.join(directory, 'rsyslog');
	fs.mkdirSync(work);
	fs.writeFileSync(file, '');
	const config = path.join(directory, 'rsyslog.conf');
	// A minimal config: imfile reads FILE (following renames), omfile writes each line as read.
	fs.writeFileSync(config, `global(workDirectory="${work}")
module(load="imfile" mode="inotify")
template(name="raw" type="string" string="%msg%\\n")
ruleset(name="ship") {
	action(type="omfile" file="${out}" template="raw" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imfile" file="${file}" tag="app" ruleset="ship" freshStartTail="off")
`);
	const daemon = execa(rsyslogd!, ['-n', '-f', config, '-i', path.join(directory, 'rsyslogd.pid')], {reject: false});
	t.teardown(() => {
		daemon.kill('SIGKILL');
	});
	// rsyslog is ready once it has shipped a line written before the load.
	fs.appendFileSync(file, 'ready\n');
	await poll(() => lineCount(out) >= 1 || daemon.exitCode !== null, 'rsyslogd to ship a first line', 20_000);
	if (daemon.exitCode !== null) {
		t.fail(`rsyslogd exited: ${(await daemon).stderr}`);
		return;
	}

	const rotations = await writeUnderRotation(file);
	t.true(rotations >= 3, `rotated ${rotations} times`);
	await poll(() => lineCount(out) >= writers * linesPerWriter + 1, 'rsyslog to ship every line', 20_000).catch(() => undefined);
	daemon.kill('SIGTERM');
	await daemon;
	t.log(`${rotations} rotations; rsyslog shipped ${lineCount(out) - 1} of ${writers * linesPerWriter} lines`);
	const text = fs.readFileSync(out, 'utf8');
	t.true(text.startsWith('ready\n'));
	checkFollowed(t, text.slice('ready\n'.length), 'rsyslog imfile', file);
});
