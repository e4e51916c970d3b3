// The entry point: parse the command line, run the chosen command, return the exit status. Every
// error reaches the user as one line on stderr (errors.ts), never a stack trace.
import {exitCodeOf, renderError, UsageError} from '../errors.js';
import {asksForHelp, unknownCommand} from './command-guess.js';
import {exists, runMaintenanceCommand, runWriteCommand, type Stops, type Task, version} from './handlers.js';
import {optionsOf} from './options.js';
import {simpleInvocation} from './simple-argv.js';
import {releaseStops} from '../stop-signals.js';

/**
 * `--timestamp` takes an optional value, so that `rotlog --timestamp app.log` keeps app.log as
 * FILE: a bare `--timestamp` is `--timestamp=iso`, and `--timestamp iso` or `--timestamp unix`
 * are taken as that value (a log named iso or unix is then ./iso). Not past a `--`: what follows
 * it is not rotlog's (exec's CMD and its arguments).
 */
export function withTimestampValue(argv: readonly string[]): string[] {
	const dashes = argv.includes('--') ? argv.indexOf('--') : argv.length;
	const normalized: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument !== '--timestamp' || index >= dashes) {
			normalized.push(argument);
			continue;
		}

		const next = argv[index + 1];
		const spaced = next === 'iso' || next === 'unix';
		normalized.push(`--timestamp=${spaced ? next : 'iso'}`);
		index += spaced ? 1 : 0;
	}

	return normalized;
}

/** Every word that names an option of some command: `--max`, `-v`, `--help`, `-V`. */
function optionWords(): Set<string> {
	const words = new Set(['--help', '-h', '--version', '-V']);
	for (const options of Object.values(optionsOf)) {
		for (const [name, option] of Object.entries(options)) {
			words.add(`--${name}`);
			for (const alias of [option.alias ?? []].flat()) {
				words.add(alias.length === 1 ? `-${alias}` : `--${alias}`);
			}
		}
	}

	return words;
}

/**
 * logrotate's `dateformat -%Y%m%d` starts with a dash, and yargs reads any word that does as an
 * option, so `--date-format -%Y%m%d` would leave --date-format without a value. Such a word after
 * --date-format is its value (`--date-format=-%Y%m%d`, which yargs and simple-argv.ts read alike)
 * unless it is one of rotlog's options. Not past a `--`.
 */
export function withDashedValues(argv: readonly string[]): string[] {
	const dashes = argv.includes('--') ? argv.indexOf('--') : argv.length;
	const normalized: string[] = [];
	let options: Set<string> | undefined;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		const next = argv[index + 1];
		if (argument === '--date-format' && index + 1 < dashes && next !== undefined && next.startsWith('-') && next !== '-') {
			options ??= optionWords();
			if (!options.has(next.split('=')[0]!)) {
				normalized.push(`${argument}=${next}`);
				index++;
				continue;
			}
		}

		normalized.push(argument);
	}

	return normalized;
}

export async function main(argv: readonly string[]): Promise<number> {
	try {
		// Before yargs: `rotlog stauts app.log` is a typo of a command, not FILE and an extra word.
		const typo = argv[0] === undefined ? undefined : unknownCommand(argv[0], exists);
		if (typo !== undefined) {
			throw new UsageError(typo);
		}

		// What the completion script asks for (completion.ts), before yargs.
		if (argv[0] === '--get-yargs-completions') {
			const {completions} = await import('./completion.js');
			process.stdout.write(completions(argv.slice(1)).map(word => `${word}\n`).join(''));
			return 0;
		}

		// rotlog's own help (help.ts), before yargs: it would want `status`'s FILE first. Loaded
		// only when asked for, as yargs is: every module loaded costs every start.
		if (asksForHelp(argv)) {
			const {helpFor, helpWidth, renderHelp} = await import('./help.js');
			process.stdout.write(renderHelp(helpFor(argv)!, helpWidth()));
			return 0;
		}

		// `rotlog --version` (or -V) alone, printed as yargs prints it, without loading yargs.
		if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
			process.stdout.write(`${version()}\n`);
			return 0;
		}

		let task: Task | undefined;
		let stops: Stops = 'default';
		const schedule = (scheduled: Task, how: Stops = 'default') => {
			task = scheduled;
			stops = how;
		};

		const normalized = withDashedValues(withTimestampValue(argv));
		const simple = simpleInvocation(normalized);
		if (simple === undefined) {
			// yargs only when needed: loading it is most of a start's cost (simple-argv.ts).
			const {buildParser} = await import('./parser.js');
			await buildParser(normalized, schedule).parseAsync();
		} else if (simple.command === 'write') {
			runWriteCommand(simple.args, schedule);
		} else {
			runMaintenanceCommand(simple.command, simple.args, schedule);
		}

		if (stops === 'default') {
			releaseStops();
		}

		return task ? await task() : 0;
	} catch (error) {
		process.stderr.write(`${renderError(error)}\n`);
		return exitCodeOf(error);
	} finally {
		// A graceful command took the stops already; anything else gets the default back.
		releaseStops();
	}
}
