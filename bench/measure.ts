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
