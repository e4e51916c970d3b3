// The user documentation works as written: every rotlog command that docs/migrating.md gives runs
// against a temporary log and exits 0; every option its tables name appears in those commands;
// and every relative link in README.md and docs/ leads to a file that exists. (The install lines
// are run by package.test.ts, which has the packed tarball.)
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execaSync} from 'execa';
import {root} from '../helpers/paths.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const migrating = fs.readFileSync(path.join(root, 'docs', 'migrating.md'), 'utf8');

/** The lines of the ```sh blocks of a Markdown text. */
function shellLines(markdown: string): string[] {
	const lines: string[] = [];
	let inBlock = false;
	for (const line of markdown.split('\n')) {
		if (line.startsWith('```')) {
			inBlock = !inBlock && line.trim() === '```sh';
			continue;
		}

		if (inBlock && line.trim() !== '' && !line.trimStart().startsWith('#')) {
			lines.push(line.trim());
		}
	}

	return lines;
}

/** `rotlog ...` with the producer before the pipe, if any: `app | rotlog app.log --max 1G`. */
type Command = {text: string; piped: boolean; args: string[]};

/** Words as the shell splits them here: single-quoted words keep their spaces, nothing expands. */
function words(text: string): string[] {
	return [...text.matchAll(/'([^']*)'|(\S+)/g)].map(match => match[1] ?? match[2]!);
}

function parseCommand(text: string): Command {
	const match = /^(?:(\S+) \| )?rotlog (.*)$/.exec(text);
	if (match === null) {
		throw new Error(`not a rotlog command: ${text}`);
	}

	return {text, piped: match[1] !== undefined, args: words(match[2]!)};
}

const commands = shellLines(migrating).map(line => parseCommand(line));

const zstdAvailable = (() => {
	const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
	return major > 22 || (major === 22 && minor >= 15) || execaSync('sh', ['-c', 'command -v zstd'], {reject: false}).exitCode === 0;
})();

test('docs/migrating.md gives rotlog commands to run', t => {
	t.true(commands.length >= 10, `only ${commands.length} commands found`);
	t.true(commands.some(command => command.args[0] === 'check'), 'a check for cron among them');
});

for (const command of commands) {
	const needsZstd = command.args.includes('zstd');
	(needsZstd && !zstdAvailable ? test.skip : test)(`docs/migrating.md: ${command.text}`, async t => {
		const directory = await tempDir(t);
		// An existing log with a few lines, as after a migration; a writer appends to it.
		fs.writeFileSync(path.join(directory, 'app.log'), 'before\n');
		const input = command.piped ? Array.from({length: 100}, (_, index) => `line ${index}\n`).join('') : undefined;
		const result = await rotlog(command.args, {cwd: directory, ...(input === undefined ? {} : {input})});
		t.is(result.exitCode, 0, `${command.text}: ${String(result.stderr)}`);
		t.is(result.stderr, '', command.text);
		if (command.piped) {
			t.regex(fs.readFileSync(path.join(directory, 'app.log'), 'utf8'), /line 99\n$/);
		}
	});
}

