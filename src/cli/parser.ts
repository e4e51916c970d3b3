// The yargs wiring: the commands, their options (options.ts) and what each one runs. The chosen
// command's work is handed back to main() rather than run inside yargs.
import {createRequire} from 'node:module';
import type Yargs from 'yargs/yargs';
import {RuntimeFailure, UsageError} from '../errors.js';
import {runMaintenanceCommand, runWriteCommand, type Schedule, version} from './handlers.js';
import {helpWidth} from './help.js';
import {commandOptions, commandSummaries} from './options.js';
import {archiveOptions, checkLock, nonEmptyFile, recordedValues, writerPolicy} from './policies.js';
import {recordOf, withRecord} from './policy-text.js';
import {usageText} from './usage-text.js';

/**
 * yargs through its CommonJS entry: one bundled file, loaded in about half the time of its ES
 * module graph (40 ms against 70 ms here), and every writer pays it at start-up.
 */
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof Yargs;

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

/** What the parser calls for write, check and rotate; a test swaps them to see what yargs read. */
export type Handlers = {write: typeof runWriteCommand; maintenance: typeof runMaintenanceCommand};

/** The parser; the chosen command's work is handed to `schedule` rather than run inside yargs. */
export function buildParser(argv: readonly string[], schedule: Schedule, handlers: Handlers = {write: runWriteCommand, maintenance: runMaintenanceCommand}) {
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
				handlers.write(args, schedule);
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

				const {values, policy} = writerPolicy(file, args);
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
				handlers.maintenance('rotate', args, schedule);
			},
		)
		.command(
			'check [files..]',
			commandSummaries.check.summary,
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns (expanded by rotlog, never through a symbolic link a wildcard matched)'})
				.options(commandOptions.maintenance),
			args => {
				handlers.maintenance('check', args, schedule);
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
