// The operations group: what runs many times, measured beside what it replaces.
//   - `rotlog check 'DIR/*.log' --max 2K --keep 3` over LOGS logs of 3 KiB with gzip, against
//     logrotate (`size 2k`, `rotate 3`, `compress`) on a copy of the same files, alternating run
//     by run (logrotate's row is skipped, with the reason, where it is not installed);
//   - start-up: `node -e 0`, `rotlog --version`, `rotlog check x.log`, a writer with empty input,
//     one after the other in each round, so that a change of load hits them all;
//   - peak RSS (VmHWM) of a writer of the corpus (`cat CORPUS | rotlog`, under GNU time) and of a
//     compression child given the corpus's first 100 MiB archives (read from /proc while it runs);
//   - 64 writers of 150 lines each on one log, against one writer of all their lines and against
//     64 `node -e 0` started at once (writers.ts).
// Targets: check no slower than logrotate; `check x.log` at most 1.5x `node -e 0`; a compression
// child at most 64 MiB and a writer at most 48 MiB of peak RSS; 64 writers within 2x one writer.
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type {GroupContext, Section} from './group.js';
import {descendantsRunning, findProgram, measure, sampleRss, timeCommand, type Timing} from './measure.js';
import {met, median} from './report.js';
import {rotlogOutput, sameBytes, sameParts} from './verify.js';
import {manyWriters} from './writers.js';

export const operationsTargets = {checkVsLogrotate: 1, startupVsNode: 1.5, childRssMiB: 64, writerRssMiB: 48, manyWritersVsOne: 2};

/** The many-writers case: as many writers as gunicorn or pm2 might run, each with a short input. */
const manyWritersCount = 64;
const manyWritersLines = 150;

const childMax = 100 * 1024 * 1024;

type Times = {wall: number[]; cpu: number[]};

function times(): Times {
	return {wall: [], cpu: []};
}

function add(into: Times, timing: Timing): void {
	into.wall.push(timing.wall);
	if (timing.cpu !== undefined) {
		into.cpu.push(timing.cpu);
	}
}

function seconds(value: number | undefined, digits: number): string {
	return value === undefined ? 'n/a' : value.toFixed(digits);
}

/** The median of the ratios a[i] / b[i]: runs taken side by side are compared with each other. */
function pairedRatio(a: readonly number[], b: readonly number[]): number | undefined {
	return median(a.flatMap((value, index) => (b[index] === undefined || b[index] === 0 ? [] : [value / b[index]])));
}

/** LOGS logs of 3 KiB (30 lines of 100 bytes) in a fresh directory. */
function makeLogs(directory: string, logs: number): void {
	fs.mkdirSync(directory, {recursive: true});
	const text = `${'x'.repeat(99)}\n`.repeat(30);
	for (let index = 0; index < logs; index++) {
		fs.writeFileSync(path.join(directory, `app${index}.log`), text);
	}
}

