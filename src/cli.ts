// The yargs definition (one exported option table) and main(), which returns the exit status.
import fs from 'node:fs';
import yargs, {type Options} from 'yargs';
import {exitCodeOf, fsFailure, renderError, UsageError} from './errors.js';
import type {MaintenanceJob} from './commands/check.js';
import {parseConfig} from './config.js';
import type {TimestampFormat} from './timestamp.js';
import {hasMagic} from './pattern.js';
import {parseCommand, parseCount, parseMode, parsePath, parseSize} from './options.js';

/** Archives kept when --keep is not given (as multilog, s6-log and svlogd do). */
export const defaultKeep = 10;

function single<T>(option: string, parse: (option: string, value: string) => T) {
	return (value: unknown): T => {
		if (Array.isArray(value)) {
			throw new UsageError(`invalid --${option}: given more than once`);
		}

		return parse(option, String(value));
	};
}

/** Every option of the write mode; the man page test checks each one is documented. */
export const writeOptions = {
	max: {
		type: 'string',
		requiresArg: true,
		describe: 'Rotate before FILE would exceed SIZE bytes (K, M, G, T: binary units)',
		coerce: single('max', parseSize),
	},
	keep: {
		type: 'string',
		requiresArg: true,
		describe: `Keep at most N archives FILE.1 (newest) .. FILE.N [default: ${defaultKeep}]`,
		coerce: single('keep', parseCount),
	},
	lock: {
		type: 'string',
		requiresArg: true,
		describe: 'Lock file shared by every writer of FILE [default: FILE.lock]',
		coerce: single('lock', parsePath),
	},
	mode: {
		type: 'string',
		requiresArg: true,
		describe: 'Mode (octal) of the files rotlog creates, before the umask [default: 0666]',
		coerce: single('mode', parseMode),
	},
	'on-rotate': {
		type: 'string',
		requiresArg: true,
		describe: 'Run CMD (no shell) with the archive path as last argument after each rotation',
		coerce: single('on-rotate', parseCommand),
	},
} as const satisfies Record<string, Options>;

/** The policy options shared by write, rotate and check (and the keys of a --config file). */
export const policyOptions = writeOptions;

/** Options of the write mode only. */
export const streamOptions = {
	tee: {
		type: 'boolean',
		describe: 'Also copy the lines to stdout; if stdout closes, keep logging',
	},
	timestamp: {
		type: 'string',
		describe: 'Prefix each line with the time it was read: --timestamp[=iso|unix] [default: iso]',
		coerce: single('timestamp', parseTimestampFormat),
	},
} as const satisfies Record<string, Options>;

/** Options of check and rotate. */
export const maintenanceOptions = {
	config: {
		type: 'string',
		requiresArg: true,
		describe: 'JSON file listing files or patterns with their policies',
		coerce: single('config', parsePath),
	},
	verbose: {
		type: 'boolean',
		alias: 'v',
		describe: 'Print one line per action taken',
	},
} as const satisfies Record<string, Options>;

function parseTimestampFormat(option: string, value: string): TimestampFormat {
	if (value === '' || value === 'iso') {
		return 'iso';
	}

	if (value === 'unix') {
		return 'unix';
	}

	throw new UsageError(`invalid --${option} '${value}': expected iso or unix`);
}

/** Options of status. */
export const statusOptions = {
	json: {
		type: 'boolean',
		describe: 'Print JSON for scripts instead of a table',
	},
} as const satisfies Record<string, Options>;

/** Options of cat. */
export const catOptions = {
	follow: {
		type: 'boolean',
		alias: 'f',
		describe: 'Keep printing what is appended, across rotations, until interrupted',
	},
} as const satisfies Record<string, Options>;

function nonEmptyFile(file: string | undefined): string {
	if (file === undefined || file.length === 0) {
		throw new UsageError('invalid FILE \'\': expected a path');
	}

	return file;
}

type PolicyValues = {
	max?: number | undefined;
	keep?: number | undefined;
	lock?: string | undefined;
	mode?: number | undefined;
	'on-rotate'?: string | undefined;
};

function policyOf(file: string, values: PolicyValues) {
	return {
		file,
		lockPath: values.lock ?? `${file}.lock`,
		max: values.max,
		keep: values.keep ?? defaultKeep,
		mode: values.mode,
		onRotate: values['on-rotate'],
	};
}

/** check and rotate: the files and patterns of the command line, then those of --config. */
function maintenanceJobs(files: readonly string[], values: PolicyValues & {config?: string | undefined}): MaintenanceJob[] {
	const jobs: MaintenanceJob[] = [];
	const add = (target: string, targetValues: PolicyValues, where: string) => {
		if (targetValues.lock !== undefined && hasMagic(target)) {
			throw new UsageError(`${where}: a lock path cannot be shared by the files of pattern '${target}'`);
		}

		jobs.push({target, policy: file => policyOf(file, targetValues)});
	};

	if (values.lock !== undefined && files.length > 1) {
		throw new UsageError('invalid --lock: one lock file cannot serve several FILEs');
	}

	for (const file of files) {
		if (file.length === 0) {
			throw new UsageError('invalid FILE \'\': expected a path');
		}

		add(file, values, 'invalid --lock');
	}

	if (values.config !== undefined) {
		let text: string;
		try {
			text = fs.readFileSync(values.config, 'utf8');
		} catch (error) {
			throw fsFailure('read config', values.config, error);
		}

		const parsers = Object.fromEntries(Object.entries(policyOptions).map(([key, option]) => [key, option.coerce]));
		for (const [index, entry] of parseConfig(text, values.config, parsers).entries()) {
			// --lock names the lock of the command line's FILE, not of the config's files.
			add(entry.path, {...values, lock: undefined, ...entry.values}, `invalid config '${values.config}': files[${index}].lock`);
		}
	}

	if (jobs.length === 0) {
		throw new UsageError('no FILE given: name files or patterns, or --config FILE');
	}

	return jobs;
}

