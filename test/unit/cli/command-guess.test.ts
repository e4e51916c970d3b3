import test from 'ava';
import {editDistance, guessCommand, writeStart, type WriteStartInput} from '../../../src/cli/command-guess.js';

const distances: Array<[string, string, number]> = [
	['status', 'status', 0],
	['stauts', 'status', 1],
	['statu', 'status', 1],
	['sttaus', 'status', 1],
	['stat', 'status', 2],
	['', 'cat', 3],
	// Optimal string alignment: an edited transposition is not a transposition (true Damerau says 2).
	['abc', 'ca', 3],
	['kitten', 'sitting', 3],
];

for (const [a, b, distance] of distances) {
	test(`editDistance(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${distance}`, t => {
		t.is(editDistance(a, b), distance);
		t.is(editDistance(b, a), distance);
	});
}

const guesses: Array<[string, string | undefined]> = [
	['stauts', 'status'],
	['Status', 'status'],
	['STATUS', 'status'],
	['staus', 'status'],
	['roatte', 'rotate'],
	['rotat', 'rotate'],
	['chekc', 'check'],
	['chek', 'check'],
	['cta', 'cat'],
	['Cat', 'cat'],
	['completoin', 'completion'],
	['version', '--version'],
	['Version', '--version'],
	['verison', '--version'],
	['help', '--help'],
	// Exact command names are commands, never guessed.
	['status', undefined],
	['rotate', undefined],
	['completion', undefined],
	// Log names stay log names.
	['app.log', undefined],
	['a', undefined],
	['x', undefined],
	['temp', undefined],
	['cats.log', undefined],
	['access', undefined],
	['./stauts', undefined],
	['logs/status', undefined],
	['', undefined],
	['-v', undefined],
];

for (const [word, guess] of guesses) {
	test(`guessCommand(${JSON.stringify(word)}) = ${String(guess)}`, t => {
		t.is(guessCommand(word), guess);
	});
}

const none = () => false;
const base: WriteStartInput = {file: 'app.log', envFile: undefined, stdinIsTTY: false, fifos: false, exists: none};

const starts: Array<[string, Partial<WriteStartInput>, {file: string} | RegExp]> = [
	['a FILE, stdin a pipe', {}, {file: 'app.log'}],
	['no FILE, ROTLOG_FILE', {file: undefined, envFile: '/var/log/x.log'}, {file: '/var/log/x.log'}],
	['FILE wins over ROTLOG_FILE', {envFile: '/var/log/x.log'}, {file: 'app.log'}],
	['no FILE, no ROTLOG_FILE', {file: undefined}, /^no FILE given \(name the log, or set ROTLOG_FILE\); usage: app \| rotlog FILE/],
	['no FILE in a terminal', {file: undefined, stdinIsTTY: true}, /^no FILE given /],
	['a typo of a command', {file: 'stauts'}, /^unknown command 'stauts' \(did you mean 'status'\?\)$/],
	['a command in capitals', {file: 'Status'}, /^unknown command 'Status' \(did you mean 'status'\?\)$/],
	['version as a word', {file: 'version'}, /^unknown command 'version' \(did you mean '--version'\?\)$/],
	['a typo that names an existing file', {file: 'stauts', exists: file => file === 'stauts'}, {file: 'stauts'}],
	['stdin a terminal', {stdinIsTTY: true}, /^stdin is a terminal: .*usage: app \| rotlog FILE/],
	['stdin a terminal with --fifo', {stdinIsTTY: true, fifos: true}, {file: 'app.log'}],
	['a typo checked before the terminal', {file: 'stauts', stdinIsTTY: true}, /^unknown command 'stauts'/],
];

for (const [title, input, expected] of starts) {
	test(`writeStart: ${title}`, t => {
		const result = writeStart({...base, ...input});
		if (expected instanceof RegExp) {
			t.true('error' in result, JSON.stringify(result));
			t.regex('error' in result ? result.error : '', expected);
		} else {
			t.deepEqual(result, expected);
		}
	});
}
