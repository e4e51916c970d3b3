// --on-rotate CMD: run once an archive is final, never under the lock, never through a shell.
// CMD is split on spaces (a backslash keeps the next character, so '\ ' is a space inside a word)
// into a program and its arguments; the archive path is the last argument.
//
// Started with node:child_process rather than execa: importing execa touches process.stdin,
// which opens a second libuv handle on fd 0 while rotlog reads that pipe itself (EEXIST), and
// execa's exit-signal handling re-raised SIGTERM past rotlog's own handler.
import {spawn} from 'node:child_process';
import {errnoCode, systemReason} from '../errors.js';

/** 'a b\ c' -> ['a', 'b c']. */
export function splitCommand(command: string): string[] {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	for (let index = 0; index < command.length; index++) {
		const character = command[index]!;
		if (character === '\\' && index + 1 < command.length) {
			word += command[++index];
			inWord = true;
		} else if (character === ' ') {
			if (inWord) {
				words.push(word);
			}

			word = '';
			inWord = false;
		} else {
			word += character;
			inWord = true;
		}
	}

	if (inWord) {
		words.push(word);
	}

	return words;
}

/** Runs the hook; resolves to a one-line failure message, or undefined when it succeeded. */
export async function runHook(command: string, file: string, archive: string): Promise<string | undefined> {
	const [program, ...args] = splitCommand(command);
	if (program === undefined) {
		return `--on-rotate '${command}': empty command`;
	}

	const failed = (reason: string) => `--on-rotate '${command}' failed for '${archive}': ${reason}`;
	return new Promise(resolve => {
		const child = spawn(program, [...args, archive], {
			env: {...process.env, ROTLOG_FILE: file, ROTLOG_ARCHIVE: archive},
			// The hook's output goes to stderr: rotlog's stdout may carry --tee or cat data.
			stdio: ['ignore', 2, 'inherit'],
			shell: false,
		});
		child.on('error', error => {
			resolve(failed(errnoCode(error) === 'ENOENT' ? 'program not found' : systemReason(error)));
		});
		child.on('exit', (code, signal) => {
			if (signal !== null) {
				resolve(failed(`killed by ${signal}`));
			} else {
				resolve(code === 0 ? undefined : failed(`exit status ${code ?? 'unknown'}`));
			}
		});
	});
}
