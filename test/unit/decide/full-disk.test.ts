// The write mode's full-disk episodes, replayed step by step: when a retry is due, which lines are
// dropped, and the lines for stderr (returned, never printed).
import test from 'ava';
import {countLines, FullDisk, type OnFull} from '../../../src/decide/full-disk.js';

const why = new Error("cannot write 'app.log': no space left on device (ENOSPC)");
const blockStart = "rotlog: cannot write 'app.log': no space left on device (ENOSPC); keeping the lines and retrying until it works";
const dropStart = "rotlog: cannot write 'app.log': no space left on device (ENOSPC); dropping lines until it works again (--on-full drop)";

/** Each step with what it must return. */
type Step =
	| ['fail', number, string | undefined]
	| ['retryIn', number, number]
	| ['dropsAt', number, boolean]
	| ['failing', boolean]
	| ['drop', string]
	| ['recover', string | undefined]
	| ['close', string | undefined];

/** Runs the steps on a fresh FullDisk for app.log; returns the steps whose result was wrong. */
function run(mode: OnFull, steps: readonly Step[]): string[] {
	const disk = new FullDisk(mode, 'app.log');
	const wrong: string[] = [];
	const check = (index: number, step: Step, actual: unknown, expected: unknown) => {
		if (actual !== expected) {
			wrong.push(`step ${index} ${JSON.stringify(step)}: got ${JSON.stringify(actual)}`);
		}
	};

	for (const [index, step] of steps.entries()) {
		switch (step[0]) {
			case 'fail': {
				check(index, step, disk.failed(why, step[1]), step[2]);
				break;
			}

			case 'retryIn': {
				check(index, step, disk.retryIn(step[1]), step[2]);
				break;
			}

			case 'dropsAt': {
				check(index, step, disk.dropsAt(step[1]), step[2]);
				break;
			}

			case 'failing': {
				check(index, step, disk.failing, step[1]);
				break;
			}

			case 'drop': {
				disk.drop(Buffer.from(step[1]));
				break;
			}

			case 'recover': {
				check(index, step, disk.recovered(), step[1]);
				break;
			}

			case 'close': {
				check(index, step, disk.closed(), step[1]);
				break;
			}
		}
	}

	return wrong;
}

/** Failures one after another, each as soon as its retry is due: the waits between them. */
function backoff(waits: readonly number[]): Step[] {
	const steps: Step[] = [];
	let now = 1000;
	for (const [index, wait] of waits.entries()) {
		steps.push(['fail', now, index === 0 ? blockStart : undefined], ['retryIn', now, wait]);
		now += wait;
	}

	return steps;
}

const table: Array<[string, OnFull, Step[]]> = [
	['no episode: nothing to report, no wait, nothing dropped', 'drop', [
		['failing', false], ['dropsAt', 0, false], ['retryIn', 0, 0], ['recover', undefined], ['close', undefined],
	]],
	['the start of an episode is reported once, with the first retry 50 ms later', 'block', [
		['fail', 1000, blockStart], ['failing', true], ['retryIn', 1000, 50], ['retryIn', 1030, 20],
		['retryIn', 1050, 0], ['retryIn', 2000, 0], ['fail', 1050, undefined],
	]],
	['drop mode says so when the episode starts', 'drop', [
		['fail', 0, dropStart],
	]],
	['the wait doubles from 50 ms and stops at 5 s', 'block',
		backoff([50, 100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000])],
	['a retry that fails late still waits from its own time', 'block', [
		['fail', 0, blockStart], ['fail', 700, undefined], ['retryIn', 700, 100], ['retryIn', 799, 1],
	]],
	['drop mode drops the lines given until the retry is due, then tries', 'drop', [
		['fail', 0, dropStart], ['dropsAt', 0, true], ['dropsAt', 49, true], ['dropsAt', 50, false],
		['fail', 50, undefined], ['dropsAt', 149, true], ['dropsAt', 150, false],
	]],
	['recovery reports the lines dropped once', 'drop', [
		['fail', 0, dropStart], ['drop', 'a\nb\n'], ['drop', 'c\n'], ['failing', true],
		['recover', "rotlog: dropped 3 lines while 'app.log' could not be written; writing again (--on-full drop)"],
		['failing', false], ['dropsAt', 10, false], ['recover', undefined], ['close', undefined],
	]],
	['recovery without dropped lines says nothing', 'drop', [
		['fail', 0, dropStart], ['recover', undefined], ['failing', false],
	]],
	['an exit during an episode reports the lines dropped so far', 'drop', [
		['fail', 0, dropStart], ['drop', 'a\n'], ['fail', 50, undefined], ['drop', 'b\nc\n'],
		['close', "rotlog: dropped 3 lines while 'app.log' could not be written (--on-full drop)"], ['close', undefined],
	]],
	['the next episode starts over: reported again, 50 ms again', 'drop', [
		['fail', 0, dropStart], ['fail', 50, undefined], ['recover', undefined],
		['fail', 500, dropStart], ['retryIn', 500, 50], ['dropsAt', 549, true], ['dropsAt', 550, false],
	]],
	['block mode never drops', 'block', [
		['dropsAt', 0, false], ['fail', 0, blockStart], ['dropsAt', 0, false], ['dropsAt', 49, false],
		['fail', 50, undefined], ['dropsAt', 51, false], ['recover', undefined],
	]],
];

for (const [title, mode, steps] of table) {
	test(`FullDisk (${mode}): ${title}`, t => {
		t.deepEqual(run(mode, steps), []);
	});
}

test('FullDisk: drops only in drop mode', t => {
	t.true(new FullDisk('drop', 'app.log').drops);
	t.false(new FullDisk('block', 'app.log').drops);
});

const lineCounts: Array<[string, number]> = [
	['', 0],
	['a\n', 1],
	['a\nbb\nccc\n', 3],
	['\n\n\n', 3],
	['no newline', 0],
	['a\npartial', 1],
];

for (const [lines, count] of lineCounts) {
	test(`countLines(${JSON.stringify(lines)}) is ${count}`, t => {
		t.is(countLines(Buffer.from(lines)), count);
	});
}
