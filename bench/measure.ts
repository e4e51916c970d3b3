// Runs a case's writers as real processes and measures them: wall time from the first spawn to
// the last exit, the CPU time of every process involved, and each sink's own CPU and peak RSS.
//
// Each writer is `sh -c '{ cat INPUT; date > MARKER; } | SINK > STDOUT'`: a kernel pipe, as a user
// would run it. The date written when cat exits is when the sink has consumed all but the last pipe
// buffer (64 KiB) of its input: the writer's pipe time, apart from the work the sink does after EOF.
// The sink runs under GNU time (`-o FILE -f ...`) when this machine has it, for its peak RSS.
// `wall` ends when the last sink exits; `settled` when every process holding its stderr has closed
// it (a hook the sink started and did not wait for) and the case's `pending` check finds nothing.
// The CPU time of the whole case comes from this process's cutime + cstime in /proc/self/stat:
// the kernel adds there every child we reap, with everything that child reaped in turn.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Writer = {
	/** Fed to the sink's stdin through `cat INPUT |`. */
	input: string;
	/** The process reading the pipe, and its arguments. */
	command: readonly string[];
	/** Where the sink's stdout goes: rotlog writes its own files, so /dev/null. */
	stdout: string;
};

/** What is still unfinished in a case's output (archives not yet compressed), by name; empty when done. */
export type Pending = () => Promise<string[]>;

export type Tools = {
	/** GNU time, if this machine has a working one. */
	gnuTime: string | undefined;
	/** Clock ticks per second of /proc/self/stat, if /proc is there. */
	clockTicks: number | undefined;
};

export type SinkStats = {cpu: number; rssMiB: number};

export type Measurement = {
	/** Seconds from the first spawn to the last sink's exit. */
	wall: number;
	/** Seconds until the last writer's cat had put all its input into the pipe; undefined without a marker. */
	consumed: number | undefined;
	/** Seconds until every process of the case closed its stderr and nothing was `pending`. */
	settled: number;
	/** CPU seconds (user + system) of every process of the case; undefined without /proc. */
	cpu: number | undefined;
	/** One per writer, when GNU time is there. */
	sinks: SinkStats[];
	/** One line per writer that failed: its exit status and its stderr. */
	failures: string[];
};

const timeFormat = '%e %U %S %M';
const script = 'input=$1 output=$2 marker=$3; shift 3; { cat -- "$input"; date +%s.%N > "$marker"; } | "$@" > "$output"';
const settleTimeout = 600;
const settlePoll = 10;

export function findTools(): Tools {
	return {gnuTime: findGnuTime('/usr/bin/time'), clockTicks: findClockTicks()};
}

/** A GNU time that takes -o and -f and reports a plausible peak RSS, or undefined. */
function findGnuTime(candidate: string): string | undefined {
	const version = spawnSync(candidate, ['--version'], {encoding: 'utf8'});
	if (version.error || !`${version.stdout}${version.stderr}`.includes('GNU')) {
		return undefined;
	}

	const report = path.join(os.tmpdir(), `.rotlog-bench-time-${process.pid}`);
	try {
		const probe = spawnSync(candidate, ['-o', report, '-f', timeFormat, 'true']);
		if (probe.status !== 0) {
			return undefined;
		}

		const stats = parseTimeReport(fs.readFileSync(report, 'utf8'));
		return stats && stats.rssMiB > 0 ? candidate : undefined;
	} catch {
		return undefined;
	} finally {
		fs.rmSync(report, {force: true});
	}
}

function findClockTicks(): number | undefined {
	if (childTicks(100) === undefined) {
		return undefined;
	}

	const getconf = spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'});
	const ticks = Number(getconf.stdout?.trim());
	return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** CPU seconds of this process's reaped children, from fields 16 and 17 of /proc/self/stat. */
function childTicks(clockTicks: number): number | undefined {
	try {
		const stat = fs.readFileSync('/proc/self/stat', 'utf8');
		// Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const cutime = Number(fields[16 - 3]);
		const cstime = Number(fields[17 - 3]);
		return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) / clockTicks : undefined;
	} catch {
		return undefined;
	}
}

