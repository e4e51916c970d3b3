// rotlog exec FILE -- CMD: the write mode with a child's stdout and stderr as its two sources, each
// framed on its own, so a cron job logs whole lines under the lock like any writer. The exit
// status is the child's.
import os from 'node:os';
import {execa, type ResultPromise} from 'execa';
import {systemReason, warn} from '../errors.js';
import {runWrite, type WriteOptions} from './write.js';

/** What a shell answers for a command it cannot run: 127 not found, 126 found but not runnable. */
function spawnFailureStatus(code: string | undefined): number {
	return code === 'ENOENT' ? 127 : 126;
}

/** spawn's errors say "spawn CMD ENOENT": the reason in words, as the other messages give it. */
const spawnReasons: Record<string, string> = {
	ENOENT: 'command not found',
	EACCES: 'permission denied',
	ENOEXEC: 'exec format error',
	ENOTDIR: 'not a directory',
};

export async function runExec(options: WriteOptions, command: readonly string[]): Promise<number> {
	const [file, ...args] = command;
	const childOptions = {stdin: 'inherit', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, forceKillAfterDelay: false} as const;
	let child: ResultPromise<typeof childOptions> | undefined;
	const spawn = () => {
		// No shell; stdin is the child's. forceKillAfterDelay: false, so that a forwarded SIGTERM is
		// never followed by execa's SIGKILL: the child decides how long it takes to stop.
		const started = execa(file!, args, childOptions);
		child = started;
		return [{name: 'stdout', stream: started.stdout}, {name: 'stderr', stream: started.stderr}];
	};

	await runWrite({
		...options,
		spawn,
		onStopSignal(signal) {
			child?.kill(signal);
		},
	});
	const result = await child!;
	if (result.signal !== undefined) {
		return 128 + (os.constants.signals[result.signal] ?? 0);
	}

	if (result.exitCode === undefined) {
		warn(`cannot run '${file}': ${spawnReasons[result.code ?? ''] ?? systemReason(result.cause)}`);
		return spawnFailureStatus(result.code);
	}

	return result.exitCode;
}
