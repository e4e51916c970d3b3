// The entry point: parse the command line, run the chosen command, return the exit status. Every
// error reaches the user as one line on stderr (errors.ts), never a stack trace.
import {exitCodeOf, renderError} from '../errors.js';
import {buildParser, type Task} from './parser.js';

export async function main(argv: readonly string[]): Promise<number> {
	try {
		let task: Task | undefined;
		// `--timestamp` takes an optional value: only `--timestamp=unix` sets it, so that
		// `rotlog --timestamp app.log` keeps app.log as FILE.
		const normalized = argv.map(argument => argument === '--timestamp' ? '--timestamp=iso' : argument);
		await buildParser(normalized, scheduled => {
			task = scheduled;
		}).parseAsync();
		return task ? await task() : 0;
	} catch (error) {
		process.stderr.write(`${renderError(error)}\n`);
		return exitCodeOf(error);
	}
}
