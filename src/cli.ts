// The yargs definition (one exported option table) and main(), which returns the exit status.
import fs from 'node:fs';
import yargs, {type Options} from 'yargs';
import {exitCodeOf, renderError, UsageError} from './errors.js';
import {type ArchiveOptions, namingFor} from './archiving.js';
import {parseDateFormat, parseNamingKind} from './naming.js';
import {parseCount, parsePath, parseSize} from './options.js';
import {type Interval, parseDuration, parseInterval} from './period.js';

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
		describe: `Keep at most N archives (the newest; numbered or dated) [default: ${defaultKeep}]`,
		coerce: single('keep', parseCount),
	},
	lock: {
		type: 'string',
		requiresArg: true,
		describe: 'Lock file shared by every writer of FILE [default: FILE.lock]',
		coerce: single('lock', parsePath),
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

type ArchiveArgs = {interval?: Interval | undefined; utc?: boolean | undefined; name?: 'numbered' | 'date' | undefined; dateFormat?: string | undefined; maxAge?: number | undefined; maxTotal?: number | undefined};

/** Time rotation, date names and retention (issue 4) from the parsed options. */
export function archiveOptions(args: ArchiveArgs): ArchiveOptions {
	if (args.dateFormat !== undefined && args.name !== 'date') {
		throw new UsageError(`invalid --date-format '${args.dateFormat}': needs --name date`);
	}

	return {
		interval: args.interval,
		zone: args.utc ? 'UTC' : undefined,
		naming: namingFor(args.name, args.dateFormat, args.interval),
		maxAge: args.maxAge,
		maxTotal: args.maxTotal,
	};
}

const guarantees = `Guarantees: every line read lands exactly once, whole, in order per writer, with its
bytes unchanged, however many rotlog processes write FILE at once, across rotations and files
renamed away by other tools. No file holds more than --max bytes unless it holds a single longer
line. A writer killed with SIGKILL never merges lines: a fragment it left is ended with a newline
before the next write, and what it had read but not written is lost. With --interval, a line
written at time t is in the file for t's period. See rotlog(1).`;

function version(): string {
	const manifest = new URL('../../package.json', import.meta.url);
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
	return yargs([...argv])
		.scriptName('rotlog')
		.command(
			'$0 [file]',
			'Append stdin to FILE as whole lines, safely shared by many writers',
			command => command
				.positional('file', {
					type: 'string',
					describe: 'The log file [default: $ROTLOG_FILE, else ./rotlog.log]',
				})
				.options(writeOptions),
			args => {
				const file = args.file ?? process.env['ROTLOG_FILE'] ?? 'rotlog.log';
				if (file.length === 0) {
					throw new UsageError('invalid FILE \'\': expected a path');
				}

				schedule(async () => {
					const {runWrite} = await import('./commands/write.js');
					return runWrite({
						file, lockPath: args.lock ?? `${file}.lock`, max: args.max, keep: args.keep ?? defaultKeep,
						fifos: args.fifo, stdin: args.stdin, ...archiveOptions(args),
					});
				});
			},
		)
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
			throw error instanceof UsageError ? error : new UsageError(usageText(text, argv));
		});
}

export async function main(argv: readonly string[]): Promise<number> {
	try {
		let task: Task | undefined;
		await buildParser(argv, scheduled => {
			task = scheduled;
		}).parseAsync();
		return task ? await task() : 0;
	} catch (error) {
		process.stderr.write(`${renderError(error)}\n`);
		return exitCodeOf(error);
	}
}
