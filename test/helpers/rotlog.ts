// Runs the real bin/rotlog (the compiled build) as a child process.
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

export const rotlogBin = fileURLToPath(new URL('../../../bin/rotlog', import.meta.url));

export type RotlogOptions = {
	/** Bytes for stdin (a socket pair, as Node gives a child); ignored when `stdin` is set. */
	input?: string | Uint8Array;
	/** 'pipe' to keep stdin open and feed it, or a file descriptor to read from. */
	stdin?: 'pipe' | 'ignore' | number;
	cwd?: string;
	env?: Record<string, string | undefined>;
	/** Kills the process (and fails the run) after this many ms; default 60 s. */
	timeout?: number;
};

function execaOptions(options: RotlogOptions) {
	return {
		reject: false,
		timeout: options.timeout ?? 60_000,
		// Any file descriptor works, though execa's types list only 0 and 3 .. 9.
		stdin: (options.stdin ?? (options.input === undefined ? 'ignore' : 'pipe')) as 'pipe' | 'ignore' | 0,
		...(options.input === undefined || options.stdin !== undefined ? {} : {input: options.input}),
		...(options.cwd === undefined ? {} : {cwd: options.cwd}),
		...(options.env === undefined ? {} : {env: options.env}),
		stripFinalNewline: false,
	} as const;
}

/**
 * Starts `rotlog ...args` and returns the execa subprocess: await it for the result (it never
 * rejects: check exitCode, signal, stderr), or use its stdin and kill() while it runs.
 */
export function rotlog(args: readonly string[], options: RotlogOptions = {}) {
	return execa(process.execPath, [rotlogBin, ...args], execaOptions(options));
}
