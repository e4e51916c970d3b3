// splitCommand (output/hooks.ts): how an --on-rotate CMD string is split into a program and arguments.
import test from 'ava';
import {splitCommand} from '../../../src/output/hooks.js';

const table: Array<[string, string[]]> = [
	['/usr/bin/logger', ['/usr/bin/logger']],
	['  upload  --bucket logs ', ['upload', '--bucket', 'logs']],
	[String.raw`/opt/my\ tools/ship -v`, ['/opt/my tools/ship', '-v']],
	[String.raw`a\\b`, [String.raw`a\b`]],
	[String.raw`say \"hi\"`, ['say', '"hi"']],
	['', []],
];

for (const [command, words] of table) {
	test(`splitCommand ${JSON.stringify(command)}`, t => {
		t.deepEqual(splitCommand(command), words);
	});
}