/** '%e %U %S %M' -> the sink's CPU seconds and peak RSS; the last line, after any exit-status note. */
function parseTimeReport(text: string): SinkStats | undefined {
	const last = text.trim().split('\n').at(-1) ?? '';
	const [, user, system, rssKiB] = last.split(' ').map(Number);
	if (user === undefined || system === undefined || rssKiB === undefined || [user, system, rssKiB].some(Number.isNaN)) {
		return undefined;
	}

	return {cpu: user + system, rssMiB: rssKiB / 1024};
}

/**
 * Starts every writer at once and waits for all of them, then until `pending` finds nothing left
 * to finish. `scratch` receives the time reports and the markers.
 */
export async function measure(writers: readonly Writer[], tools: Tools, scratch: string, pending?: Pending): Promise<Measurement> {
	const reports = writers.map((_, index) => path.join(scratch, `.time-${index}`));
	const markers = writers.map((_, index) => path.join(scratch, `.consumed-${index}`));
	for (const marker of markers) {
		fs.rmSync(marker, {force: true});
	}

	const cpuBefore = tools.clockTicks === undefined ? undefined : childTicks(tools.clockTicks);
	// The markers hold the real-time clock: the start is taken on it too, to the microsecond.
	const startedEpoch = (performance.timeOrigin + performance.now()) / 1000;
	const started = process.hrtime.bigint();
	let lastExit = started;
	const runs = writers.map(async (writer, index) => {
		const sink = tools.gnuTime === undefined
			? writer.command
			: [tools.gnuTime, '-o', reports[index]!, '-f', timeFormat, ...writer.command];
		const child = spawn('sh', ['-c', script, 'sh', writer.input, writer.stdout, markers[index]!, ...sink], {stdio: ['ignore', 'ignore', 'pipe']});
		const stderr: Buffer[] = [];
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		child.on('exit', () => {
			lastExit = process.hrtime.bigint();
		});
		return new Promise<string | undefined>((resolve, reject) => {
			child.on('error', reject);
			child.on('close', (code, signal) => {
				const message = Buffer.concat(stderr).toString('utf8').trim();
				resolve(code === 0 && message === '' ? undefined : `writer ${index + 1} exited with ${code ?? signal}: ${message}`);
			});
		});
	});
	const outcomes = await Promise.all(runs);
	const wall = Number(lastExit - started) / 1e9;
	const left = await settle(pending);
	const settled = Number(process.hrtime.bigint() - started) / 1e9;
	if (left.length > 0) {
		outcomes.push(`still unfinished ${settleTimeout} s after the writers closed: ${left.join(', ')}`);
	}

	const consumed = readMarkers(markers, startedEpoch);
	const cpuAfter = tools.clockTicks === undefined ? undefined : childTicks(tools.clockTicks);
	const sinks: SinkStats[] = [];
	if (tools.gnuTime !== undefined) {
		for (const report of reports) {
			const stats = parseTimeReport(fs.readFileSync(report, 'utf8'));
			if (stats) {
				sinks.push(stats);
			}

			fs.rmSync(report);
		}
	}

	return {
		wall,
		consumed,
		settled,
		cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
		sinks,
		failures: outcomes.filter(outcome => outcome !== undefined),
	};
}

/** Polls `pending` until it finds nothing (or the timeout): what is left then. */
async function settle(pending: Pending | undefined): Promise<string[]> {
	if (pending === undefined) {
		return [];
	}

	const deadline = performance.now() + (settleTimeout * 1000);
	for (;;) {
		const left = await pending();
		if (left.length === 0 || performance.now() > deadline) {
			return left;
		}

		await new Promise(resolve => {
			setTimeout(resolve, settlePoll);
		});
	}
}

/** The latest marker, in seconds after `startedEpoch`; undefined when one is missing or unreadable. */
function readMarkers(markers: readonly string[], startedEpoch: number): number | undefined {
	let latest = 0;
	for (const marker of markers) {
		let epoch: number;
		try {
			epoch = Number(fs.readFileSync(marker, 'utf8').trim());
			fs.rmSync(marker);
		} catch {
			return undefined;
		}

		if (!Number.isFinite(epoch)) {
			return undefined;
		}

		latest = Math.max(latest, epoch - startedEpoch);
	}

	return latest;
}

