// What write, rotate and check run, given their parsed options, and the version: shared by the
// yargs parser (parser.ts) and main()'s answers to the simplest command lines without it
// (simple-argv.ts), so that both run the same checks, build the same work and print the same text.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import type {OnFull} from '../commands/write.js';
import {UsageError} from '../errors.js';
import type {ListenAddress} from '../input/address.js';
import type {TimestampFormat} from '../output/timestamp.js';
import {writeStart} from './command-guess.js';
import {maintenanceJobs, type PolicyValues, writerPolicy} from './policies.js';
import {recordOf} from './policy-text.js';

export type Task = () => Promise<number>;

/**
 * isatty(fd), with node:tty loaded only by the write mode that asks: it loads node:net too, and
 * check and rotate would pay for it at every start (node:module is loaded by the lock anyway).
 */
function isatty(fd: number): boolean {
	const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
	return tty.isatty(fd);
}

/** Whether the task stops gracefully on SIGTERM/SIGINT (it takes them: src/stop-signals.ts). */
export type Stops = 'graceful' | 'default';

/** rotlog's version, from package.json. */
export function version(): string {
	const manifest = new URL('../../../package.json', import.meta.url);
	return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version;
}

/** Whether a path exists, a dangling symbolic link included. */
export function exists(file: string): boolean {
	return fs.lstatSync(file, {throwIfNoEntry: false}) !== undefined;
}

/** The socket options make sense only with --listen; named, so that none is silently ignored. */
function listenValues(args: {listen?: ListenAddress[] | undefined; syslog?: boolean | undefined; 'socket-mode'?: number | undefined; 'max-record'?: number | undefined}) {
	const listen = args.listen ?? [];
	for (const option of ['syslog', 'socket-mode', 'max-record'] as const) {
		if (args[option] !== undefined && listen.length === 0) {
			throw new UsageError(`invalid --${option}: needs --listen`);
		}
	}

	if (args['socket-mode'] !== undefined && !listen.some(address => address.kind === 'unix')) {
		throw new UsageError('invalid --socket-mode: needs --listen unix:PATH');
	}

	return {listen, syslog: args.syslog, socketMode: args['socket-mode'], maxRecord: args['max-record']};
}

/** The write mode's options, as the parser hands them over. */
export type WriteArgs = PolicyValues & {
	file?: string | undefined;
	config?: string | undefined;
	fifo?: string[] | undefined;
	stdin?: boolean | undefined;
	listen?: ListenAddress[] | undefined;
	syslog?: boolean | undefined;
	'socket-mode'?: number | undefined;
	'max-record'?: number | undefined;
	tag?: boolean | undefined;
	verbose?: boolean | undefined;
	tee?: boolean | undefined;
	timestamp?: TimestampFormat | undefined;
	'max-line'?: number | undefined;
	'on-full'?: OnFull | undefined;
};

/** check's and rotate's options. */
export type MaintenanceArgs = PolicyValues & {
	files?: string[] | undefined;
	config?: string | undefined;
	'missing-ok'?: boolean | undefined;
	verbose?: boolean | undefined;
	'dry-run'?: boolean | undefined;
};

export type Schedule = (task: Task, stops?: Stops) => void;

/** The write mode: checks its options and hands the writer to `schedule`. */
export function runWriteCommand(args: WriteArgs, schedule: Schedule): void {
	const start = writeStart({
		file: args.file,
		envFile: process.env['ROTLOG_FILE'],
		// isatty(0), not process.stdin.isTTY: that getter opens a libuv handle on fd 0,
		// and the write mode reads fd 0 itself (a second handle fails with EEXIST).
		stdinIsTTY: isatty(0),
		// Other sources than stdin: FIFOs or sockets (then stdin is read only with --stdin).
		fifos: args.fifo !== undefined || args.listen !== undefined,
		exists,
	});
	if ('error' in start) {
		throw new UsageError(start.error);
	}

	// Without --fifo or --listen stdin is the input already: a --stdin there is a misunderstanding.
	if (args.stdin === true && args.fifo === undefined && args.listen === undefined) {
		throw new UsageError('invalid --stdin: it only adds stdin to --fifo or --listen input (without them stdin is read anyway)');
	}

	const {file} = start;
	if (file.length === 0) {
		throw new UsageError('invalid FILE \'\': expected a path');
	}

	const {values, policy} = writerPolicy(file, args);
	schedule(async () => {
		const {runWrite} = await import('../commands/write.js');
		return runWrite({
			...policy,
			record: recordOf(values, policy.lockPath),
			fifos: args.fifo,
			stdin: args.stdin,
			maxLine: args['max-line'],
			tee: args.tee ?? false,
			timestamp: args.timestamp,
			onFull: args['on-full'],
			...listenValues(args),
			tag: args.tag,
			verbose: args.verbose ?? false,
			// A live status line only for a person at a terminal: never into a file, a pipe or a journal.
			liveStatus: isatty(2) && process.env['TERM'] !== 'dumb',
		});
	}, 'graceful');
}

/** check and rotate: the jobs of the command line (and --config), handed to `schedule`. */
export function runMaintenanceCommand(command: 'check' | 'rotate', args: MaintenanceArgs, schedule: Schedule): void {
	const jobs = maintenanceJobs(args.files ?? [], args);
	schedule(async () => {
		if (command === 'rotate') {
			const {runRotate} = await import('../commands/rotate.js');
			return runRotate(jobs, args.verbose ?? false, args['dry-run'] ?? false);
		}

		const {runCheck} = await import('../commands/check.js');
		return runCheck(jobs, args.verbose ?? false, args['dry-run'] ?? false);
	});
}
