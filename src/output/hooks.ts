// --on-rotate CMD: run once an archive is final, never under the lock, never through a shell.
// CMD is split on spaces (a backslash keeps the next character, so '\ ' is a space inside a word)
// into a program and its arguments; the archive path, made absolute, is the last argument.
//
// Started with node:child_process rather than execa: importing execa touches process.stdin,
// which opens a second libuv handle on fd 0 while rotlog reads that pipe itself (EEXIST), and
// execa's exit-signal handling re-raised SIGTERM past rotlog's own handler.
import fs from 'node:fs';
import path from 'node:path';
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
	// Loaded here, not at start: every check and writer imports this module, few run a hook.
	const {spawn} = await import('node:child_process');
	return new Promise(resolve => {
		const child = spawn(program, [...args, hookPath(archive)], {
			env: {...process.env, ROTLOG_FILE: hookPath(file), ROTLOG_ARCHIVE: hookPath(archive)},
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

/** Whether `file` is a regular file this process may execute. */
function executable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		// access(2) grants X_OK on directories, and to root on any file with one x bit.
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/**
 * Why CMD's program cannot be run, or undefined when it can: asked at start, so that a typo fails
 * the command line instead of every rotation. A name with `/` is a path (relative to `cwd`, as
 * spawn takes it); a bare name is searched in PATH (an empty entry is the working directory).
 */
export function hookProgramProblem(command: string, env: NodeJS.ProcessEnv = process.env, cwd = '.'): string | undefined {
	const [program] = splitCommand(command);
	if (program === undefined) {
		return 'empty command';
	}

	if (program.includes('/')) {
		if (fs.statSync(path.resolve(cwd, program), {throwIfNoEntry: false}) === undefined) {
			return `program '${program}' not found`;
		}

		return executable(path.resolve(cwd, program)) ? undefined : `program '${program}' is not executable`;
	}

	// Without PATH, libuv's execvp searches the default path, as glibc's does.
	const directories = (env['PATH'] ?? '/usr/bin:/bin').split(path.delimiter);
	return directories.some(directory => executable(path.resolve(cwd, directory, program))) ? undefined : `program '${program}' not found in PATH`;
}

/**
 * A path as a hook gets it: absolute, so that it never begins with '-' (a relative pattern turns
 * a log named `-rf.log` into `-rf.log.1`, which the hook's program would parse as options), and
 * so that it still names the file if the hook changes directory.
 */
export function hookPath(file: string, cwd = process.cwd()): string {
	return path.resolve(cwd, file);
}