const guarantees = `Guarantees: every input line lands exactly once, whole, in order per writer, with its
bytes unchanged, however many rotlog processes write FILE at once. No file holds more than
--max bytes unless it holds a single longer line. Writers, 'rotlog' runs killed with SIGKILL
and files renamed away by other tools never tear or merge lines. See rotlog(1).`;

function version(): string {
	const manifest = new URL('../../package.json', import.meta.url);
	return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version;
}

type Task = () => Promise<number>;

/** The parser; the chosen command's work is handed to `schedule` rather than run inside yargs. */
export function buildParser(argv: readonly string[], schedule: (task: Task) => void) {
	const parser = yargs([...argv]);
	return parser
		.scriptName('rotlog')
		.command(
			'$0 [file]',
			'Append stdin to FILE as whole lines, safely shared by many writers',
			command => command
				.positional('file', {
					type: 'string',
					describe: 'The log file [default: $ROTLOG_FILE, else ./rotlog.log]',
				})
				.options(writeOptions)
				.options(streamOptions),
			args => {
				const file = args.file ?? process.env['ROTLOG_FILE'] ?? 'rotlog.log';
				if (file.length === 0) {
					throw new UsageError('invalid FILE \'\': expected a path');
				}

				schedule(async () => {
					const {runWrite} = await import('./commands/write.js');
					return runWrite({...policyOf(file, args), tee: args.tee ?? false, timestamp: args.timestamp});
				});
			},
		)
		.command(
			'rotate [files..]',
			'Rotate each FILE now under the writers\' lock (an empty FILE is left alone)',
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns'})
				.options(writeOptions)
				.options(maintenanceOptions),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runRotate} = await import('./commands/rotate.js');
					return runRotate(jobs, args.verbose ?? false);
				});
			},
		)
		.command(
			'check [files..]',
			'For cron: rotate what is due and apply retention, under the writers\' lock',
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns (expanded by rotlog)'})
				.options(writeOptions)
				.options(maintenanceOptions),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runCheck} = await import('./commands/check.js');
					return runCheck(jobs, args.verbose ?? false);
				});
			},
		)
		.command(
			'status <file>',
			'Show FILE, its archives and whether the lock is held now',
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options({lock: writeOptions.lock, ...statusOptions}),
			args => {
				const file = nonEmptyFile(args.file);
				schedule(async () => {
					const {runStatus} = await import('./commands/status.js');
					return runStatus({file, lockPath: args.lock ?? `${file}.lock`, json: args.json ?? false});
				});
			},
		)
		.command(
			'cat <file>',
			'Print the archives oldest first, then FILE, decompressed; --follow keeps reading across rotations',
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options({lock: writeOptions.lock, ...catOptions}),
			args => {
				const file = nonEmptyFile(args.file);
				schedule(async () => {
					const {runCat} = await import('./commands/cat.js');
					return runCat({file, lockPath: args.lock ?? `${file}.lock`, follow: args.follow ?? false, interval: 200});
				});
			},
		)
		.command(
			'completion',
			'Print a bash/zsh completion script for rotlog (add it to ~/.bashrc or ~/.zshrc)',
			{},
			() => {
				schedule(async () => {
					parser.showCompletionScript();
					return 0;
				});
			},
		)
		// The script calls `rotlog --get-yargs-completions ...`; yargs answers it (hidden command).
		.completion('completion-internal', false)
		.epilogue(guarantees)
		.strict()
		.version(version())
		.help()
		.alias('help', 'h')
		.wrap(Math.min(100, process.stdout.columns || 100))
		.exitProcess(false)
		.showHelpOnFail(false)
		.fail((message, error) => {
			// Coercion errors reach here wrapped by yargs; every failure here is a usage error.
			const text = error?.message ?? message;
			throw error instanceof UsageError ? error : new UsageError(text.charAt(0).toLowerCase() + text.slice(1).replaceAll('\n', '; '));
		});
}

export async function main(argv: readonly string[]): Promise<number> {
	try {
		let task: Task | undefined;
		// `--timestamp` takes an optional value: only `--timestamp=unix` sets it, so that
		// `rotlog --timestamp app.log` keeps app.log as FILE.
		const normalized = argv.map(argument => argument === '--timestamp' ? '--timestamp=iso' : argument);
		await buildParser(normalized, scheduled => {
			task = scheduled;
		}).parseAsync();
		return task ? await task() : 0;
	} catch (error) {
		process.stderr.write(`${renderError(error)}\n`);
		return exitCodeOf(error);
	}
}
