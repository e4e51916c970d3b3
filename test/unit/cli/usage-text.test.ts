// yargs' failure messages, reworded: the option as typed, the one probably meant, how to call the command.
import test from 'ava';
import {nearestOption} from '../../../src/cli/command-guess.js';
import {commandOptions} from '../../../src/cli/options.js';
import {usageText} from '../../../src/cli/usage-text.js';

const writeNames = [...Object.keys(commandOptions.write), 'help', 'version'];

const nearest: Array<[string, string | undefined]> = [
	['max-size', 'max'],
	['maxsize', 'max'],
	['maxx', 'max'],
	['kep', 'keep'],
	['keeps', 'keep'],
	['lockfile', 'lock'],
	['compres-levl', 'compress-level'],
	['timestamps', 'timestamp'],
	['Max', 'max'],
	['frobnicate', undefined],
	['zz', undefined],
	['', undefined],
];

for (const [word, meant] of nearest) {
	test(`nearestOption(${JSON.stringify(word)}) = ${String(meant)}`, t => {
		t.is(nearestOption(word, writeNames), meant);
	});
}

const messages: Array<[string, string[], string]> = [
	['Unknown argument: max-size, maxSize', ['app.log', '--max-size', '1G'], 'unknown option --max-size (did you mean --max?)'],
	['Unknown argument: max-size, maxSize', ['app.log', '--max-size=1G'], 'unknown option --max-size (did you mean --max?)'],
	['Unknown argument: frobnicate', ['--frobnicate'], 'unknown option --frobnicate'],
	['Unknown argument: z', ['app.log', '-z'], 'unknown option -z'],
	['Unknown argument: max', ['status', 'app.log', '--max', '1'], 'status takes no --max (an option of the write mode, exec, rotate and check)'],
	['Unknown argument: b', ['status', 'a', 'b'], 'unexpected argument \'b\': status takes one FILE (rotlog status [options] FILE)'],
	['Unknown argument: y.log', ['x.log', 'y.log'], 'unexpected argument \'y.log\': the write mode takes one FILE (app | rotlog FILE [options])'],
	['Not enough non-option arguments: got 0, need at least 1', ['status'], 'status needs FILE: rotlog status [options] FILE'],
	['Not enough non-option arguments: got 0, need at least 1', ['exec'], 'exec needs FILE: rotlog exec FILE [options] -- CMD [ARG...]'],
	['Not enough arguments following: keep', ['app.log', '--keep'], '--keep needs a value: --keep N'],
	['Not enough non-option arguments: got 0, need at least 1', ['cat', '--follw', 'a.log'], 'unknown option --follw (did you mean --follow?)'],
	['Not enough non-option arguments: got 0, need at least 1', ['status', '--jsn=1', 'a.log'], 'unknown option --jsn (did you mean --json?)'],
	['Not enough non-option arguments: got 0, need at least 1', ['status', '--no-json'], 'status needs FILE: rotlog status [options] FILE'],
	['Not enough non-option arguments: got 0, need at least 1', ['exec', '--', '--follw'], 'exec needs FILE: rotlog exec FILE [options] -- CMD [ARG...]'],
];

for (const [text, argv, message] of messages) {
	test(`usageText: ${text} (rotlog ${argv.join(' ')})`, t => {
		t.is(usageText(text, argv), message);
	});
}
