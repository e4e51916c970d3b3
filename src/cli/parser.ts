// The yargs definition (one exported option table) and main(), which returns the exit status.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import type {Options} from 'yargs';
import type Yargs from 'yargs/yargs';
import {exitCodeOf, fsFailure, renderError, RuntimeFailure, UsageError} from '../errors.js';
import type {MaintenanceJob} from '../commands/check.js';
import type {OnFull} from '../commands/write.js';
import {parseConfig} from './config.js';
import type {Interval} from '../decide/period.js';
import type {TimestampFormat} from '../output/timestamp.js';
import {hasMagic} from '../decide/glob.js';
import {type ArchiveOptions, namingFor} from '../decide/archives.js';
import {type CodecName, codecNames, parseCompress, parseLevel, selectCodec} from '../compress/codecs.js';
import {parseDateFormat, parseNamingKind} from '../decide/date-names.js';
import {parseCommand, parseCount, parseFlag, parseMode, parsePath, parseSize} from './values.js';
import {parseDuration, parseInterval} from '../decide/period.js';

/**
 * yargs through its CommonJS entry: one bundled file, loaded in about half the time of its ES
 * module graph (40 ms against 70 ms here), and every writer pays it at start-up.
 */
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof Yargs;

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

/**
 * The policy options, shared by write, rotate and check, and the keys of a --config file.
 * The man page test checks that every option of every table here is documented.
 */
export const policyOptions = {
	max: {
		type: 'string',
		requiresArg: true,
		describe: 'Rotate before FILE would exceed SIZE bytes (K, M, G, T: binary units)',
		coerce: single('max', parseSize),
	},
	interval: {
		type: 'string',
		requiresArg: true,
		describe: 'Also rotate when a new period begins: Ns, Nm, Nh, Nd, hourly, daily, weekly, monthly (aligned to the clock)',
		coerce: single('interval', parseInterval),
	},
	utc: {
		type: 'boolean',
		describe: 'Periods and date names in UTC [default: local time, which honours TZ]',
		coerce: single('utc', parseFlag),
	},
	name: {
		type: 'string',
		requiresArg: true,
		describe: 'Archive names: numbered (FILE.1 newest) or date (FILE.<stamp>[.N], never shifting) [default: numbered]',
		coerce: single('name', parseNamingKind),
	},
	'date-format': {
		type: 'string',
		requiresArg: true,
		describe: 'The <stamp> of --name date: %Y %m %d %H %M %S %j %s %% [default: by --interval, e.g. %Y-%m-%d]',
		coerce: single('date-format', parseDateFormat),
	},
	keep: {
		type: 'string',
		requiresArg: true,
		describe: `Keep at most N archives (the newest; numbered or dated) [default: ${defaultKeep}]`,
		coerce: single('keep', parseCount),
	},
	'max-age': {
		type: 'string',
		requiresArg: true,
		describe: 'Delete archives whose newest line is older than DURATION (e.g. 12h, 7d)',
		coerce: single('max-age', parseDuration),
	},
	'max-total': {
		type: 'string',
		requiresArg: true,
		describe: 'Delete the oldest archives while archives plus FILE exceed SIZE bytes as stored',
		coerce: single('max-total', parseSize),
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
		describe: 'Mode (octal) of the files rotlog creates, before the umask [default: 0666; after a rotation, that of the FILE before]',
		coerce: single('mode', parseMode),
	},
	'on-rotate': {
		type: 'string',
		requiresArg: true,
		describe: 'Run CMD (no shell) with the archive path as last argument after each rotation',
		coerce: single('on-rotate', parseCommand),
	},
	compress: {
		type: 'string',
		requiresArg: true,
		describe: `Compress archives in the background: ${codecNames.join(', ')} [default: gzip]`,
		coerce: single('compress', parseCompress),
	},
	'compress-level': {
		type: 'string',
		requiresArg: true,
		describe: 'Compression level: gzip 1-9 [6], brotli 0-11 [5], zstd 1-19 [3]',
		coerce: single('compress-level', parseLevel),
	},
} as const satisfies Record<string, Options>;

/** Where the write mode reads from. */
export const inputOptions = {
	fifo: {
		type: 'string',
		requiresArg: true,
		describe: 'Read lines from the FIFO at PATH (created if missing) instead of stdin; repeatable',
		coerce: (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(path => parsePath('fifo', String(path))),
	},
	stdin: {
		type: 'boolean',
		describe: 'With --fifo, read stdin as well',
	},
} as const satisfies Record<string, Options>;

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
	'on-full': {
		type: 'string',
		requiresArg: true,
		describe: 'When FILE cannot be written (disk full, I/O error): block (keep the lines, stop reading, retry) or drop them [default: block]',
		coerce: single('on-full', parseOnFull),
	},
} as const satisfies Record<string, Options>;

function parseOnFull(option: string, value: string): OnFull {
	if (value === 'block' || value === 'drop') {
		return value;
	}

	throw new UsageError(`invalid --${option} '${value}': expected block or drop`);
}

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

/**
 * What status and cat need to recognise the archives: the writers' --name, --date-format and
 * --interval (which picks the default --date-format).
 */
const namingOptions = {
	name: policyOptions.name,
	'date-format': policyOptions['date-format'],
	interval: policyOptions.interval,
} as const;

/** Options of cat. */
export const catOptions = {
	follow: {
		type: 'boolean',
		alias: 'f',
		describe: 'Keep printing what is appended, across rotations, until interrupted',
	},
} as const satisfies Record<string, Options>;

/**
 * The options of each command, as the parser takes them; the man page test checks that each is
 * documented and shown by that command's --help.
 */
