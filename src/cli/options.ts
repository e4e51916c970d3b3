// The option tables: every option of every command with its value parser, the one source that
// the parser, the --config keys and the man page test all read.
import type {Options} from 'yargs';
import {codecNames, parseCompress, parseLevel} from '../compress/codecs.js';
import {parseDateFormat, parseNamingKind} from '../decide/date-names.js';
import {parseDuration, parseInterval} from '../decide/period.js';
import {UsageError} from '../errors.js';
import {parseListenAddress} from '../input/address.js';
import {parseCommand, parseCount, parseFlag, parseLineLimit, parseMode, parseOnFull, parsePath, parseSize, parseTimestampFormat} from './values.js';

/** Archives kept when --keep is not given (as multilog, s6-log and svlogd do). */
export const defaultKeep = 10;

/**
 * A yargs option, and how --help shows its value: `value: 'SIZE'` shows `--max SIZE`; a value
 * starting with '[' is optional and written right after the name (`--timestamp[=iso|unix]`).
 */
export type RotlogOption = Options & {value?: string};

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
		value: 'SIZE',
		describe: 'Rotate before FILE would exceed SIZE bytes (K, M, G, T: binary units)',
		coerce: single('max', parseSize),
	},
	interval: {
		type: 'string',
		requiresArg: true,
		value: 'SPEC',
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
		value: 'numbered|date',
		describe: 'Archive names: numbered (FILE.1 newest) or date (FILE.<stamp>[.N], never shifting) [default: numbered]',
		coerce: single('name', parseNamingKind),
	},
	'date-format': {
		type: 'string',
		requiresArg: true,
		value: 'FORMAT',
		describe: 'The <stamp> of --name date: %Y %m %d %H %M %S %j %s %% [default: by --interval, e.g. %Y-%m-%d]',
		coerce: single('date-format', parseDateFormat),
	},
	keep: {
		type: 'string',
		requiresArg: true,
		value: 'N',
		describe: `Keep at most N archives (the newest; numbered or dated) [default: ${defaultKeep}]`,
		coerce: single('keep', parseCount),
	},
	'max-age': {
		type: 'string',
		requiresArg: true,
		value: 'DURATION',
		describe: 'Delete archives whose newest line is older than DURATION (e.g. 12h, 7d; m is minutes; M is refused as ambiguous)',
		coerce: single('max-age', parseDuration),
	},
	'max-total': {
		type: 'string',
		requiresArg: true,
		value: 'SIZE',
		describe: 'Delete the oldest archives while archives plus FILE exceed SIZE bytes as stored',
		coerce: single('max-total', parseSize),
	},
	lock: {
		type: 'string',
		requiresArg: true,
		value: 'PATH',
		describe: 'Lock file shared by every writer of FILE [default: FILE.lock]',
		coerce: single('lock', parsePath),
	},
	mode: {
		type: 'string',
		requiresArg: true,
		value: 'MODE',
		describe: 'Mode (octal, within 0777) of the files rotlog creates, before the umask; a new FILE after a rotation keeps the mode, owner and group of the one before [default: 0666]',
		coerce: single('mode', parseMode),
	},
	'on-rotate': {
		type: 'string',
		requiresArg: true,
		value: 'CMD',
		describe: 'Run CMD (no shell; the program must exist at start) with the archive\'s absolute path as last argument after each rotation',
		coerce: single('on-rotate', parseCommand),
	},
	compress: {
		type: 'string',
		requiresArg: true,
		value: 'CODEC',
		describe: `Compress archives in the background: ${codecNames.join(', ')} [default: gzip]`,
		coerce: single('compress', parseCompress),
	},
	'compress-level': {
		type: 'string',
		requiresArg: true,
		value: 'N',
		describe: 'Compression level: gzip 1-9 [6], brotli 0-11 [5], zstd 1-19 [3]',
		coerce: single('compress-level', parseLevel),
	},
} as const satisfies Record<string, RotlogOption>;

/** The policy options a writer records in the lock file (all but --on-rotate: a command to run is never taken from a file others may write). */
export const recordedKeys = ['max', 'interval', 'utc', 'name', 'date-format', 'keep', 'max-age', 'max-total', 'mode', 'compress', 'compress-level', 'lock'] as const;

/**
 * A policy option as check and rotate describe it: with no option given, they take the value the
 * writers recorded, so the default names the record first, then what applies without one.
 */
function recordedDefault<T extends RotlogOption & {describe: string}>(option: T, otherwise?: string): T {
	const record = 'as recorded in FILE\'s lock file, else';
	const describe = otherwise === undefined
		? option.describe.replace('[default: ', `[default: ${record} `)
		: `${option.describe} [default: ${record} ${otherwise}]`;
	return {...option, describe};
}

