// The simplest command lines, read without yargs. Loading and running yargs is about 55 ms of
// every start (40 ms to load it, 15 to parse) and 8 MiB of peak RSS, more than all of rotlog's own
// modules: a check from cron, a short pipe and every writer pay it. A command line is taken here
// only when yargs could read it one way alone: write, check or rotate, their log names, and options
// of theirs that take a value, each given once as `--name VALUE`. Anything else (a flag, `--name=`,
// a short option, a repeated option, a value that looks like an option, a bad value, an unknown
// word) is left to yargs, so that every error message and every unusual form stays yargs' own; a
// test compares what both make of the same command lines.
import {commandNames} from './command-guess.js';
import type {MaintenanceArgs, WriteArgs} from './handlers.js';
import {commandOptions, type RotlogOption} from './options.js';

export type SimpleInvocation =
	| {command: 'write'; args: WriteArgs}
	| {command: 'check' | 'rotate'; args: MaintenanceArgs};

/** What yargs-parser reads as a number, even where the option's type is string. */
function numberLike(word: string): boolean {
	return /^0x[\da-f]+$/i.test(word) || /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/.test(word);
}

/** An option that takes one value of its own, with no other name and no default. */
function takesValue(option: RotlogOption): boolean {
	return option.type === 'string' && option.requiresArg === true && option.alias === undefined
		&& option.default === undefined && typeof option.coerce === 'function';
}

/** The values of `given`, each through its option's own parser; undefined when one is not taken here. */
function coerced(given: ReadonlyMap<string, string>, table: Record<string, RotlogOption>): Record<string, unknown> | undefined {
	const values: Record<string, unknown> = {};
	for (const [name, value] of given) {
		const option = Object.hasOwn(table, name) ? table[name] : undefined;
		if (option === undefined || !takesValue(option)) {
			return undefined;
		}

		try {
			values[name] = (option.coerce as (value: string) => unknown)(value);
		} catch {
			// yargs reads it again and reports the error in its own words.
			return undefined;
		}
	}

	return values;
}

/** The command and its options when yargs could read `argv` one way only; else undefined. */
export function simpleInvocation(argv: readonly string[]): SimpleInvocation | undefined {
	const positionals: string[] = [];
	const given = new Map<string, string>();
	for (let index = 0; index < argv.length; index++) {
		const word = argv[index]!;
		if (!word.startsWith('-')) {
			positionals.push(word);
			continue;
		}

		const name = word.slice(2);
		const value = argv[index + 1];
		if (!word.startsWith('--') || !/^[a-z][a-z-]*$/.test(name) || given.has(name)
			|| value === undefined || value === '' || value.startsWith('-')) {
			return undefined;
		}

		given.set(name, value);
		index++;
	}

	if (positionals.some(word => numberLike(word))) {
		return undefined;
	}

	const isCommand = (word: string) => (commandNames as readonly string[]).includes(word);
	const [first, ...rest] = positionals;
	if (first === undefined || rest.some(word => isCommand(word))) {
		return undefined;
	}

	if (first === 'check' || first === 'rotate') {
		const values = rest.length === 0 ? undefined : coerced(given, commandOptions.maintenance);
		return values === undefined ? undefined : {command: first, args: {...values, files: rest}};
	}

	if (isCommand(first) || rest.length > 0) {
		return undefined;
	}

	const values = coerced(given, commandOptions.write);
	return values === undefined ? undefined : {command: 'write', args: {...values, file: first}};
}
