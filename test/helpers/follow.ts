// A `rotlog cat --follow` to watch, and writers that trickle lines into a log while it reads.
import {plainNumberedLines} from './lines.js';
import {rotlog} from './rotlog.js';

/** `rotlog cat --follow FILE ...`, with everything it prints so far on stdout and on stderr. */
export function follow(file: string, extra: readonly string[] = []) {
	const follower = rotlog(['cat', '--follow', file, ...extra], {buffer: false});
	let output = '';
	let errors = '';
	follower.stdout.setEncoding('latin1');
	follower.stdout.on('data', (chunk: string) => {
		output += chunk;
	});
	follower.stderr.setEncoding('utf8');
	follower.stderr.on('data', (chunk: string) => {
		errors += chunk;
	});
	return {follower, output: () => output, errors: () => errors};
}

/**
 * Writers 0 .. count-1, each a rotlog process fed `perWriter` numbered lines `pace.lines` at a
 * time (100), `pace.ms` apart (5), so that their rotations happen while a follower reads;
 * resolves with their results.
 */
export async function trickle(file: string, args: readonly string[], count: number, perWriter: number, pace = {lines: 100, ms: 5}) {
	return Promise.all(Array.from({length: count}, async (_, writer) => {
		const child = rotlog([file, ...args], {stdin: 'pipe'});
		for (let from = 0; from < perWriter; from += pace.lines) {
			child.stdin.write(plainNumberedLines(writer, from, Math.min(pace.lines, perWriter - from)));
			await new Promise(resolve => {
				setTimeout(resolve, pace.ms);
			});
		}

		child.stdin.end();
		return child;
	}));
}
