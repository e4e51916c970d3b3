// The man page is the contract: every option the parser knows must be documented under OPTIONS
// and shown by --help, and man/rotlog.1 must be what man/rotlog.1.md generates today.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import type {Options} from 'yargs';
import {commandOptions} from '../../../src/cli/options.js';
import {buildParser} from '../../../src/cli/parser.js';
import {root} from '../../helpers/paths.js';
import {rotlog} from '../../helpers/rotlog.js';

const manPath = path.join(root, 'man', 'rotlog.1');

/** The part of yargs' getOptions() used here; @types/yargs does not declare that method. */
type ParserOptions = {key: Record<string, unknown>; alias: Record<string, string[]>};

/** The commands whose --help is checked, with the option table each takes. */
const commands: Array<[string[], Record<string, Options>]> = [
	[[], commandOptions.write],
	[['rotate'], commandOptions.maintenance],
	[['check'], commandOptions.maintenance],
	[['status'], commandOptions.status],
	[['cat'], commandOptions.cat],
];

function spelled(names: string[]): string[] {
	return [...new Set(names)].map(name => (name.length === 1 ? `-${name}` : `--${name}`));
}

/** A table's options and their aliases. */
function tableOptions(table: Record<string, Options>): string[] {
	return spelled(Object.entries(table).flatMap(([name, option]) => (typeof option.alias === 'string' ? [name, option.alias] : [name])));
}

/** Every command's options, plus what yargs adds at the top level (help, -h, version). */
function knownOptions(): string[] {
	const parser = buildParser([], () => undefined) as unknown as {getOptions(): ParserOptions};
	const top = parser.getOptions();
	const names = [...Object.keys(top.key)];
	for (const aliases of Object.values(top.alias)) {
		names.push(...aliases);
	}

	return [...new Set([...spelled(names), ...commands.flatMap(([, table]) => tableOptions(table))])];
}

/** Roff source as plain text: font changes and `\|` dropped, escaped hyphens and dots restored. */
function plain(roff: string): string {
	return roff.replaceAll(/\\f[BIRP]|\\\|/g, '').replaceAll(String.raw`\-`, '-').replaceAll(String.raw`\.`, '.');
}

/** The `.SS` headings of the man page's OPTIONS section, as plain text. */
function optionHeadings(roff: string): string[] {
	const lines = plain(roff).split('\n');
	const start = lines.findIndex(line => /^\.SH "?OPTIONS"?$/.test(line));
	const end = lines.findIndex((line, index) => index > start && line.startsWith('.SH '));
	return lines.slice(start, end).filter(line => line.startsWith('.SS ')).map(line => line.slice(4));
}

function mentions(text: string, option: string): boolean {
	return new RegExp(`(^|[^-\\w])${option}(?![-\\w])`).test(text);
}

test('the option list this test checks holds the write options, --help, -h and --version', t => {
	// Guards the test itself: read from the parser wrongly, an empty list would pass every check below.
	const options = knownOptions();
	for (const option of [...Object.keys(commandOptions.write).map(name => `--${name}`), '--verbose', '-f', '--help', '-h', '--version']) {
		t.true(options.includes(option), `${option} not found in the parser`);
	}
});

test('every option the parser knows has its own heading under OPTIONS in man/rotlog.1', t => {
	const headings = optionHeadings(fs.readFileSync(manPath, 'utf8'));
	t.true(headings.length > 0, 'no .SS headings found under .SH OPTIONS');
	for (const option of knownOptions()) {
		t.true(headings.some(heading => mentions(heading, option)), `${option} is not documented under OPTIONS in man/rotlog.1`);
	}

	t.true(headings.includes('FILE'), 'the FILE positional is not documented under OPTIONS');
});

test('every option of each command is shown by that command\'s --help', async t => {
	for (const [command, table] of commands) {
		const {stdout} = await rotlog([...command, '--help'], {reject: true, stripFinalNewline: true});
		for (const option of [...tableOptions(table), '--help', '--version']) {
			t.true(mentions(stdout, option), `${option} is missing from rotlog ${command.join(' ')} --help`);
		}
	}
});

test('man/rotlog.1 is up to date with man/rotlog.1.md (npm run man)', async t => {
	// The same command `npm run man` redirects into man/rotlog.1; its date is pinned in package.json.
	const {stdout} = await execa('npm', ['run', '--silent', 'man:render'], {cwd: root, stripFinalNewline: false});
	t.is(stdout, fs.readFileSync(manPath, 'utf8'), 'man/rotlog.1 differs from man/rotlog.1.md: run npm run man');
});

// The page as `man` shows it in an 80-column terminal. Needs man(1) and groff; skipped without them.
const manWidth = {MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: ''};
// Synchronous: ava wants every test declared before the file's first await.
const manCheck = spawnSync('man', ['-l', manPath], {env: {...process.env, ...manWidth}, encoding: 'utf8'});
const manMissing = manCheck.status === 0 ? undefined : (manCheck.error as {code?: string} | undefined)?.code === 'ENOENT' ? 'man is not installed' : `man -l failed: ${(manCheck.stderr ?? '').split('\n')[0] ?? ''}`;
if (manMissing !== undefined) {
	console.log(`manpage: ${manMissing}: the 80-column test is skipped`);
}

(manMissing === undefined ? test : test.skip)('at MANWIDTH=80 no line of EXAMPLES is over 80 columns, and [--on-rotate CMD] stays on one synopsis line', t => {
	// Bold and underline by overstrike, should man keep them, are not columns.
	const lines = manCheck.stdout.split('\n').map(line => line.split('\b').map((part, index) => (index === 0 ? part : part.slice(1))).join(''));
	const section = (name: string) => {
		const start = lines.indexOf(name);
		const end = lines.findIndex((line, index) => index > start && /^[A-Z][A-Z ]+$/.test(line));
		return lines.slice(start, end === -1 ? undefined : end);
	};

	const examples = section('EXAMPLES');
	t.true(examples.length > 100, `EXAMPLES has ${examples.length} lines`);
	t.deepEqual(examples.filter(line => line.length > 80), [], 'lines of EXAMPLES over 80 columns');
	t.true(section('SYNOPSIS').some(line => line.includes('[--on-rotate CMD]')), '[--on-rotate CMD] is split across synopsis lines');
});