/** The policy options of check and rotate: the write mode's, with the record as their defaults. */
export const maintenancePolicyOptions = {
	...policyOptions,
	max: recordedDefault(policyOptions.max, 'no size limit'),
	interval: recordedDefault(policyOptions.interval, 'none'),
	utc: recordedDefault(policyOptions.utc),
	name: recordedDefault(policyOptions.name),
	'date-format': recordedDefault(policyOptions['date-format']),
	keep: recordedDefault(policyOptions.keep),
	'max-age': recordedDefault(policyOptions['max-age'], 'none'),
	'max-total': recordedDefault(policyOptions['max-total'], 'none'),
	mode: recordedDefault(policyOptions.mode),
	compress: recordedDefault(policyOptions.compress),
	'compress-level': recordedDefault(policyOptions['compress-level'], 'the codec\'s'),
} as const satisfies Record<string, RotlogOption>;

/** Where the write mode reads from. */
export const inputOptions = {
	fifo: {
		type: 'string',
		requiresArg: true,
		value: 'PATH',
		describe: 'Read lines from the FIFO at PATH (created if missing) instead of stdin; repeatable',
		coerce: (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(path => parsePath('fifo', String(path))),
	},
	stdin: {
		type: 'boolean',
		describe: 'With --fifo or --listen, read stdin as well (without them, stdin is the input)',
	},
	listen: {
		type: 'string',
		requiresArg: true,
		value: 'ADDRESS',
		describe: 'Read lines from a socket: unix:PATH (stream), tcp:[HOST:]PORT or udp:[HOST:]PORT (HOST: 127.0.0.1); repeatable',
		coerce: (value: unknown) => (Array.isArray(value) ? value : [value]).map(address => parseListenAddress(String(address))),
	},
	syslog: {
		type: 'boolean',
		describe: 'With --listen: drop a syslog priority <N> at the start of each record',
		coerce: single('syslog', parseFlag),
	},
	'socket-mode': {
		type: 'string',
		requiresArg: true,
		value: 'MODE',
		describe: 'Mode (octal) of --listen unix: socket files, exactly [default: 0660 less the umask]',
		coerce: single('socket-mode', parseMode),
	},
	'max-record': {
		type: 'string',
		requiresArg: true,
		value: 'SIZE',
		describe: 'With --listen: cut records longer than SIZE bytes into several lines [default: 1M]',
		coerce: single('max-record', parseSize),
	},
} as const satisfies Record<string, RotlogOption>;

/** Options of the write mode and exec. */
export const streamOptions = {
	tag: {
		type: 'boolean',
		describe: 'Prefix each line with its source and a space: stdin, the FIFO\'s path, unix:PATH#N, udp:HOST:PORT, stdout, stderr',
		coerce: single('tag', parseFlag),
	},
	tee: {
		type: 'boolean',
		describe: 'Also copy the lines to stdout; if stdout closes, keep logging',
	},
	timestamp: {
		type: 'string',
		value: '[=iso|unix]',
		describe: 'Prefix each line with the time it was read: iso (2026-11-26T19:47:22.303+01:00) or unix (seconds) [default: iso]',
		coerce: single('timestamp', parseTimestampFormat),
	},
	'max-line': {
		type: 'string',
		requiresArg: true,
		value: 'SIZE',
		describe: 'The longest line kept whole: a longer one is split into lines of at most SIZE bytes, counted on stderr [default: 1G]',
		coerce: single('max-line', parseLineLimit),
	},
	'on-full': {
		type: 'string',
		requiresArg: true,
		value: 'block|drop',
		describe: 'When FILE cannot be written (disk full, I/O error): block (keep the lines, stop reading, retry) or drop them [default: block]',
		coerce: single('on-full', parseOnFull),
	},
} as const satisfies Record<string, RotlogOption>;

/** Options of check and rotate. */
export const maintenanceOptions = {
	config: {
		type: 'string',
		requiresArg: true,
		value: 'PATH',
		describe: 'JSON file listing files or patterns with their policies',
		coerce: single('config', parsePath),
	},
	verbose: {
		type: 'boolean',
		alias: 'v',
		describe: 'Print one line per action taken',
	},
	'dry-run': {
		type: 'boolean',
		alias: 'n',
		describe: 'Print what would be done, one line per action, and change nothing (not even a lock file)',
	},
	'missing-ok': {
		type: 'boolean',
		describe: 'Skip a named FILE that does not exist without a word [default: a warning, and exit status 1]',
		coerce: single('missing-ok', parseFlag),
	},
} as const satisfies Record<string, RotlogOption>;

/** The write mode's own options. */
export const writeOptions = {
	verbose: {
		type: 'boolean',
		alias: 'v',
		describe: 'At exit, print a summary on stderr: lines, bytes, rotations, time taken (on a terminal a live status line is shown anyway)',
	},
} as const satisfies Record<string, RotlogOption>;

/** Options of status. */
export const statusOptions = {
	json: {
		type: 'boolean',
		describe: 'Print JSON for scripts instead of a table',
	},
	utc: {
		type: 'boolean',
		describe: 'Show the table\'s times in UTC [default: local time, which honours TZ]',
	},
} as const satisfies Record<string, RotlogOption>;

/**
 * What status and cat need to recognise the archives: the writers' --lock, --name, --date-format
 * and --interval (which picks the default --date-format). They never rotate, so each option says
 * what it means to them.
 */
const namingOptions = {
	lock: {
		...policyOptions.lock,
		describe: 'The writers\' lock file, which records their --name, --date-format and --interval [default: FILE.lock]',
	},
	name: {
		...policyOptions.name,
		describe: 'How the archives are named: numbered or date [default: as recorded in the lock file, else numbered]',
	},
	'date-format': {
		...policyOptions['date-format'],
		describe: 'The <stamp> of the date names to look for [default: as recorded, else by --interval]',
	},
	interval: {
		...policyOptions.interval,
		describe: 'The period the writers\' date names stand for, which picks the default --date-format (nothing is rotated) [default: as recorded]',
	},
} as const satisfies Record<string, RotlogOption>;

/** Options of cat. */
export const catOptions = {
	follow: {
		type: 'boolean',
		alias: 'f',
		describe: 'Keep printing what is appended, across rotations, until interrupted',
	},
} as const satisfies Record<string, RotlogOption>;

/**
 * The options of each command, as the parser takes them; the man page test checks that each is
 * documented and shown by that command's --help.
 */
export const commandOptions = {
	write: {...policyOptions, config: maintenanceOptions.config, ...inputOptions, ...streamOptions, ...writeOptions},
	exec: {...policyOptions, config: maintenanceOptions.config, ...streamOptions},
	maintenance: {...maintenancePolicyOptions, ...maintenanceOptions},
	status: {...namingOptions, ...statusOptions},
	cat: {...namingOptions, ...catOptions},
	completion: {},
} as const;

export type CommandName = 'write' | 'exec' | 'rotate' | 'check' | 'status' | 'cat' | 'completion';

/** The option table of each command. */
export const optionsOf: Record<CommandName, Record<string, RotlogOption>> = {
	write: commandOptions.write,
	exec: commandOptions.exec,
	rotate: commandOptions.maintenance,
	check: commandOptions.maintenance,
	status: commandOptions.status,
	cat: commandOptions.cat,
	completion: commandOptions.completion,
};

/** What each command does and how it is called: its --help and the list of commands. */
export const commandSummaries: Record<CommandName, {usage: string; short: string; summary: string}> = {
	write: {
		usage: 'app | rotlog FILE [options]',
		short: 'rotlog FILE',
		summary: 'Append stdin to FILE as whole lines, safely shared by many writers',
	},
	exec: {
		usage: 'rotlog exec FILE [options] -- CMD [ARG...]',
		short: 'rotlog exec FILE -- CMD',
		summary: 'Run CMD (after --, no shell) and append its stdout and stderr to FILE as whole lines; exit with its status',
	},
	rotate: {
		usage: 'rotlog rotate [options] FILE|PATTERN...',
		short: 'rotlog rotate FILE...',
		summary: 'Rotate each FILE now under the writers\' lock (an empty FILE is left alone)',
	},
	check: {
		usage: 'rotlog check [options] FILE|PATTERN...',
		short: 'rotlog check FILE...',
		summary: 'For cron: rotate what is due and apply retention, under the writers\' lock',
	},
	status: {
		usage: 'rotlog status [options] FILE',
		short: 'rotlog status FILE',
		summary: 'Show FILE, its archives and whether the lock is held now',
	},
	cat: {
		usage: 'rotlog cat [options] FILE',
		short: 'rotlog cat FILE',
		summary: 'Print the archives oldest first, then FILE, decompressed; --follow keeps reading across rotations',
	},
	completion: {
		usage: 'rotlog completion >> ~/.bashrc',
		short: 'rotlog completion',
		summary: 'Print a bash/zsh completion script for rotlog (add it to ~/.bashrc or ~/.zshrc)',
	},
};
