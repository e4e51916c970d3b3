// The yargs definition (one exported option table) and main(), which returns the exit status.
import fs from 'node:fs';
import yargs, {type Options} from 'yargs';
import {codecNames, parseCompress, parseLevel, selectCodec} from './codecs.js';
import {exitCodeOf, renderError, UsageError} from './errors.js';
import {parseCount, parsePath, parseSize} from './options.js';

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
					const codec = selectCodec(args.compress ?? 'gzip', args.compressLevel);
					return runWrite({file, lockPath: args.lock ?? `${file}.lock`, max: args.max, keep: args.keep ?? defaultKeep, codec});
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
			throw error instanceof UsageError ? error : new UsageError(text.charAt(0).toLowerCase() + text.slice(1).replaceAll('\n', '; '));
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
