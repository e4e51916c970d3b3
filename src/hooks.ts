// --on-rotate CMD: run once an archive is final, never under the lock, never through a shell.
// CMD is split on spaces into a program and its arguments; the archive path is the last argument.
import {systemReason} from './errors.js';

/** Runs the hook; resolves to a one-line failure message, or undefined when it succeeded. */
export async function runHook(command: string, file: string, archive: string): Promise<string | undefined> {
	// Loaded on first use: most runs have no hook, and execa costs a third of rotlog's start-up.
	const {execa, parseCommandString} = await import('execa');
	const [program, ...args] = parseCommandString(command);
	if (program === undefined) {
		return `--on-rotate '${command}': empty command`;
	}

	const result = await execa(program, [...args, archive], {
		env: {ROTLOG_FILE: file, ROTLOG_ARCHIVE: archive},
		// The hook's output goes to stderr: rotlog's stdout may carry --tee or cat data.
		stdin: 'ignore',
		stdout: 2,
		stderr: 'inherit',
		reject: false,
	});
	if (result.failed) {
		const reason = result.exitCode === undefined
			? (result.signal ? `killed by ${result.signal}` : systemReason(result.cause))
			: `exit status ${result.exitCode}`;
		return `--on-rotate '${command}' failed for '${archive}': ${reason}`;
	}

	return undefined;
}
