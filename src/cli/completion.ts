// Shell completion: what the script that `rotlog completion` prints gets back from
// `rotlog --get-yargs-completions rotlog WORD...`. Answered from the option tables rather than by
// yargs, which offers its `$0` for the default command, single-letter aliases as `--v`, and none
// of the write mode's options at the top level.
import {commandNames} from './command-guess.js';
import {optionsOf} from './options.js';
import {commandOf, positionals} from './usage-text.js';

/** Values worth offering for an option: those its value name lists (`numbered|date`), and a few more. */
const values: Record<string, string[]> = {
	compress: ['gzip', 'brotli', 'zstd', 'none'],
	interval: ['hourly', 'daily', 'weekly', 'monthly'],
};

/**
 * The completions of the last word of `words` (the program's name, then the words typed; the
 * last is the one being completed, '' for a new one). None: the shell completes file names.
 */
export function completions(words: readonly string[]): string[] {
	const typed = words.slice(1);
	const current = typed.at(-1) ?? '';
	const before = typed.slice(0, -1);
	// exec's CMD and its arguments are not rotlog's.
	if (before.includes('--')) {
		return [];
	}

	const command = commandOf(before);
	const options = optionsOf[command];
	const matching = (candidates: string[]) => candidates.filter(candidate => candidate.startsWith(current));
	const previous = before.at(-1);
	const option = previous?.startsWith('--') ? options[previous.slice(2)] : undefined;
	if (option?.requiresArg === true) {
		const listed = option.value?.includes('|') ? option.value.split('|') : [];
		return matching(values[previous!.slice(2)] ?? listed);
	}

	if (current.startsWith('-')) {
		return matching([...Object.keys(options), 'help', 'version'].map(name => `--${name}`));
	}

	// The first word may be a command; after it, or after FILE, file names.
	return positionals(before).length === 0 ? matching([...commandNames]) : [];
}
