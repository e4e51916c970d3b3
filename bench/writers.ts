// Many writers on one log, part of the operations group: WRITERS rotlog processes of LINES lines
// each, all started at once on one FILE with `--max 2K` and gzip, against one rotlog given all
// those lines, and against the floor: WRITERS `node -e 0` started at once, which is what their
// start-ups alone cost on this machine. Each run's log is read back: every line exactly once, in
// order per writer, every archive compressed.
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {rotlogOutput} from './verify.js';

export type ManyWriters = {one: number[]; many: number[]; floor: number[]; problems: string[]};

function lineOf(writer: number, index: number): string {
	return `w${writer} ${String(index).padStart(6, '0')} ${'padding '.repeat(3)}\n`;
}

/** Runs every command at once, each with its stdin from a file; the wall time until all have exited. */
async function allAtOnce(commands: ReadonlyArray<{command: readonly string[]; stdin: string}>): Promise<{wall: number; failures: string[]}> {
	const started = process.hrtime.bigint();
	const failures: string[] = [];
	await Promise.all(commands.map(async ({command, stdin}) => {
		const input = fs.openSync(stdin, 'r');
		const child = spawn(command[0]!, command.slice(1), {stdio: [input, 'ignore', 'pipe']});
		fs.closeSync(input);
		let stderr = '';
		child.stderr!.setEncoding('utf8').on('data', (text: string) => {
			stderr += text;
		});
		const [code] = await once(child, 'close') as [number | null];
		if (code !== 0 || stderr !== '') {
			failures.push(`${command.join(' ')} exited with ${code}: ${stderr.trim()}`);
		}
	}));
	return {wall: Number(process.hrtime.bigint() - started) / 1e9, failures};
}

/** Every writer's lines once and in order, in the archives (oldest first) and FILE. */
async function checkLog(directory: string, writers: number, lines: number): Promise<string[]> {
	const {parts, problems} = await rotlogOutput(directory, 'app.log', true);
	const next = Array.from({length: writers}, () => 0);
	for (const part of parts) {
		const bytes = fs.readFileSync(part.file);
		const text = (part.gzip ? zlib.gunzipSync(bytes) : bytes).toString('latin1');
		for (const line of text.split('\n').slice(0, -1)) {
			const match = /^w(\d+) (\d+) /.exec(line);
			const writer = match === null ? -1 : Number(match[1]);
			if (match === null || writer >= writers || Number(match[2]) !== next[writer] || `${line}\n` !== lineOf(writer, next[writer]!)) {
				return [...problems, `unexpected line '${line.slice(0, 60)}' in ${path.basename(part.file)}`];
			}

			next[writer]!++;
		}
	}

	const short = next.findIndex(count => count !== lines);
	return short === -1 ? problems : [...problems, `writer ${short}: ${next[short]} of ${lines} lines`];
}

export async function manyWriters(node: string, rotlog: string, scratch: string, writers: number, lines: number, runs: number): Promise<ManyWriters> {
	const result: ManyWriters = {one: [], many: [], floor: [], problems: []};
	const inputs = path.join(scratch, 'many-writers-input');
	fs.mkdirSync(inputs, {recursive: true});
	const each = Array.from({length: writers}, (_, writer) => {
		const file = path.join(inputs, `w${writer}`);
		fs.writeFileSync(file, Array.from({length: lines}, (_, index) => lineOf(writer, index)).join(''));
		return file;
	});
	const all = path.join(inputs, 'all');
	fs.writeFileSync(all, Buffer.concat(each.map(file => fs.readFileSync(file))));
	const policy = ['--max', '2K', '--keep', '100000', '--compress', 'gzip'];
	for (let run = 1; run <= runs; run++) {
		for (const [label, commands, times] of [
			['one writer', [{command: [node, rotlog, 'FILE', ...policy], stdin: all}], result.one],
			[`${writers} writers`, each.map(stdin => ({command: [node, rotlog, 'FILE', ...policy], stdin})), result.many],
		] as const) {
			const directory = path.join(scratch, `many-writers-${run}`);
			fs.mkdirSync(directory, {recursive: true});
			const file = path.join(directory, 'app.log');
			const {wall, failures} = await allAtOnce(commands.map(({command, stdin}) => ({command: command.map(word => (word === 'FILE' ? file : word)), stdin})));
			times.push(wall);
			const problems = [...failures, ...(await checkLog(directory, writers, lines))];
			result.problems.push(...problems.map(problem => `${label}, run ${run}: ${problem}`));
			fs.rmSync(directory, {recursive: true, force: true});
		}

		const {wall} = await allAtOnce(each.map(stdin => ({command: [node, '-e', '0'], stdin})));
		result.floor.push(wall);
	}

	fs.rmSync(inputs, {recursive: true, force: true});
	return result;
}
