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
 * Writers 0 .. count-1, each a rotlog process fed `perWriter` numbered lines 100 at a time, 5 ms
 * apart, so that their rotations happen while a follower reads; resolves with their results.
 */
export async function trickle(file: string, args: readonly string[], count: number, perWriter: number) {
	return Promise.all(Array.from({length: count}, async (_, writer) => {
		const child = rotlog([file, ...args], {stdin: 'pipe'});
		for (let from = 0; from < perWriter; from += 100) {
			child.stdin.write(plainNumberedLines(writer, from, 100));
			await new Promise(resolve => {
				setTimeout(resolve, 5);
			});
		}

		child.stdin.end();
		return child;
	}));
}
