// `npm run soak [-- --seconds 60 --writers 8 --max 1M]` (not part of npm test)
//
// Writers share one FILE with --max 1M and gzip, `rotlog check` runs in a loop beside them, and
// every few seconds a random writer is SIGKILLed and replaced by a new one. At the end every line
// of the log is checked: each writer that was not killed has all its lines, once, in order; a
// killed writer has a prefix of its lines (what it had read but not written is lost) and at most
// one fragment, ended with a newline by the next writer. Prints the figures; exit 1 on a problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {execa} from 'execa';
import {numberedLine} from '../test/helpers/lines.js';

const rotlogBin = fileURLToPath(new URL('../../bin/rotlog', import.meta.url));
const {values} = parseArgs({options: {seconds: {type: 'string', default: '60'}, writers: {type: 'string', default: '8'}, max: {type: 'string', default: '1M'}}});
const seconds = Number(values.seconds);
const writerCount = Number(values.writers);

type Writer = {id: string; process: ReturnType<typeof spawnWriter>; sent: number; killed: boolean};

function spawnWriter() {
	return execa(process.execPath, [rotlogBin, file, ...policy], {stdin: 'pipe', reject: false});
}

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-soak-'));

// A run that hangs (a deadlock between rotlog processes) must fail, not wait forever: past this
// limit the soak names the writers still running and exits 1 (execa kills its children then).
// A healthy 60 s run ends in about 2 minutes, waiting for the compression backlog.
const hangLimit = (120 + (seconds * 6)) * 1000;
setTimeout(() => {
	const running = writers.filter(writer => writer.process.exitCode === null && !writer.killed);
	const names = running.map(writer => `${writer.id} (pid ${writer.process.pid ?? '?'})`).join(', ') || 'none';
	process.stderr.write(`soak: stuck: not done ${hangLimit / 1000} s after the start; writers still running: ${names}; the log is in ${directory}\n`);
	process.exit(1);
}, hangLimit).unref();
const file = path.join(directory, 'soak.log');
const policy = ['--max', values.max, '--keep', '1000000'];
const writers: Writer[] = [];
let generation = 0;
let stopping = false;

function start(slot: number): Writer {
	const id = `w${slot}g${generation++}`;
	const child = spawnWriter();
	const writer: Writer = {id, process: child, sent: 0, killed: false};
	writers.push(writer);
	void feed(writer);
	return writer;
}

/** Writes the writer's numbered lines as fast as its pipe takes them, until stopped or killed. */
async function feed(writer: Writer): Promise<void> {
	const stdin = writer.process.stdin;
	stdin.on('error', () => undefined);
	while (!stopping && !writer.killed) {
		let chunk = '';
		for (let i = 0; i < 500; i++) {
			chunk += `${numberedLine(writer.id, writer.sent++)}\n`;
		}

		if (!stdin.write(chunk)) {
			await new Promise<void>(resolve => {
				const done = () => {
					stdin.off('drain', done);
					stdin.off('close', done);
					resolve();
				};

				stdin.on('drain', done);
				stdin.on('close', done);
			});
		}
	}

	stdin.end();
}

const started = Date.now();
const live = new Map<number, Writer>();
for (let slot = 0; slot < writerCount; slot++) {
	live.set(slot, start(slot));
}

let checks = 0;
let checkFailures = 0;
let slowestCheck = 0;
const checking = (async () => {
	while (!stopping) {
		const began = Date.now();
		const result = await execa(process.execPath, [rotlogBin, 'check', file, ...policy], {reject: false});
		slowestCheck = Math.max(slowestCheck, Date.now() - began);
		checks++;
		if (result.exitCode !== 0) {
			checkFailures++;
			process.stderr.write(`check failed: ${result.stderr}\n`);
		}
	}
})();

let kills = 0;
let seed = 12_345;
const random = () => {
	seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
	return seed / 2_147_483_648;
};

