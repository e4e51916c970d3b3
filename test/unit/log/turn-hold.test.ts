// Holding the lock for an event-loop turn, with a fake appender, a fake clock and a fake end of
// turn: every try and release is traced and compared with the expected trace.
import test from 'ava';
import {LockTurns} from '../../../src/decide/lock-turns.js';
import {TurnHold} from '../../../src/log/turn-hold.js';

/**
 * `hold`: holdIfFree() at that time; `end`: the turn ends (what was scheduled runs); `taken`:
 * another writer takes the lock (true) or lets it go (false).
 */
type Step = ['hold', number] | ['end'] | ['taken', boolean];

/** Runs the steps; returns the trace: each hold's answer, each try, schedule and release. */
function run(steps: readonly Step[], never = false): string[] {
	const trace: string[] = [];
	let now = 0;
	let takenByOther = false;
	let ours = false;
	const scheduled: Array<() => void> = [];
	const appender = {
		get holding() {
			return ours;
		},
		tryLock() {
			ours ||= !takenByOther;
			trace.push(`try: ${ours ? 'free' : 'taken'}`);
			return ours;
		},
		release() {
			ours = false;
			trace.push('release');
		},
	};
	const hold = new TurnHold({
		appender,
		turns: new LockTurns(),
		clock: () => now,
		schedule(end) {
			trace.push('schedule');
			scheduled.push(end);
		},
		never,
	});

	for (const step of steps) {
		switch (step[0]) {
			case 'hold': {
				now = step[1];
				trace.push(`hold at ${now}: ${hold.holdIfFree()}`);
				break;
			}

			case 'end': {
				trace.push('end of turn');
				for (const end of scheduled.splice(0)) {
					end();
				}

				break;
			}

			case 'taken': {
				takenByOther = step[1];
				break;
			}
		}
	}

	return trace;
}

const table: Array<[string, Step[], string[], boolean?]> = [
	['lock free: held until the turn ends, then released; the next turn takes it again', [
		['hold', 0], ['hold', 0], ['hold', 1], ['end'], ['hold', 2], ['end'],
	], [
		'try: free', 'schedule', 'hold at 0: true', 'hold at 0: true', 'hold at 1: true',
		'end of turn', 'release',
		'try: free', 'schedule', 'hold at 2: true', 'end of turn', 'release',
	]],
	['taken by someone else: tried once per turn', [
		['taken', true], ['hold', 0], ['hold', 0], ['end'], ['hold', 40], ['hold', 41], ['end'],
		['taken', false], ['hold', 200], ['end'],
	], [
		'try: taken', 'schedule', 'hold at 0: false', 'hold at 0: false', 'end of turn', 'release',
		'try: taken', 'schedule', 'hold at 40: false', 'hold at 41: false', 'end of turn', 'release',
		'try: free', 'schedule', 'hold at 200: true', 'end of turn', 'release',
	]],
	['three failures within 100 ms: no tries for 100 ms', [
		['taken', true], ['hold', 0], ['end'], ['hold', 30], ['end'], ['hold', 60], ['end'],
		['taken', false], ['hold', 61], ['end'], ['hold', 159], ['end'], ['hold', 160], ['end'],
	], [
		'try: taken', 'schedule', 'hold at 0: false', 'end of turn', 'release',
		'try: taken', 'schedule', 'hold at 30: false', 'end of turn', 'release',
		'try: taken', 'schedule', 'hold at 60: false', 'end of turn', 'release',
		'hold at 61: false', 'end of turn', 'hold at 159: false', 'end of turn',
		'try: free', 'schedule', 'hold at 160: true', 'end of turn', 'release',
	]],
	['--tee: never held, never tried, nothing scheduled', [
		['hold', 0], ['hold', 0], ['end'], ['hold', 1], ['end'],
	], [
		'hold at 0: false', 'hold at 0: false', 'end of turn', 'hold at 1: false', 'end of turn',
	], true],
];

for (const [title, steps, trace, never] of table) {
	test(`TurnHold: ${title}`, t => {
		t.deepEqual(run(steps, never), trace);
	});
}