export async function operations(context: GroupContext, logs: number): Promise<Section> {
	const {corpus, rotlog, node, tools, scratch, runs, progress} = context;
	const rows: string[] = [];
	const notes: string[] = [];
	const problems: string[] = [];

	// check over many logs, and logrotate on the same work, alternating.
	const check = times();
	const logrotateTimes = times();
	const logrotate = findProgram('logrotate', ['/usr/sbin', '/sbin']);
	for (let run = 1; run <= runs; run++) {
		const mine = path.join(scratch, `check-${run}`);
		makeLogs(mine, logs);
		add(check, timeCommand(tools, [node, rotlog, 'check', path.join(mine, '*.log'), '--max', '2K', '--keep', '3']));
		const archives = fs.readdirSync(mine).filter(name => name.endsWith('.log.1.gz')).length;
		if (archives !== logs) {
			problems.push(`check run ${run}: ${archives} of ${logs} logs have a compressed archive`);
		}

		fs.rmSync(mine, {recursive: true, force: true});
		if (logrotate !== undefined) {
			const theirs = path.join(scratch, `logrotate-${run}`);
			makeLogs(theirs, logs);
			const config = path.join(scratch, 'logrotate.conf');
			fs.writeFileSync(config, `${path.join(theirs, '*.log')} {\n\tsize 2k\n\trotate 3\n\tcompress\n\tmissingok\n}\n`);
			add(logrotateTimes, timeCommand(tools, [logrotate, '--state', path.join(scratch, 'logrotate.state'), config]));
			fs.rmSync(theirs, {recursive: true, force: true});
		}

		progress(`operations: check over ${logs} logs, run ${run}/${runs}: rotlog ${check.wall.at(-1)!.toFixed(2)} s${logrotate === undefined ? '' : `, logrotate ${logrotateTimes.wall.at(-1)!.toFixed(2)} s`}`);
	}

	rows.push(`| \`rotlog check 'DIR/*.log' --max 2K --keep 3\` over ${logs} logs of 3 KiB, gzip | ${seconds(median(check.wall), 2)} | ${seconds(median(check.cpu), 2)} | |`);
	let checkRatio: number | undefined;
	if (logrotate === undefined) {
		notes.push('logrotate is not installed (Debian: apt-get install logrotate): its row and the check target are skipped');
		progress('operations: skipping logrotate: not installed');
	} else {
		rows.push(`| logrotate (\`size 2k\`, \`rotate 3\`, \`compress\`), the same files | ${seconds(median(logrotateTimes.wall), 2)} | ${seconds(median(logrotateTimes.cpu), 2)} | |`);
		checkRatio = pairedRatio(check.wall, logrotateTimes.wall);
	}

	// Start-up, each command once per round, in turn.
	const small = path.join(scratch, 'x.log');
	fs.writeFileSync(small, 'one small line\n');
	const startups: Array<{name: string; command: string[]; times: Times}> = [
		{name: '`node -e 0`', command: [node, '-e', '0'], times: times()},
		{name: '`rotlog --version`', command: [node, rotlog, '--version'], times: times()},
		{name: '`rotlog check x.log --max 1M`', command: [node, rotlog, 'check', small, '--max', '1M'], times: times()},
		{name: '`rotlog FILE --compress none < /dev/null`, a writer with empty input', command: [node, rotlog, path.join(scratch, 'empty.log'), '--compress', 'none'], times: times()},
	];
	const startupRuns = Math.max(10, 5 * runs);
	for (let round = 0; round < startupRuns; round++) {
		for (const startup of startups) {
			add(startup.times, timeCommand(tools, startup.command, {stdin: '/dev/null'}));
		}
	}

	for (const startup of startups) {
		rows.push(`| start-up: ${startup.name} | ${seconds(median(startup.times.wall), 3)} | ${seconds(median(startup.times.cpu), 3)} | |`);
	}

	const startupRatio = pairedRatio(startups[2]!.times.wall, startups[0]!.times.wall);
	progress(`operations: start-up measured ${startupRuns} times each`);

	// Peak RSS of a writer: the largest of the runs, as a user runs it (through a pipe).
	let writerRssMiB: number | undefined;
	if (tools.gnuTime === undefined) {
		notes.push('no GNU time: the writer\'s peak RSS is not measured');
	} else {
		for (let run = 1; run <= runs; run++) {
			const directory = path.join(scratch, 'writer');
			fs.mkdirSync(directory, {recursive: true});
			const file = path.join(directory, 'big.log');
			const measurement = await measure([{input: corpus.path, command: [node, rotlog, file, '--max', '1G', '--compress', 'none'], stdout: '/dev/null'}], tools, scratch);
			const verdict = measurement.failures.length > 0 ? {ok: false, detail: measurement.failures.join('; ')} : await sameBytes([file], corpus.path);
			if (!verdict.ok) {
				problems.push(`writer run ${run}: ${verdict.detail}`);
			}

			const rss = measurement.sinks[0]?.rssMiB;
			writerRssMiB = rss === undefined ? writerRssMiB : Math.max(writerRssMiB ?? 0, rss);
			fs.rmSync(directory, {recursive: true, force: true});
		}

		rows.push(`| peak RSS of a writer, \`cat CORPUS \\| rotlog FILE --max 1G --compress none\` (${(corpus.bytes / 1024 ** 2).toFixed(0)} MiB; max of ${runs}) | | | ${seconds(writerRssMiB, 1)} |`);
	}

	// Peak RSS of the compression children of a writer that makes 100 MiB archives.
	let childRssMiB: number | undefined;
	if (corpus.bytes <= childMax) {
		notes.push(`the corpus is not over 100 MiB (--size ${corpus.bytes}): no 100 MiB archive, the compression child is not measured`);
	} else {
		const directory = path.join(scratch, 'child');
		fs.mkdirSync(directory);
		const file = path.join(directory, 'app.log');
		const started = process.hrtime.bigint();
		const input = fs.openSync(corpus.path, 'r');
		const writer = spawn(node, [rotlog, file, '--max', '100M', '--compress', 'gzip'], {stdio: [input, 'ignore', 'pipe']});
		fs.closeSync(input);
		const sampler = sampleRss(() => descendantsRunning(writer.pid, path.join('compress', 'child.js')));
		let stderr = '';
		writer.stderr!.setEncoding('utf8').on('data', (text: string) => {
			stderr += text;
		});
		const [code] = await once(writer, 'close') as [number | null];
		const wall = Number(process.hrtime.bigint() - started) / 1e9;
		if (code !== 0 || stderr !== '') {
			problems.push(`the writer making 100 MiB archives exited with ${code}: ${stderr.trim()}`);
		}

		const peaks = [...sampler.stop().values()];
		const {parts, problems: outputProblems} = await rotlogOutput(directory, 'app.log', true);
		const verdict = await sameParts(parts, corpus.path);
		if (!verdict.ok || outputProblems.length > 0) {
			problems.push(`compression child run: ${[...outputProblems, verdict.detail].join('; ')}`);
		}

		childRssMiB = peaks.length === 0 ? undefined : Math.max(...peaks) / 1024;
		fs.rmSync(directory, {recursive: true, force: true});
		rows.push(`| peak RSS of a compression child, 100 MiB archives, gzip (${peaks.length} child(ren); the writer took ${wall.toFixed(1)} s to its exit) | | | ${seconds(childRssMiB, 1)} |`);
		if (peaks.length === 0) {
			notes.push('no compression child was seen in /proc: rotlog compressed in-process, or the child lived less than the 20 ms sampling interval');
		}
	}

	// Many writers at once against one writer of the same lines, and against their start-ups alone.
	const many = await manyWriters(node, rotlog, scratch, manyWritersCount, manyWritersLines, runs);
	problems.push(...many.problems);
	rows.push(
		`| one writer of ${manyWritersCount * manyWritersLines} lines, \`--max 2K\`, gzip, to its exit | ${seconds(median(many.one), 2)} | | |`,
		`| ${manyWritersCount} writers of ${manyWritersLines} lines each at once on the same log, to the last exit | ${seconds(median(many.many), 2)} | | |`,
		`| floor: ${manyWritersCount} \`node -e 0\` at once | ${seconds(median(many.floor), 2)} | | |`,
	);
	const manyRatio = pairedRatio(many.many, many.one);
	const floorRatio = pairedRatio(many.floor, many.one);
	progress(`operations: ${manyWritersCount} writers measured ${runs} time(s)`);

	const ratioText = (value: number | undefined, a: string, b: string) => (value === undefined ? 'n/a' : `${value.toFixed(2)}x (${a} / ${b}, run by run)`);
	const targets = [
		'| target | measured | met |',
		'|---|---:|---|',
		`| check over ${logs} logs with gzip no slower than logrotate on the same files (wall) | ${logrotate === undefined ? 'logrotate not installed' : ratioText(checkRatio, 'check', 'logrotate')} | ${met(checkRatio, value => value <= operationsTargets.checkVsLogrotate)} |`,
		`| \`rotlog check x.log\` wall at most ${operationsTargets.startupVsNode}x \`node -e 0\` | ${ratioText(startupRatio, 'check', 'node')} | ${met(startupRatio, value => value <= operationsTargets.startupVsNode)} |`,
		`| compression child peak RSS at most ${operationsTargets.childRssMiB} MiB | ${childRssMiB === undefined ? 'not measured' : `${childRssMiB.toFixed(1)} MiB`} | ${met(childRssMiB, value => value <= operationsTargets.childRssMiB)} |`,
		`| writer peak RSS at most ${operationsTargets.writerRssMiB} MiB | ${writerRssMiB === undefined ? 'not measured' : `${writerRssMiB.toFixed(1)} MiB`} | ${met(writerRssMiB, value => value <= operationsTargets.writerRssMiB)} |`,
		`| ${manyWritersCount} writers within ${operationsTargets.manyWritersVsOne}x one writer of the same lines (wall) | ${ratioText(manyRatio, `${manyWritersCount} writers`, 'one')}; the floor, ${manyWritersCount} \`node -e 0\` at once: ${ratioText(floorRatio, 'floor', 'one')} | ${met(manyRatio, value => value <= operationsTargets.manyWritersVsOne)} |`,
	];

	return {
		failed: problems.length > 0,
		lines: [
			'',
			'### Operations',
			'',
			`- check: ${runs} run(s), each on fresh copies of the logs, rotlog and logrotate alternating; start-up: ${startupRuns} rounds of the four commands in turn, stdin /dev/null; medians`,
			'- wall from the spawn to the exit; CPU = user + system of the process and every child it reaped (compression children included), in clock ticks of 10 ms',
			'- checked: every check run left a compressed archive for every log; the writer\'s FILE equals the corpus; the compressed archives, decompressed, plus FILE equal the corpus; the many-writers logs hold every line once, in order per writer, every archive compressed',
			'',
			'| work | wall s (median) | CPU s (median) | peak RSS MiB |',
			'|---|---:|---:|---:|',
			...rows,
			'',
			'#### Targets (operations)',
			'',
			...targets,
			...[...notes, ...problems.map(problem => `CHECK FAILED: ${problem}`)].map(note => `- ${note}`),
		],
	};
}
