// LockTurns (decide/lock-turns.ts): when a writer tries the lock without waiting, as step tables.
import test from 'ava';
import {LockTurns} from '../../../src/decide/lock-turns.js';

type Step = ['try', number, boolean] | ['end'] | ['may', number, boolean];

/** Runs the steps: a try records its outcome (it must be allowed); `may` checks mayTry. */
function run(steps: readonly Step[]): string[] {
	const turns = new LockTurns();
	const wrong: string[] = [];
	for (const [index, step] of steps.entries()) {
		if (step[0] === 'end') {
			turns.endTurn();
		} else if (step[0] === 'may') {
			if (turns.mayTry(step[1]) !== step[2]) {
				wrong.push(`step ${index}: mayTry(${step[1]}) should be ${step[2]}`);
			}
		} else {
			if (!turns.mayTry(step[1])) {
				wrong.push(`step ${index}: a try at ${step[1]} was not allowed`);
			}

			turns.record(step[1], step[2]);
		}
	}

	return wrong;
}

const table: Array<[string, Step[]]> = [
	['a free lock: one try per turn, every turn', [
		['try', 0, true], ['may', 0, false], ['end'], ['try', 1, true], ['end'], ['may', 2, true],
	]],
	['a failed try is not repeated in the same turn', [
		['try', 0, false], ['may', 0, false], ['end'], ['may', 1, true],
	]],
	['two failures close together are a brief holder: keep trying', [
		['try', 0, false], ['end'], ['try', 5, false], ['end'], ['may', 6, true],
	]],
	['three failures within 100 ms: contended, no try for 100 ms', [
		['try', 0, false], ['end'], ['try', 30, false], ['end'], ['try', 60, false], ['end'],
		['may', 61, false], ['may', 159, false], ['may', 160, true],
	]],
	['successes in between do not hide contention', [
		['try', 0, false], ['end'], ['try', 10, true], ['end'], ['try', 20, false], ['end'],
		['try', 30, true], ['end'], ['try', 40, false], ['end'], ['may', 41, false],
	]],
	['three failures spread over more than 100 ms are not contention', [
		['try', 0, false], ['end'], ['try', 60, false], ['end'], ['try', 120, false], ['end'], ['may', 121, true],
	]],
	['after a quiet period the count starts again', [
		['try', 0, false], ['end'], ['try', 1, false], ['end'], ['try', 2, false], ['end'],
		['try', 102, false], ['end'], ['try', 103, false], ['end'], ['may', 104, true],
		['try', 104, false], ['end'], ['may', 105, false],
	]],
];

for (const [title, steps] of table) {
	test(`LockTurns: ${title}`, t => {
		t.deepEqual(run(steps), []);
	});
}
