// The entry point: parse the command line, run the chosen command, return the exit status. Every
// error reaches the user as one line on stderr (errors.ts), never a stack trace.
import {exitCodeOf, renderError, UsageError} from '../errors.js';
import {unknownCommand} from './command-guess.js';
import {buildParser, exists, type Task} from './parser.js';

export async function main(argv: readonly string[]): Promise<number> {
	try {
		// Before yargs: `rotlog stauts app.log` is a typo of a command, not FILE and an extra word.
		const typo = argv[0] === undefined ? undefined : unknownCommand(argv[0], exists);
		if (typo !== undefined) {
			throw new UsageError(typo);
		}

		let task: Task | undefined;
		// `--timestamp` takes an optional value: only `--timestamp=unix` sets it, so that
		// `rotlog --timestamp app.log` keeps app.log as FILE.
		// Not past a `--`: what follows it is not rotlog's (exec's CMD and its arguments).
		const dashes = argv.indexOf('--');
		const normalized = argv.map((argument, index) => argument === '--timestamp' && (dashes === -1 || index < dashes) ? '--timestamp=iso' : argument);
		await buildParser(normalized, scheduled => {
			task = scheduled;
		}).parseAsync();
		return task ? await task() : 0;
	} catch (error) {
		process.stderr.write(`${renderError(error)}\n`);
		return exitCodeOf(error);
	}
}
