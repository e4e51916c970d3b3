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
		describe: 'Run CMD (no shell; the program must exist at start) with the archive\'s absolute path as last argument after each rotation',
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
		describe: 'With --fifo or --listen, read stdin as well',
	},
	listen: {
		type: 'string',
		requiresArg: true,
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
		describe: 'Mode (octal) of --listen unix: socket files, exactly [default: 0660 less the umask]',
		coerce: single('socket-mode', parseMode),
	},
	'max-record': {
		type: 'string',
		requiresArg: true,
		describe: 'With --listen: cut records longer than SIZE bytes into several lines [default: 1M]',
		coerce: single('max-record', parseSize),
	},
} as const satisfies Record<string, Options>;

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
		describe: 'Prefix each line with the time it was read: --timestamp[=iso|unix] [default: iso]',
		coerce: single('timestamp', parseTimestampFormat),
	},
	'max-line': {
		type: 'string',
		requiresArg: true,
		describe: 'The longest line kept whole: a longer one is split into lines of at most SIZE bytes, counted on stderr [default: 1G]',
		coerce: single('max-line', parseLineLimit),
	},
	'on-full': {
		type: 'string',
		requiresArg: true,
		describe: 'When FILE cannot be written (disk full, I/O error): block (keep the lines, stop reading, retry) or drop them [default: block]',
		coerce: single('on-full', parseOnFull),
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
	'dry-run': {
		type: 'boolean',
		alias: 'n',
		describe: 'Print what would be done, one line per action, and change nothing (not even a lock file)',
	},
} as const satisfies Record<string, Options>;

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
	write: {...policyOptions, config: maintenanceOptions.config, ...inputOptions, ...streamOptions},
	exec: {...policyOptions, config: maintenanceOptions.config, ...streamOptions},
	maintenance: {...policyOptions, ...maintenanceOptions},
	status: {lock: policyOptions.lock, ...namingOptions, ...statusOptions},
	cat: {lock: policyOptions.lock, ...namingOptions, ...catOptions},
} as const;
