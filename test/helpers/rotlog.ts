// The one runner of the real bin/rotlog (the compiled build) as a child process, and the check
// that it printed no Node warning.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type {ExecutionContext} from 'ava';
import {execa, type Options, type ResultPromise} from 'execa';
import {rotlogBin} from './paths.js';

export {rotlogBin} from './paths.js';

/**
 * execa's options, with these defaults: `reject: false` (check exitCode, signal, stderr),
 * `stripFinalNewline: false` (output byte for byte), `timeout: 120_000` (kills the process and so
 * fails the test; as long as ava's own timeout, because on a loaded machine writing 100 000 lines
 * through gzip has taken over a minute), and stdin 'pipe' when `input` is given, else 'ignore'. `stdin` may also be a
 * file descriptor to read from; `input` is then ignored.
 */
export type RotlogOptions = Omit<Options, 'stdin' | 'encoding'> & {
	stdin?: 'pipe' | 'ignore' | number;
	/** 'buffer': stdout and stderr as bytes. */
	encoding?: 'utf8' | 'buffer';
};

// One named type per shape of result the tests use: execa's result types made from two different
// option types do not assign to each other, even when the options agree on everything that matters.
/** A running rotlog: await it for the result, kill() it, read its pid. */
export type RotlogProcess = ResultPromise<{reject: false; stdin: 'pipe' | 'ignore'}>;
/** A running rotlog started with `stdin: 'pipe'`, fed through its stdin. */
export type RotlogPipedProcess = ResultPromise<{reject: false; stdin: 'pipe'}>;
/** A running rotlog started with `encoding: 'buffer'`. */
export type RotlogBytesProcess = ResultPromise<{reject: false; encoding: 'buffer'}>;
/** What a RotlogProcess resolves to. */
export type RotlogResult = Awaited<RotlogProcess>;

/** `(node:PID) ...Warning: ...` lines: what Node prints on stderr for a process warning. */
export function nodeWarnings(stderr: unknown): string[] {
	const text = typeof stderr === 'string' ? stderr : stderr instanceof Uint8Array ? Buffer.from(stderr).toString('utf8') : '';
	return text.split('\n').filter(line => /^\(node:\d+\) (?:\[\w+\] )?\w*Warning: /.test(line));
}

/** Fails the test if a child printed a Node warning: for rotlog started some other way than rotlog(). */
export function assertNoWarnings(t: ExecutionContext, result: {stderr?: unknown}): void {
	t.deepEqual(nodeWarnings(result.stderr), [], 'the process printed a Node warning');
}

/**
 * Starts `rotlog ...args` and returns the execa subprocess: await it for the result, or use its
 * stdin and kill() while it runs. A Node warning on its stderr (a deprecation, a listener leak,
 * an experimental API) fails the test file, as a warning in the test process itself does
 * (test/helpers/warnings.ts): it is reported as an unhandled rejection naming the command.
 */
export function rotlog(args: readonly string[], options: RotlogOptions & {encoding: 'buffer'}): RotlogBytesProcess;
export function rotlog(args: readonly string[], options: RotlogOptions & {stdin: 'pipe'}): RotlogPipedProcess;
export function rotlog(args: readonly string[], options?: RotlogOptions): RotlogProcess;
export function rotlog(args: readonly string[], options: RotlogOptions = {}): RotlogProcess | RotlogPipedProcess | RotlogBytesProcess {
	const {input, stdin, ...rest} = options;
	const subprocess = execa(process.execPath, [rotlogBin, ...args], {
		reject: false,
		stripFinalNewline: false,
		timeout: 120_000,
		...rest,
		env: {ROTLOG_TEST_SLOTS: slotsFor(args), ...rest.env},
		// Any file descriptor works, though execa's types list only 0 and 3 .. 9.
		stdin: (stdin ?? (input === undefined ? 'ignore' : 'pipe')) as 'pipe' | 'ignore' | 0,
		...(input === undefined || stdin !== undefined ? {} : {input}),
	});
	void subprocess.then(result => {
		const warnings = nodeWarnings(result.stderr);
		if (warnings.length > 0) {
			throw new Error(`rotlog ${args.join(' ')} printed a Node warning:\n${warnings.join('\n')}`);
		}
	}, () => undefined);
	// The overloads above say which of the three shapes the options give.
	return subprocess as unknown as RotlogProcess;
}

const slotsRoot = path.join(os.tmpdir(), `rotlog-test-slots-${process.pid}`);
process.once('exit', () => {
	fs.rmSync(slotsRoot, {recursive: true, force: true});
});

/**
 * The host's compression slots (src/compress/slots.ts) as the rotlogs of one test see them: one
 * set per directory of the first path among `args`, so that tests running at once, each of which
 * may hold compressions open at a gate, do not take each other's slots, while the writers of one
 * test share theirs as on a real host.
 */
function slotsFor(args: readonly string[]): string {
	const file = args.find(arg => path.isAbsolute(arg));
	const key = file === undefined ? 'none' : path.dirname(file).replaceAll(/[^\w.-]/g, '_');
	const directory = path.join(slotsRoot, key);
	fs.mkdirSync(directory, {recursive: true});
	return directory;
}