test('every option in docs/migrating.md\'s tables appears in its commands', t => {
	const texts = commands.map(command => command.text);
	const rows = migrating.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| ---') && !/^\| (logrotate|Python) \|/.test(line));
	t.true(rows.length >= 15, `only ${rows.length} table rows found`);
	for (const row of rows) {
		const cells = row.split(/(?<!\\)\|/).map(cell => cell.trim()).filter(cell => cell !== '');
		const rotlogCell = cells.at(-1)!;
		for (const [, span] of rotlogCell.matchAll(/`(--[^`]+)`/g)) {
			// Placeholders (N, K, CMD) stand for any word.
			const pattern = span!.split(' ').map(word => /^(N|K|CMD)$/.test(word) ? String.raw`\S+` : word.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)).join(' ');
			t.true(texts.some(text => new RegExp(`${pattern}(?: |$)`).test(text)), `'${span}' (${cells[0]}) is in no command of docs/migrating.md`);
		}
	}
});

test('the digits-only date format the migration guide warns about is refused, and its working forms are not', async t => {
	const directory = await tempDir(t);
	const refused = await rotlog(['app.log', '--name', 'date', '--date-format', '%Y%m%d'], {cwd: directory, input: 'x\n'});
	t.is(refused.exitCode, 2);
	t.regex(String(refused.stderr), /invalid --date-format '%Y%m%d'/);
	t.regex(migrating, /--date-format %Y%m%d`, exit 2/);

	// A value that starts with a dash is taken with or without `=`, by every command that takes it.
	const dashed = await rotlog(['app.log', '--name', 'date', '--date-format', '-%Y%m%d', '--interval', 'daily'], {cwd: directory, input: 'x\n'});
	t.is(dashed.exitCode, 0, String(dashed.stderr));
	t.regex(migrating, /--date-format -%Y%m%d/);
	const rotated = await rotlog(['rotate', 'app.log', '-v', '--name', 'date', '--date-format', '-%Y%m%d'], {cwd: directory});
	t.is(rotated.exitCode, 0, String(rotated.stderr));
	t.regex(String(rotated.stdout), /to 'app\.log\.-\d{8}'/, 'the name the guide shows: app.log.-YYYYMMDD');
	const again = await rotlog(['app.log', '--name', 'date', '--date-format=-%Y%m%d', '--interval', 'daily'], {cwd: directory, input: 'y\n'});
	t.is(again.exitCode, 0, String(again.stderr));
	for (const command of [['check', '-n'], ['status'], ['cat']]) {
		const result = await rotlog([...command, 'app.log', '--name', 'date', '--date-format', '-%Y%m%d', '--interval', 'daily'], {cwd: directory});
		t.is(result.exitCode, 0, `${command.join(' ')}: ${String(result.stderr)}`);
		if (command[0] === 'cat') {
			t.is(String(result.stdout), 'x\ny\n');
		}

		if (command[0] === 'status') {
			t.regex(String(result.stdout), /app\.log\.-\d{8}/);
		}
	}
});

/** README.md and every Markdown file under docs/. */
function markdownFiles(): string[] {
	const docs = fs.readdirSync(path.join(root, 'docs'), {recursive: true, encoding: 'utf8'}).filter(name => name.endsWith('.md')).map(name => path.join('docs', name));
	return ['README.md', ...docs];
}

test('every relative link in README.md and docs/ leads to a file that exists', t => {
	const files = markdownFiles();
	t.true(files.length >= 7, files.join(', '));
	for (const file of files) {
		const text = fs.readFileSync(path.join(root, file), 'utf8');
		for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
			if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) {
				continue;
			}

			const local = path.join(root, path.dirname(file), target!.replace(/#.*$/, ''));
			t.true(fs.existsSync(local), `${file}: link to ${target} leads nowhere`);
		}
	}
});

test('the user documentation names no issue, session or target', t => {
	// Figures for users and contributors: what rotlog costs, against what, and what bounds it; not a
	// lab notebook's verdicts (`target | before | after`, `1.18x: no`, "is not met") or commit hashes.
	const notebook = [
		/\bissue #?\d+|\bissue's\b|\bsession\b/i,
		/\btargets?\b[^.\n]*\bmet\b|\bnot met\b|\|\s*targets?\s*\|/i,
		/:\s*(?:yes|no)\s*\|/i,
		/\|\s*before\b[^|\n]*\|\s*after\b/i,
		/\([\da-f]{7,40}[,)]|\b(?=[a-f]*\d)(?=\d*[a-f])[\da-f]{7,40}\b/,
	];
	for (const file of markdownFiles()) {
		const text = fs.readFileSync(path.join(root, file), 'utf8');
		for (const pattern of notebook) {
			t.notRegex(text, pattern, file);
		}
	}

	// The patterns catch what they are for.
	for (const phrase of ['| target | before | after |', '| check no slower than logrotate | 1.18x: no |', 'The target, 64 writers within 2x one writer, is not met', 'So the 48 MiB target is not met', 'on the build before these changes (7735263)', 'on the same quiet machine (ea8e478, two runs)']) {
		t.true(notebook.some(pattern => pattern.test(phrase)), phrase);
	}
});

test('the manual and the migration guide say maintenance is safe only for logs whose writers are rotlog', t => {
	const said = (text: string) => text.replaceAll(/\s+/g, ' ');
	const manual = said(fs.readFileSync(path.join(root, 'man', 'rotlog.1.md'), 'utf8'));
	t.true(manual.includes('`rotate` and `check` are safe only for logs whose writers are `rotlog` processes'), 'man/rotlog.1.md');
	t.true(said(migrating).includes('**Only for logs that rotlog writes.** `rotlog rotate` and `rotlog check` are safe beside rotlog writers'), 'docs/migrating.md');
	const readme = said(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
	t.true(readme.includes('**Cron-safe, for logs that rotlog writes.**'), 'README.md');
});
