// yargs' failure messages in rotlog's words. yargs says `Unknown argument: max-size, maxSize` or
// `Not enough non-option arguments: got 0, need at least 1`; rotlog names the option as it was
// typed, the option probably meant, and how the command is called.
import {nearestOption} from './command-guess.js';
import {type CommandName, commandSummaries, optionsOf, type RotlogOption} from './options.js';

/** The words of a command line that are not options or their values, up to any `--`. */
export function positionals(argv: readonly string[]): string[] {
	const takesValue = new Set(Object.values(optionsOf).flatMap(options => Object.entries(options)
		.filter(([, option]) => option.requiresArg === true)
		.map(([name]) => `--${name}`)));
	const words: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const word = argv[index]!;
		if (word === '--') {
			break;
		}

		if (word.startsWith('-')) {
			index += takesValue.has(word) ? 1 : 0;
		} else {
			words.push(word);
		}
	}

	return words;
}

/** How yargs routes a command line: by its first word that is not an option or an option's value. */
export function commandOf(argv: readonly string[]): CommandName {
	const first = positionals(argv)[0];
	return first !== undefined && first in optionsOf && first !== 'write' ? first as CommandName : 'write';
}

/** 'the write mode', or the command's name. */
function called(command: CommandName): string {
	return command === 'write' ? 'the write mode' : command;
}

/** The long options a command takes, --help and --version included. */
function longOptions(command: CommandName): string[] {
	return [...Object.keys(optionsOf[command]), 'help', 'version'];
}

/** Which commands take an option, for `status takes no --max (...)`. */
function takers(name: string): string[] {
	return (Object.entries(optionsOf) as Array<[CommandName, Record<string, RotlogOption>]>)
		.filter(([, options]) => name in options)
		.map(([command]) => called(command))
		.filter((command, index, all) => all.indexOf(command) === index);
}

function list(items: string[]): string {
	return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/** One unknown word: an option (as typed) or a word where no more positionals are taken. */
function unknown(name: string, argv: readonly string[], command: CommandName): string {
	const typed = argv.find(word => word === `--${name}` || word.startsWith(`--${name}=`) || word === `-${name}`)?.split('=')[0];
	const asOption = typed ?? (name.length === 1 ? `-${name}` : `--${name}`);
	if (typed === undefined && argv.includes(name)) {
		const takes = command === 'completion' ? 'takes no arguments' : command === 'rotate' || command === 'check' ? 'takes files and options' : 'takes one FILE';
		return `unexpected argument '${name}': ${called(command)} ${takes} (${commandSummaries[command].usage})`;
	}

	if (asOption.startsWith('--')) {
		const others = takers(asOption.slice(2));
		if (others.length > 0) {
			return `${called(command)} takes no ${asOption} (an option of ${list(others)})`;
		}

		const meant = nearestOption(asOption.slice(2), longOptions(command));
		return `unknown option ${asOption}${meant === undefined ? '' : ` (did you mean --${meant}?)`}`;
	}

	return `unknown option ${asOption}`;
}

/** `maxAge` -> `max-age`: yargs takes either spelling of an option. */
function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/**
 * The first `--name` word (up to any `--`) that is no option of the command. yargs reads an
 * unknown `--follw a.log` as that option with the value a.log, and then reports the FILE it
 * swallowed as missing.
 */
function strayOption(argv: readonly string[], command: CommandName): string | undefined {
	const known = new Set(longOptions(command));
	for (const word of argv) {
		if (word === '--') {
			return undefined;
		}

		const name = word.startsWith('--') ? kebab(word.slice(2).split('=')[0]!) : undefined;
		if (name !== undefined && !known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) {
			return name;
		}
	}

	return undefined;
}

/** yargs' message for a bad command line, as one line in rotlog's voice. */
export function usageText(text: string, argv: readonly string[]): string {
	const command = commandOf(argv);
	const unknownNames = /^Unknown arguments?: (.*)$/s.exec(text)?.[1];
	if (unknownNames !== undefined) {
		const names = unknownNames.split(', ');
		// yargs lists `--max-size` twice, as max-size and maxSize.
		const own = names.filter(name => name === kebab(name) || !names.includes(kebab(name)));
		return own.map(name => unknown(name, argv, command)).join('; ');
	}

	// Whatever else yargs found wrong may follow from an unknown option: that is the mistake to name.
	const stray = strayOption(argv, command);
	if (stray !== undefined) {
		return unknown(stray, argv, command);
	}

	if (/^Not enough non-option arguments/.test(text)) {
		return `${called(command)} needs FILE: ${commandSummaries[command].usage}`;
	}

	const missingValue = /^Not enough arguments following: (.*)$/.exec(text)?.[1];
	if (missingValue !== undefined) {
		const option = optionsOf[command][missingValue];
		return `--${missingValue} needs a value${option?.value === undefined ? '' : `: --${missingValue} ${option.value}`}`;
	}

	return text.charAt(0).toLowerCase() + text.slice(1).replaceAll('\n', '; ');
}
