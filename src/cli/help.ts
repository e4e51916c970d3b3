// --help, drawn from the option tables the parser takes (options.ts), so that the two cannot
// drift: each option with its value's name (`--max SIZE`), grouped, wrapped to the terminal's
// width, or to 80 columns when stdout is not a terminal (`rotlog --help | less`). yargs' own help
// cannot name an option's value and labels each one `[string]` instead.
import {type CommandName, commandSummaries, inputOptions, optionsOf, policyOptions, type RotlogOption, streamOptions} from './options.js';
import {asksForHelp} from './command-guess.js';
import {commandOf} from './usage-text.js';

const guarantees = 'Guarantees: every line read lands exactly once, whole, in order per writer, with its '
	+ 'bytes unchanged, however many rotlog processes write FILE at once, across rotations and files '
	+ 'renamed away by other tools. No file holds more than --max bytes unless it holds a single longer '
	+ 'line. A writer killed with SIGKILL never merges lines: a fragment it left is ended with a newline '
	+ 'before the next write, and what it had read but not written is lost. With --interval, a line '
	+ 'written at time t is in the file for t\'s period. See rotlog(1).';

const recordLine = 'Writers record their policy in the lock file for check, rotate, status and cat.';

/** The options every command takes, which yargs adds. */
const common: Record<string, RotlogOption> = {
	help: {type: 'boolean', alias: 'h', describe: 'Show this help'},
	version: {type: 'boolean', alias: 'V', describe: 'Show the version'},
};

/** The commands, in the order --help lists them. */
const listed: CommandName[] = ['write', 'exec', 'rotate', 'check', 'status', 'cat', 'completion'];

/** The groups the write mode's and exec's options are shown in, in this order. */
const groups: Array<[title: string, table: Record<string, RotlogOption>]> = [
	['Rotation and retention', policyOptions],
	['Input', inputOptions],
	['Lines', streamOptions],
];

/** The width to wrap to: the terminal's (60 to 100 columns: longer lines are hard to read), or 80 when stdout is not a terminal. */
export function helpWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number {
	return stream.isTTY && stream.columns ? Math.max(60, Math.min(100, stream.columns)) : 80;
}

/** Words to lines of at most `width` characters; a longer word has a line of its own. */
export function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line.length > 0 && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else {
			line = line.length === 0 ? word : `${line} ${word}`;
		}
	}

	if (line.length > 0) {
		lines.push(line);
	}

	return lines;
}

/** How an option is written in the help: `-v, --verbose`, `    --max SIZE`, `    --timestamp[=iso|unix]`. */
export function optionLabel(name: string, option: RotlogOption): string {
	const value = option.value === undefined ? '' : option.value.startsWith('[') ? option.value : ` ${option.value}`;
	const short = typeof option.alias === 'string' && option.alias.length === 1 ? `-${option.alias}, ` : '    ';
	return `${short}--${name}${value}`;
}

/** Two columns, the second wrapped beside the first; a label too wide for the first column has the text below it. */
function table(rows: Array<[label: string, text: string]>, width: number, labelWidth = Math.min(Math.max(...rows.map(([label]) => label.length)), 24)): string[] {
	const column = 2 + labelWidth + 2;
	const textWidth = width - column;
	const lines: string[] = [];
	for (const [label, text] of rows) {
		if (textWidth < 24) {
			lines.push(`  ${label}`, ...wrap(text, width - 8).map(line => `${' '.repeat(8)}${line}`));
			continue;
		}

		const wrapped = wrap(text, textWidth);
		if (label.length > labelWidth) {
			lines.push(`  ${label}`);
		} else {
			lines.push(`  ${label.padEnd(labelWidth)}  ${wrapped.shift() ?? ''}`.trimEnd());
		}

		lines.push(...wrapped.map(line => `${' '.repeat(column)}${line}`));
	}

	return lines;
}

/** The help of one command (`write`: rotlog's own, with the list of commands). */
export function renderHelp(command: CommandName, width: number): string {
	const {usage, summary} = commandSummaries[command];
	const lines = [`Usage: ${usage}`, '', ...wrap(command === 'write' ? `${summary}. FILE defaults to $ROTLOG_FILE.` : summary, width), ''];
	if (command === 'write') {
		lines.push(...wrap(recordLine, width), '');
	}

	if (command === 'write') {
		lines.push('Commands:', ...table(listed.map(name => [commandSummaries[name].short, commandSummaries[name].summary]), width), '');
	}

	const options = optionsOf[command];
	const shown = new Set<string>();
	const sections: Array<[string, string[]]> = [];
	if (command === 'write' || command === 'exec') {
		for (const [title, group] of groups) {
			const names = Object.keys(options).filter(name => name in group);
			names.forEach(name => shown.add(name));
			sections.push([title, names]);
		}
	}

	sections.push([sections.length === 0 ? 'Options' : 'Other', [...Object.keys(options).filter(name => !shown.has(name)), ...Object.keys(common)]]);
	const rowsOf = (names: string[]) => names.map((name): [string, string] => {
		const option = options[name] ?? common[name]!;
		return [optionLabel(name, option), option.describe ?? ''];
	});
	// One column for every section, so that the descriptions line up down the page.
	const labelWidth = Math.min(Math.max(...sections.flatMap(([, names]) => rowsOf(names).map(([label]) => label.length))), 24);
	for (const [title, names] of sections) {
		if (names.length > 0) {
			lines.push(`${title}:`, ...table(rowsOf(names), width, labelWidth), '');
		}
	}

	lines.push(...wrap(command === 'write' ? 'Run rotlog COMMAND --help for the options of a command.' : 'Run rotlog --help for the other commands.', width));
	if (command === 'write') {
		lines.push('', ...wrap(guarantees, width));
	}

	return `${lines.join('\n')}\n`;
}

/** The command whose help the command line asks for with --help or -h (before any `--`), or undefined. */
export function helpFor(argv: readonly string[]): CommandName | undefined {
	return asksForHelp(argv) ? commandOf(argv) : undefined;
}
