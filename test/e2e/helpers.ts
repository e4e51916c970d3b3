// Shared by the end-to-end tests: the real binary, a fresh directory per test, polling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

/** bin/rotlog; tests run from dist/test/e2e. */
export const rotlog = fileURLToPath(new URL('../../../bin/rotlog', import.meta.url));

const directories: string[] = [];
process.on('exit', () => {
	for (const directory of directories) {
		fs.rmSync(directory, {recursive: true, force: true});
	}
});

/** A fresh directory, removed when the test process exits. */
export function tempDirectory(): string {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-e2e-'));
	directories.push(directory);
	return directory;
}

export type RunOptions = {cwd?: string; input?: string; env?: Record<string, string>};

export function run(args: readonly string[], options: RunOptions = {}) {
	return execa(rotlog, [...args], {reject: false, ...options});
}

/** Polls `condition` every few milliseconds until it holds; fails after `timeout`. */
export async function until(condition: () => boolean, what: string, timeout = 20_000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeout) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}

/** FILE's archives oldest first, then FILE: the order `rotlog cat` prints them. */
export function logFiles(file: string): string[] {
	const directory = path.dirname(file);
	const base = path.basename(file);
	const archives = fs.readdirSync(directory)
		.map(name => ({name, match: new RegExp(`^${base.replaceAll('.', String.raw`\.`)}\\.(\\d+)$`).exec(name)}))
		.filter(entry => entry.match)
		.sort((a, b) => Number(b.match![1]) - Number(a.match![1]))
		.map(entry => path.join(directory, entry.name));
	return fs.existsSync(file) ? [...archives, file] : archives;
}

/** Every line of FILE and its archives, oldest first, without newlines. */
export function allLines(file: string): string[] {
	return logFiles(file).flatMap(name => {
		const text = fs.readFileSync(name, 'latin1');
		return text.length === 0 ? [] : text.slice(0, -1).split('\n');
	});
}

/** Numbered lines `w<writer>-<n>` written by several writers: each once, in order per writer. */
export function checkNumbered(lines: readonly string[], perWriter: readonly number[]): string | undefined {
	const next = perWriter.map(() => 0);
	for (const line of lines) {
		const match = /^w(\d+)-(\d+) /.exec(line);
		if (!match) {
			return `unexpected line ${JSON.stringify(line)}`;
		}

		const writer = Number(match[1]);
		const number = Number(match[2]);
		if (next[writer] !== number) {
			return `writer ${writer}: expected line ${next[writer]}, found ${number}`;
		}

		next[writer] = number + 1;
	}

	const short = next.findIndex((count, writer) => count !== perWriter[writer]);
	return short === -1 ? undefined : `writer ${short}: ${next[short]} of ${perWriter[short]} lines`;
}

/** Lines `w<writer>-<n> padding`, numbered from `from`. */
export function numberedLines(writer: number, from: number, count: number): string {
	let text = '';
	for (let n = from; n < from + count; n++) {
		text += `w${writer}-${n} ${'x'.repeat(20)}\n`;
	}

	return text;
}