/** Peak RSS (VmHWM) of a live process in KiB; 0 once it is gone, or without /proc. */
export function peakRssKiB(pid: number | undefined): number {
	if (pid === undefined) {
		return 0;
	}

	try {
		return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	} catch {
		return 0;
	}
}

/**
 * The descendants of `root` whose command line holds `fragment`: another rotlog's processes on a
 * shared machine (a test run's compression children) must not count.
 */
export function descendantsRunning(root: number | undefined, fragment: string): number[] {
	if (root === undefined) {
		return [];
	}

	const parents = new Map<number, number>();
	let names: string[];
	try {
		names = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
	} catch {
		return [];
	}

	for (const name of names) {
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			// The field after the command name (in parentheses, which may hold spaces) is the state, then the parent.
			parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// Gone meanwhile.
		}
	}

	const under = (pid: number): boolean => {
		for (let parent = parents.get(pid), hops = 0; parent !== undefined && parent > 1 && hops < 64; parent = parents.get(parent), hops++) {
			if (parent === root) {
				return true;
			}
		}

		return false;
	};

	return [...parents.keys()].filter(pid => {
		try {
			return under(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(fragment);
		} catch {
			return false;
		}
	});
}

/**
 * Reads VmHWM of the processes `pids` names every `interval` ms until stopped: the peak of each.
 * A process's peak is the last value read before it exits, so the sampling interval bounds what
 * is missed of a peak reached in its last milliseconds.
 */
export function sampleRss(pids: () => Iterable<number | undefined>, interval = 20): {stop(): Map<number, number>} {
	const peaks = new Map<number, number>();
	const sample = () => {
		for (const pid of pids()) {
			const kiB = peakRssKiB(pid);
			if (pid !== undefined && kiB > (peaks.get(pid) ?? 0)) {
				peaks.set(pid, kiB);
			}
		}
	};

	sample();
	const timer = setInterval(sample, interval);
	return {
		stop() {
			sample();
			clearInterval(timer);
			return peaks;
		},
	};
}

export type Timing = {
	/** Seconds from the spawn to the exit. */
	wall: number;
	/** CPU seconds (user + system) of the process and every child it reaped; undefined without /proc. */
	cpu: number | undefined;
};

/**
 * Runs a command to its end, stdin from `stdin` (a file) or empty: its wall and CPU time. Throws
 * with its stderr when it fails. CPU comes in clock ticks (10 ms here), wall to the microsecond.
 */
export function timeCommand(tools: Tools, command: readonly string[], options: {cwd?: string; stdin?: string} = {}): Timing {
	const [program, ...args] = command;
	const input = options.stdin === undefined ? 'ignore' : fs.openSync(options.stdin, 'r');
	try {
		const cpuBefore = tools.clockTicks === undefined ? undefined : childTicks(tools.clockTicks);
		const started = process.hrtime.bigint();
		const result = spawnSync(program!, args, {cwd: options.cwd, stdio: [input, 'ignore', 'pipe'], encoding: 'utf8'});
		const wall = Number(process.hrtime.bigint() - started) / 1e9;
		const cpuAfter = tools.clockTicks === undefined ? undefined : childTicks(tools.clockTicks);
		if (result.error !== undefined || result.status !== 0) {
			const reason = result.error?.message ?? `exit ${result.status ?? result.signal}: ${result.stderr.trim().split('\n')[0] ?? ''}`;
			throw new Error(`${command.join(' ')} failed: ${reason}`);
		}

		return {wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore};
	} finally {
		if (typeof input === 'number') {
			fs.closeSync(input);
		}
	}
}

/** Says which programs are not on PATH, or undefined when all are. */
export function missingPrograms(programs: readonly string[]): string | undefined {
	const missing = programs.filter(program => findProgram(program) === undefined);
	return missing.length === 0 ? undefined : `${missing.join(', ')} not installed`;
}

/** The path of `program` on PATH, or else in one of `also`. */
export function findProgram(program: string, also: readonly string[] = []): string | undefined {
	const directories = [...(process.env['PATH'] ?? '').split(path.delimiter).filter(directory => directory !== ''), ...also];
	for (const directory of directories) {
		const candidate = path.join(directory, program);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// Not here.
		}
	}

	return undefined;
}
