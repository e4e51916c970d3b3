// The yargs wiring: the commands, their options (options.ts) and what each one runs. The chosen
// command's work is handed back to main() rather than run inside yargs.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import tty from 'node:tty';
import type Yargs from 'yargs/yargs';
import {RuntimeFailure, UsageError} from '../errors.js';
import type {ListenAddress} from '../input/address.js';
import {writeStart} from './command-guess.js';
import {helpWidth} from './help.js';
import {commandOptions, commandSummaries} from './options.js';
import {archiveOptions, checkHook, checkLock, maintenanceJobs, nonEmptyFile, policyOf, recordedValues, writerValues} from './policies.js';
import {recordOf, withRecord} from './policy-text.js';
import {usageText} from './usage-text.js';

/**
 * yargs through its CommonJS entry: one bundled file, loaded in about half the time of its ES
 * module graph (40 ms against 70 ms here), and every writer pays it at start-up.
 */
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof Yargs;

function version(): string {
	const manifest = new URL('../../../package.json', import.meta.url);
	return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version;
}

export type Task = () => Promise<number>;

/** Whether the task stops gracefully on SIGTERM/SIGINT (it takes them: src/stop-signals.ts). */
export type Stops = 'graceful' | 'default';

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

/**
 * yargs renders the whole help text after every named command's handler (check, rotate, status,
 * ...), only to keep it for a later showHelp(): about 15 ms of every such run. rotlog prints its
 * own help (help.ts) and never asks yargs for its help text, so that render is dropped. The hook is
 * yargs' internal one; without it (another yargs) nothing changes but the time.
 */
function skipHelpCache(parser: ReturnType<typeof yargs>): void {
	const internal = parser as unknown as {getInternalMethods?: () => {getUsageInstance?: () => {cacheHelpMessage?: () => void}}};
	const usage = internal.getInternalMethods?.().getUsageInstance?.();
	if (typeof usage?.cacheHelpMessage === 'function') {
		usage.cacheHelpMessage = () => undefined;
	}
}

