// `npm run bench:operations [-- --logs 300 --runs 3]`
//
// What runs many times, measured beside what it replaces:
//   - `rotlog check 'DIR/*.log' --max 2K --keep 3` over LOGS logs of 3 KiB with gzip, against
//     logrotate (`size 2k`, `rotate 3`, `compress`) on a copy of the same files, in the same run
//     (skipped, with the reason, where logrotate is not installed);
//   - start-up: `node -e 0`, `rotlog --version`, `rotlog check x.log`, a writer with empty input;
//   - peak RSS (VmHWM) of a writer of 256 MiB and of a compression child given a 100 MiB archive.
// Wall and CPU (user + system, children included) come from /usr/bin/time; medians of RUNS.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rotlogBin = path.join(root, 'bin', 'rotlog');
const {values} = parseArgs({options: {logs: {type: 'string', default: '300'}, runs: {type: 'string', default: '3'}}});
const logs = Number(values.logs);
const runs = Number(values.runs);

type Timing = {wall: number; cpu: number};

/** Runs a command under /usr/bin/time; its wall and CPU seconds. */
function timed(command: string, args: readonly string[], options: {cwd?: string; input?: string} = {}): Timing {
	const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S', command, ...args], {cwd: options.cwd, input: options.input ?? '', encoding: 'utf8'});
	const last = result.stderr.trim().split('\n').at(-1) ?? '';
	const [wall, user, system] = last.split(' ').map(Number);
	if (result.status !== 0 || wall === undefined || Number.isNaN(wall)) {
		throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
	}

	return {wall, cpu: (user ?? 0) + (system ?? 0)};
}

function median(numbers: number[]): number {
	const sorted = [...numbers].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function medianTiming(timings: Timing[]): Timing {
	return {wall: median(timings.map(timing => timing.wall)), cpu: median(timings.map(timing => timing.cpu))};
}

/** LOGS logs of 3 KiB in a fresh directory. */
function makeLogs(directory: string): void {
	const line = `${'x'.repeat(99)}\n`;
	for (let index = 0; index < logs; index++) {
		fs.writeFileSync(path.join(directory, `app${index}.log`), line.repeat(30));
	}
}

function which(program: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${program}`], {encoding: 'utf8'});
	return found.status === 0 ? found.stdout.trim() : undefined;
}

const rows: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-bench-operations-'));
try {
	// check over many logs, and logrotate on the same work.
	const checks: Timing[] = [];
	const logrotates: Timing[] = [];
	const logrotate = which('logrotate') ?? (fs.existsSync('/usr/sbin/logrotate') ? '/usr/sbin/logrotate' : undefined);
	for (let run = 0; run < runs; run++) {
		const mine = fs.mkdtempSync(path.join(scratch, 'check-'));
		makeLogs(mine);
		checks.push(timed(process.execPath, [rotlogBin, 'check', path.join(mine, '*.log'), '--max', '2K', '--keep', '3']));
		if (logrotate !== undefined) {
			const theirs = fs.mkdtempSync(path.join(scratch, 'logrotate-'));
			makeLogs(theirs);
			const config = path.join(theirs, 'logrotate.conf');
			fs.writeFileSync(config, `${path.join(theirs, '*.log')} {\n\tsize 2k\n\trotate 3\n\tcompress\n\tmissingok\n}\n`);
			logrotates.push(timed(logrotate, ['--state', path.join(theirs, 'state'), config]));
		}
	}

	const check = medianTiming(checks);
	rows.push(`| \`rotlog check\` over ${logs} logs, gzip | ${check.wall.toFixed(2)} | ${check.cpu.toFixed(2)} |`);
	if (logrotate === undefined) {
		process.stderr.write('bench: logrotate is not installed (apt-get install logrotate); its row is skipped\n');
	} else {
		const theirs = medianTiming(logrotates);
		rows.push(`| logrotate, same work | ${theirs.wall.toFixed(2)} | ${theirs.cpu.toFixed(2)} |`);
	}

	// Start-up.
	const small = path.join(scratch, 'x.log');
	fs.writeFileSync(small, 'one small line\n');
	const startups: Array<[string, string, string[]]> = [
		['`node -e 0`', process.execPath, ['-e', '0']],
		['`rotlog --version`', process.execPath, [rotlogBin, '--version']],
		['`rotlog check x.log`', process.execPath, [rotlogBin, 'check', small, '--max', '1M']],
		['a writer with empty input', process.execPath, [rotlogBin, path.join(scratch, 'empty.log'), '--compress', 'none']],
	];
	for (const [name, command, args] of startups) {
		const startup = medianTiming(Array.from({length: Math.max(runs, 5)}, () => timed(command, args)));
		rows.push(`| start-up: ${name} | ${startup.wall.toFixed(3)} | ${startup.cpu.toFixed(3)} |`);
	}

	// Peak RSS of a writer of 256 MiB (from /usr/bin/time) and of a compression child with a
	// 100 MiB archive (VmHWM sampled from /proc while it runs).
	const corpus = path.join(scratch, 'corpus');
	execFileSync('sh', ['-c', `yes 'GET /api/v1/items 200 latency_ms=12 user=someone request id=abcdef' | head -c 268435456 > "${corpus}"`]);
	const writer = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, rotlogBin, path.join(scratch, 'big.log'), '--compress', 'none', '--max', '1G'], {stdio: [fs.openSync(corpus, 'r'), 'ignore', 'pipe'], encoding: 'utf8'});
	rows.push(`| peak RSS of a writer of 256 MiB | | ${(Number(writer.stderr.trim().split('\n').at(-1)) / 1024).toFixed(0)} MiB |`);

	const childLog = path.join(scratch, 'child.log');
	const child = spawn(process.execPath, [rotlogBin, childLog, '--max', '100M', '--compress', 'gzip'], {stdio: [fs.openSync(corpus, 'r'), 'ignore', 'inherit']});
	let childPeak = 0;
	const sampler = setInterval(() => {
		for (const pid of fs.readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
			try {
				if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compress/child.js')) {
					childPeak = Math.max(childPeak, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
				}
			} catch {
				// Gone meanwhile.
			}
		}
	}, 20);
	await new Promise(resolve => {
		child.on('close', resolve);
	});
	clearInterval(sampler);
	rows.push(`| peak RSS of a compression child, 100 MiB archives | | ${(childPeak / 1024).toFixed(0)} MiB |`);
} finally {
	fs.rmSync(scratch, {recursive: true, force: true});
}

process.stdout.write(`medians of ${runs} runs (start-up: of at least 5); CPU is user + system, children included\n\n| work | wall s | CPU s or peak RSS |\n|---|---:|---:|\n${rows.join('\n')}\n`);