while (Date.now() - started < seconds * 1000) {
	await new Promise(resolve => {
		setTimeout(resolve, 1000 + (random() * 3000));
	});
	const slot = Math.floor(random() * writerCount);
	const victim = live.get(slot)!;
	victim.killed = true;
	victim.process.kill('SIGKILL');
	kills++;
	live.set(slot, start(slot));
}

stopping = true;
const writing = (Date.now() - started) / 1000;
const results = await Promise.all(writers.map(async writer => writer.process));
await checking;
const elapsed = (Date.now() - started) / 1000;
let exitProblems = 0;
for (const [index, result] of results.entries()) {
	if (!writers[index]!.killed && result.exitCode !== 0) {
		exitProblems++;
		process.stderr.write(`${writers[index]!.id} exited ${result.exitCode}: ${result.stderr}\n`);
	}
}

const final = await execa(process.execPath, [rotlogBin, 'check', file, ...policy], {reject: false});
const leftovers = fs.readdirSync(directory).filter(name => name.startsWith('.'));
const archives = fs.readdirSync(directory).filter(name => /^soak\.log\.\d+/.test(name));
const raw = archives.filter(name => /^soak\.log\.\d+$/.test(name));

// Every line, oldest first, through `rotlog cat`.
const byId = new Map(writers.map(writer => [writer.id, writer]));
const next = new Map(writers.map(writer => [writer.id, 0]));
const fragments = new Map<string, number>();
const problems: string[] = [];
let lines = 0;
let bytes = 0;
const cat = execa(process.execPath, [rotlogBin, 'cat', file], {reject: false, buffer: false});
const reader = readline.createInterface({input: cat.stdout, crlfDelay: Number.POSITIVE_INFINITY});
for await (const line of reader) {
	lines++;
	bytes += line.length + 1;
	const id = /^(w\d+g\d+)-/.exec(line)?.[1] ?? '';
	const writer = byId.get(id);
	const expected = next.get(id);
	if (writer !== undefined && expected !== undefined && line === numberedLine(id, expected)) {
		next.set(id, expected + 1);
		continue;
	}

	// A killed writer's unfinished line, ended by the next writer: a prefix of its next line.
	if (writer?.killed && expected !== undefined && numberedLine(id, expected).startsWith(line) && !fragments.has(id)) {
		fragments.set(id, 1);
		continue;
	}

	if (problems.length < 10) {
		problems.push(`line ${lines}: ${JSON.stringify(line.slice(0, 80))}`);
	} else {
		problems.push('');
	}
}

await cat;
let survivorsShort = 0;
for (const writer of writers) {
	if (!writer.killed && next.get(writer.id) !== writer.sent) {
		survivorsShort++;
		problems.push(`${writer.id}: ${next.get(writer.id)} of ${writer.sent} lines`);
	}
}

const killedLines = writers.filter(writer => writer.killed).reduce((sum, writer) => sum + writer.sent - next.get(writer.id)!, 0);
const figures = {
	writingSeconds: Number(writing.toFixed(1)),
	secondsUntilAllExited: Number(elapsed.toFixed(1)),
	writers: writerCount,
	processes: writers.length,
	kills,
	checks,
	slowestCheckMs: slowestCheck,
	checkFailures,
	exitProblems,
	finalCheck: final.exitCode,
	lines,
	megabytes: Number((bytes / 1024 / 1024).toFixed(1)),
	mbPerSecondWriting: Number((bytes / 1024 / 1024 / writing).toFixed(1)),
	archives: archives.length,
	rawArchivesLeft: raw.length,
	tempFilesLeft: leftovers.length,
	fragmentsOfKilledWriters: fragments.size,
	linesLostByKilledWriters: killedLines,
	survivorsShort,
	problems: problems.filter(Boolean).length + (problems.includes('') ? problems.filter(problem => problem === '').length : 0),
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
for (const problem of problems.filter(Boolean).slice(0, 10)) {
	process.stdout.write(`problem: ${problem}\n`);
}

fs.rmSync(directory, {recursive: true, force: true});
process.exitCode = problems.length === 0 && checkFailures === 0 && exitProblems === 0 && final.exitCode === 0 && leftovers.length === 0 ? 0 : 1;