/** The parser; the chosen command's work is handed to `schedule` rather than run inside yargs. */
export function buildParser(argv: readonly string[], schedule: (task: Task, stops?: Stops) => void) {
	// `rotlog exec FILE [options] -- CMD [ARG...]`: CMD and its arguments are the child's, word for
	// word, so yargs never sees them (it would read their options and turn '007' into 7).
	const dashes = argv[0] === 'exec' ? argv.indexOf('--') : -1;
	const childArgv = dashes === -1 ? undefined : argv.slice(dashes + 1);
	const parser = yargs(dashes === -1 ? [...argv] : argv.slice(0, dashes));
	skipHelpCache(parser);
	return parser
		.scriptName('rotlog')
		.command(
			'$0 [file]',
			commandSummaries.write.summary,
			command => command
				.positional('file', {
					type: 'string',
					describe: 'The log file (required) [default: $ROTLOG_FILE]',
				})
				.options(commandOptions.write),
			args => {
				const start = writeStart({
					file: args.file,
					envFile: process.env['ROTLOG_FILE'],
					// isatty(0), not process.stdin.isTTY: that getter opens a libuv handle on fd 0,
					// and the write mode reads fd 0 itself (a second handle fails with EEXIST).
					stdinIsTTY: tty.isatty(0),
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

				const values = writerValues(file, args);
				checkLock(file, values.lock, archiveOptions(values).naming ?? {kind: 'numbered'}, `invalid --lock '${values.lock}'`);
				checkHook(values['on-rotate'], `invalid --on-rotate '${values['on-rotate']}'`);
				const policy = policyOf(file, values);
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
						liveStatus: tty.isatty(2) && process.env['TERM'] !== 'dumb',
					});
				}, 'graceful');
			},
		)
		.command(
			// [command..] only catches a CMD given without `--`, to say what is missing.
			'exec <file> [command..]',
			commandSummaries.exec.summary,
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.positional('command', {type: 'string', array: true, describe: 'CMD [ARG...], after --'})
				.usage('rotlog exec FILE [options] -- CMD [ARG...]')
				.options(commandOptions.exec),
			args => {
				const file = nonEmptyFile(args.file);
				if (childArgv === undefined || childArgv.length === 0 || childArgv[0] === '') {
					throw new UsageError('exec needs a command after --: rotlog exec FILE [options] -- CMD [ARG...]');
				}

				const values = writerValues(file, args);
				checkLock(file, values.lock, archiveOptions(values).naming ?? {kind: 'numbered'}, `invalid --lock '${values.lock}'`);
				checkHook(values['on-rotate'], `invalid --on-rotate '${values['on-rotate']}'`);
				const policy = policyOf(file, values);
				schedule(async () => {
					const {runExec} = await import('../commands/exec.js');
					return runExec({...policy, record: recordOf(values, policy.lockPath), maxLine: args['max-line'], tee: args.tee ?? false, timestamp: args.timestamp, onFull: args['on-full'], tag: args.tag}, childArgv);
				}, 'graceful');
			},
		)
		.command(
			'rotate [files..]',
			commandSummaries.rotate.summary,
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns'})
				.options(commandOptions.maintenance),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runRotate} = await import('../commands/rotate.js');
					return runRotate(jobs, args.verbose ?? false, args['dry-run'] ?? false);
				});
			},
		)
		.command(
			'check [files..]',
			commandSummaries.check.summary,
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns (expanded by rotlog, never through a symbolic link a wildcard matched)'})
				.options(commandOptions.maintenance),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runCheck} = await import('../commands/check.js');
					return runCheck(jobs, args.verbose ?? false, args['dry-run'] ?? false);
				});
			},
		)
		.command(
			'status <file>',
			commandSummaries.status.summary,
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options(commandOptions.status),
			args => {
				const file = nonEmptyFile(args.file);
				const lockPath = args.lock ?? `${file}.lock`;
				const {naming} = archiveOptions(withRecord(recordedValues(lockPath), args));
				checkLock(file, args.lock, naming ?? {kind: 'numbered'}, `invalid --lock '${args.lock}'`);
				schedule(async () => {
					const {runStatus} = await import('../commands/status.js');
					return runStatus({file, lockPath, json: args.json ?? false, naming, utc: args.utc ?? false});
				});
			},
		)
		.command(
			'cat <file>',
			commandSummaries.cat.summary,
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options(commandOptions.cat),
			args => {
				const file = nonEmptyFile(args.file);
				const lockPath = args.lock ?? `${file}.lock`;
				const {naming} = archiveOptions(withRecord(recordedValues(lockPath), args));
				checkLock(file, args.lock, naming ?? {kind: 'numbered'}, `invalid --lock '${args.lock}'`);
				schedule(async () => {
					const {runCat} = await import('../commands/cat.js');
					return runCat({file, lockPath, follow: args.follow ?? false, interval: 200, naming});
				}, 'graceful');
			},
		)
		.command(
			'completion',
			commandSummaries.completion.summary,
			{},
			() => {
				schedule(async () => {
					// yargs' script, naming this command in its comment rather than the hidden one.
					(parser as unknown as {showCompletionScript($0: string, command: string): void}).showCompletionScript('rotlog', 'completion');
					return 0;
				});
			},
		)
		// The script calls `rotlog --get-yargs-completions ...`, which main() answers (completion.ts)
		// before yargs; yargs' hidden command only has to exist for the script to be made.
		.completion('completion-internal', false)
		.strict()
		.version(version())
		.alias('version', 'V')
		// rotlog's own help answers --help (main.ts); yargs keeps the option known to the parser
		// and to completion.
		.help()
		.alias('help', 'h')
		.wrap(helpWidth())
		.exitProcess(false)
		.showHelpOnFail(false)
		.fail((message, error) => {
			// Coercion errors reach here wrapped by yargs; every failure here is a usage error.
			const text = error?.message ?? message;
			throw error instanceof UsageError || error instanceof RuntimeFailure ? error : new UsageError(usageText(text, argv));
		});
}
