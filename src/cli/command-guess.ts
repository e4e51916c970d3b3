// Pure: whether the write mode may start, before anything is created. A first word that looks like
// a mistyped command (`rotlog stauts`, `rotlog Status`, `rotlog version`) would otherwise become a
// log of that name, and a bare `rotlog` at a terminal would create a log and wait on the keyboard.

/** The command names, as yargs routes them. */
export const commandNames = ['rotate', 'check', 'status', 'cat', 'exec', 'completion'] as const;

/** What a word is guessed to mean: a command name, or an option someone typed as a word. */
const candidates: ReadonlyArray<[word: string, meant: string]> = [
	...commandNames.map((name): [string, string] => [name, name]),
	['version', '--version'],
	['help', '--help'],
];

/** Words yargs takes as they are (the hidden completion command too): never guessed. */
const exact = new Set<string>([...commandNames, 'completion-internal']);

/** Edit distance with adjacent transpositions (optimal string alignment Damerau-Levenshtein). */
export function editDistance(a: string, b: string): number {
	const rows = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : (j === 0 ? i : 0))));
	const at = (i: number, j: number) => rows[i]![j]!;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				best = Math.min(best, at(i - 2, j - 2) + 1);
			}

			rows[i]![j] = best;
		}
	}

	return at(a.length, b.length);
}

/**
 * What a word that is not a command probably meant (a command, or `--version`/`--help`), or
 * undefined. Case is ignored; the distance allowed grows with the name (1 for `cat`, `check`
 * and `help`, 2 for the longer ones), so that short log names such as `a` or `temp` stay names.
 * A word holding `/` is a path and never a guess.
 */
export function guessCommand(word: string): string | undefined {
	if (word.length === 0 || word.startsWith('-') || word.includes('/') || exact.has(word)) {
		return undefined;
	}

	const lower = word.toLowerCase();
	let best: {meant: string; distance: number} | undefined;
	for (const [name, meant] of candidates) {
		const distance = editDistance(lower, name);
		if (distance <= Math.min(2, Math.floor(name.length / 3)) && (best === undefined || distance < best.distance)) {
			best = {meant, distance};
		}
	}

	return best?.meant;
}

/** Whether the command line asks for help: --help or -h, before any `--`. */
export function asksForHelp(argv: readonly string[]): boolean {
	const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
	return argv.slice(0, end).some(word => word === '--help' || word === '-h');
}

/** The message for a word guessed to be a mistyped command, or undefined. */
export function unknownCommand(word: string, exists: (path: string) => boolean): string | undefined {
	const meant = guessCommand(word);
	return meant === undefined || exists(word) ? undefined : `unknown command '${word}' (did you mean '${meant}'?)`;
}

export const writeUsage = 'usage: app | rotlog FILE [options], or rotlog rotate|check|status|cat FILE... (see rotlog --help)';

export type WriteStartInput = {
	/** FILE as given on the command line. */
	file: string | undefined;
	/** $ROTLOG_FILE. */
	envFile: string | undefined;
	/** Whether stdin (fd 0) is a terminal. */
	stdinIsTTY: boolean;
	/** Whether --fifo was given (stdin is then not the input unless --stdin). */
	fifos: boolean;
	/** Whether a path exists (a typo of a command that names an existing file is that file). */
	exists: (path: string) => boolean;
};

/** The log the write mode appends to, or the one-line usage error that stops it. */
export function writeStart(input: WriteStartInput): {file: string} | {error: string} {
	if (input.file !== undefined) {
		const typo = unknownCommand(input.file, input.exists);
		if (typo !== undefined) {
			return {error: typo};
		}
	}

	const file = input.file ?? input.envFile;
	if (file === undefined) {
		return {error: `no FILE given (name the log, or set ROTLOG_FILE); ${writeUsage}`};
	}

	// Nobody types log lines: a terminal on stdin means rotlog was started by mistake.
	if (input.stdinIsTTY && !input.fifos) {
		return {error: `stdin is a terminal: rotlog logs what a program writes into it; ${writeUsage}`};
	}

	return {file};
}

/**
 * The option a mistyped one probably meant, from `names` (a command's own long options), or
 * undefined. Case and dashes are ignored. One edit away wins (`--kep`); then an option the word
 * extends (`--max-size`, `--maxsize`: --max; `--lockfile`: --lock), the longest such; then two
 * edits away for names of six letters or more (`--compres-levl`).
 */
export function nearestOption(word: string, names: readonly string[]): string | undefined {
	const bare = (name: string) => name.toLowerCase().replaceAll('-', '');
	const typed = bare(word);
	if (typed.length === 0) {
		return undefined;
	}

	const scored = names.map(name => ({name, distance: editDistance(typed, bare(name))})).sort((a, b) => a.distance - b.distance);
	const closest = scored[0];
	if (closest !== undefined && closest.distance <= 1) {
		return closest.name;
	}

	const extended = names.filter(name => bare(name).length >= 3 && typed.startsWith(bare(name))).sort((a, b) => b.length - a.length)[0];
	if (extended !== undefined) {
		return extended;
	}

	return closest !== undefined && closest.distance <= 2 && typed.length >= 6 ? closest.name : undefined;
}