export const commandOptions = {
	write: {...policyOptions, ...inputOptions, ...streamOptions},
	maintenance: {...policyOptions, ...maintenanceOptions},
	status: {lock: policyOptions.lock, ...namingOptions, ...statusOptions},
	cat: {lock: policyOptions.lock, ...namingOptions, ...catOptions},
} as const;

function nonEmptyFile(file: string | undefined): string {
	if (file === undefined || file.length === 0) {
		throw new UsageError('invalid FILE \'\': expected a path');
	}

	return file;
}

type PolicyValues = {
	max?: number | undefined;
	interval?: Interval | undefined;
	utc?: boolean | undefined;
	name?: 'numbered' | 'date' | undefined;
	'date-format'?: string | undefined;
	keep?: number | undefined;
	'max-age'?: number | undefined;
	'max-total'?: number | undefined;
	lock?: string | undefined;
	mode?: number | undefined;
	'on-rotate'?: string | undefined;
	compress?: CodecName | undefined;
	'compress-level'?: number | undefined;
};

/** Time rotation, date names and retention from the parsed options. */
function archiveOptions(values: PolicyValues): ArchiveOptions {
	const format = values['date-format'];
	if (format !== undefined && values.name !== 'date') {
		throw new UsageError(`invalid --date-format '${format}': needs --name date`);
	}

	return {
		interval: values.interval,
		zone: values.utc ? 'UTC' : undefined,
		naming: namingFor(values.name, format, values.interval),
		maxAge: values['max-age'],
		maxTotal: values['max-total'],
	};
}

function policyOf(file: string, values: PolicyValues) {
	return {
		file,
		lockPath: values.lock ?? `${file}.lock`,
		max: values.max,
		keep: values.keep ?? defaultKeep,
		mode: values.mode,
		onRotate: values['on-rotate'],
		codec: selectCodec(values.compress ?? 'gzip', values['compress-level']),
		...archiveOptions(values),
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

const guarantees = `Guarantees: every line read lands exactly once, whole, in order per writer, with its
bytes unchanged, however many rotlog processes write FILE at once, across rotations and files
renamed away by other tools. No file holds more than --max bytes unless it holds a single longer
line. A writer killed with SIGKILL never merges lines: a fragment it left is ended with a newline
before the next write, and what it had read but not written is lost. With --interval, a line
written at time t is in the file for t's period. See rotlog(1).`;

function version(): string {
	const manifest = new URL('../../../package.json', import.meta.url);
	return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version;
}

type Task = () => Promise<number>;

/** yargs' messages, as one line in rotlog's voice: 'Unknown argument: bogus' -> 'unknown argument: --bogus'. */
function usageText(text: string, argv: readonly string[]): string {
	const asTyped = (name: string) => argv.find(word => word === `--${name}` || word.startsWith(`--${name}=`) || word === `-${name}`)?.split('=')[0] ?? name;
	const line = text.charAt(0).toLowerCase() + text.slice(1).replaceAll('\n', '; ');
	return line.replace(/^unknown arguments?: (.*)$/, (_, names: string) => `unknown argument: ${names.split(', ').map(asTyped).join(', ')}`);
}

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
				.options(commandOptions.write),
			args => {
				const file = args.file ?? process.env['ROTLOG_FILE'] ?? 'rotlog.log';
				if (file.length === 0) {
					throw new UsageError('invalid FILE \'\': expected a path');
				}

				schedule(async () => {
					const {runWrite} = await import('../commands/write.js');
					return runWrite({...policyOf(file, args), fifos: args.fifo, stdin: args.stdin, tee: args.tee ?? false, timestamp: args.timestamp, onFull: args['on-full']});
				});
			},
		)
		.command(
			'rotate [files..]',
			'Rotate each FILE now under the writers\' lock (an empty FILE is left alone)',
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns'})
				.options(commandOptions.maintenance),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runRotate} = await import('../commands/rotate.js');
					return runRotate(jobs, args.verbose ?? false);
				});
			},
		)
		.command(
			'check [files..]',
			'For cron: rotate what is due and apply retention, under the writers\' lock',
			command => command
				.positional('files', {type: 'string', array: true, describe: 'Log files or patterns (expanded by rotlog)'})
				.options(commandOptions.maintenance),
			args => {
				const jobs = maintenanceJobs(args.files ?? [], args);
				schedule(async () => {
					const {runCheck} = await import('../commands/check.js');
					return runCheck(jobs, args.verbose ?? false);
				});
			},
		)
		.command(
			'status <file>',
			'Show FILE, its archives and whether the lock is held now',
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options(commandOptions.status),
			args => {
				const file = nonEmptyFile(args.file);
				const {naming} = archiveOptions(args);
				schedule(async () => {
					const {runStatus} = await import('../commands/status.js');
					return runStatus({file, lockPath: args.lock ?? `${file}.lock`, json: args.json ?? false, naming});
				});
			},
		)
		.command(
			'cat <file>',
			'Print the archives oldest first, then FILE, decompressed; --follow keeps reading across rotations',
			command => command
				.positional('file', {type: 'string', describe: 'The log file'})
				.options(commandOptions.cat),
			args => {
				const file = nonEmptyFile(args.file);
				const {naming} = archiveOptions(args);
				schedule(async () => {
					const {runCat} = await import('../commands/cat.js');
					return runCat({file, lockPath: args.lock ?? `${file}.lock`, follow: args.follow ?? false, interval: 200, naming});
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
			throw error instanceof UsageError || error instanceof RuntimeFailure ? error : new UsageError(usageText(text, argv));
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
