// --help from the option tables: value names, widths, and the command a command line asks about.
import test from 'ava';
import {helpFor, helpWidth, optionLabel, renderHelp, wrap} from '../../../src/cli/help.js';
import {type CommandName, optionsOf} from '../../../src/cli/options.js';

const commands = Object.keys(optionsOf) as CommandName[];

for (const width of [60, 80, 100]) {
	test(`every command's help fits ${width} columns`, t => {
		for (const command of commands) {
			for (const line of renderHelp(command, width).split('\n')) {
				t.true(line.length <= width, `${command}: ${JSON.stringify(line)} is ${line.length} columns`);
			}
		}
	});
}

test('options are shown with the name of their value, never a type label', t => {
	const help = renderHelp('write', 80);
	for (const label of ['--max SIZE', '--keep N', '--interval SPEC', '--lock PATH', '--mode MODE', '--on-rotate CMD', '--max-age DURATION', '--fifo PATH', '--timestamp[=iso|unix]', '-V, --version', '-h, --help']) {
		t.true(help.includes(label), label);
	}

	t.false(help.includes('[string]'));
	t.false(help.includes('[boolean]'));
});

test('status and cat say what --interval means to them: they never rotate', t => {
	for (const command of ['status', 'cat'] as const) {
		const help = renderHelp(command, 80);
		t.false(help.includes('Also rotate'), command);
		t.regex(help.replaceAll(/\s+/g, ' '), /--interval SPEC The period the writers' date names stand for/);
	}
});

test('optionLabel: a short alias first, an optional value right after the name', t => {
	t.is(optionLabel('max', {type: 'string', value: 'SIZE'}), '    --max SIZE');
	t.is(optionLabel('follow', {type: 'boolean', alias: 'f'}), '-f, --follow');
	t.is(optionLabel('timestamp', {type: 'string', value: '[=iso|unix]'}), '    --timestamp[=iso|unix]');
});

test('wrap: words to lines of at most the width; a longer word alone', t => {
	t.deepEqual(wrap('a bb ccc dddd', 6), ['a bb', 'ccc', 'dddd']);
	t.deepEqual(wrap('abcdefgh ij', 4), ['abcdefgh', 'ij']);
	t.deepEqual(wrap('', 10), []);
});

test('helpWidth: 80 when stdout is not a terminal, else the terminal\'s (40 to 100)', t => {
	t.is(helpWidth({isTTY: false, columns: 200}), 80);
	t.is(helpWidth({}), 80);
	t.is(helpWidth({isTTY: true, columns: 60}), 60);
	t.is(helpWidth({isTTY: true, columns: 300}), 100);
	t.is(helpWidth({isTTY: true, columns: 20}), 60);
});

const requests: Array<[string[], CommandName | undefined]> = [
	[['--help'], 'write'],
	[['-h'], 'write'],
	[['app.log', '--help'], 'write'],
	[['status', '--help'], 'status'],
	[['--keep', '5', 'check', '-h'], 'check'],
	[['--lock', 'status', '--help'], 'write'],
	[['exec', 'app.log', '--', 'ls', '--help'], undefined],
	[['app.log'], undefined],
];

for (const [argv, command] of requests) {
	test(`helpFor(${argv.join(' ')}) = ${String(command)}`, t => {
		t.is(helpFor(argv), command);
	});
}

test('check and rotate say their policy defaults come from the writers\' record; the write mode says writers make it', t => {
	const said = (command: CommandName) => renderHelp(command, 80).replaceAll(/\s+/g, ' ');
	for (const command of ['check', 'rotate'] as const) {
		const help = said(command);
		t.true(help.includes('dated) [default: as recorded in FILE\'s lock file, else 10]'), command);
		t.true(help.includes('zstd, none [default: as recorded in FILE\'s lock file, else gzip]'), command);
		t.false(help.includes('[default: 10]'), command);
	}

	const write = renderHelp('write', 80);
	t.true(write.includes('\nWriters record their policy in the lock file for check, rotate, status and cat.\n'));
	t.false(write.includes('as recorded'));
	t.true(said('write').includes('Mode (octal, within 0777) of the files rotlog creates, before the umask; a new FILE after a rotation keeps the mode, owner and group of the one before'));
	t.true(said('write').includes('(e.g. 12h, 7d; m is minutes; M is refused as ambiguous)'));
});
