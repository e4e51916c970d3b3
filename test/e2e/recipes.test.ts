// Recipes: a Node cluster whose workers each pipe into rotlog; the systemd units and the
// crontab line with its --config file from docs/, run or validated as written.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa, execaSync} from 'execa';
import {fixtures, root} from '../helpers/paths.js';
import {assertNoWarnings, rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

const docs = path.join(root, 'docs');

const systemdAnalyze = execaSync('sh', ['-c', 'command -v systemd-analyze'], {reject: false}).stdout.trim() || undefined;
if (systemdAnalyze === undefined) {
	console.log('recipes: no systemd-analyze on PATH (apt-get install systemd); the unit files in docs/systemd are documented only');
}

async function catLines(file: string): Promise<string[]> {
	const result = await rotlog(['cat', file], {reject: true, stripFinalNewline: true});
	return result.stdout.split('\n').filter(line => line.length > 0);
}

test('Node cluster: 4 workers, each piped into its own rotlog, keep every line once', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const count = 2000;
	const result = await execa(process.execPath, [path.join(fixtures, 'node', 'cluster-app.mjs'), rotlogBin, file, '4', String(count), '--max', '8K', '--keep', '1000', '--compress', 'none'], {reject: false});
	t.is(result.exitCode, 0, result.stderr);
	assertNoWarnings(t, result);
	const lines = await catLines(file);
	t.is(lines.length, 4 * count);
	for (let worker = 0; worker < 4; worker++) {
		const numbers = lines.filter(line => line.startsWith(`worker${worker} `)).map(line => Number(line.split(' ')[1]));
		t.deepEqual(numbers, Array.from({length: count}, (_, index) => index), `worker${worker}: every line once, in order`);
	}

	t.true(lines.every(line => /^worker\d \d{6} y{40}$/.test(line)), 'no torn line');
	for (const name of fs.readdirSync(directory).filter(name => !name.endsWith('.lock'))) {
		t.true(fs.statSync(path.join(directory, name)).size <= 8192, `${name} within --max`);
	}
});

(systemdAnalyze === undefined ? test.skip : test)('the systemd units in docs/ pass systemd-analyze verify without a warning', async t => {
	const directory = await tempDir(t);
	const units = fs.readdirSync(path.join(docs, 'systemd'));
	t.deepEqual(units.sort(), ['app.service', 'rotlog-check.service', 'rotlog-check.timer']);
	// verify checks that each command exists: point the units at this build and at a stand-in app.
	for (const unit of units) {
		const text = fs.readFileSync(path.join(docs, 'systemd', unit), 'utf8')
			.replaceAll('/usr/local/bin/rotlog', rotlogBin)
			.replaceAll('/usr/local/bin/app', '/bin/cat');
		fs.writeFileSync(path.join(directory, unit), text);
	}

	const result = await execa(systemdAnalyze!, ['verify', ...units.map(unit => path.join(directory, unit))], {reject: false, env: {SYSTEMD_LOG_LEVEL: 'warning'}});
	t.is(result.exitCode, 0, result.stderr);
	// Unknown keys and bad values are only warnings: any line on stderr fails the test.
	t.is(result.stderr.trim(), '');

	// The check (a known-bad unit fails), so that a passing verify means something here.
	fs.writeFileSync(path.join(directory, 'bad.service'), '[Service]\nExecStart=/bin/true\nKilMode=mixed\n');
	const bad = await execa(systemdAnalyze!, ['verify', path.join(directory, 'bad.service')], {reject: false});
	t.regex(bad.stderr, /Unknown key/);
});

test('the crontab line in docs/ runs rotlog check with the documented --config file', async t => {
	const directory = await tempDir(t);
	// The documented config, pointed at this directory.
	const config = fs.readFileSync(path.join(docs, 'cron', 'rotlog.json'), 'utf8')
		.replaceAll('/var/log/app/', `${directory}/app/`)
		.replaceAll('/var/log/worker/', `${directory}/worker/`);
	const configPath = path.join(directory, 'rotlog.json');
	fs.writeFileSync(configPath, config);
	fs.mkdirSync(path.join(directory, 'app'));
	fs.mkdirSync(path.join(directory, 'worker'));

	// The command of the crontab line, as written (minute, hour, day, month, weekday, user, command).
	const line = fs.readFileSync(path.join(docs, 'cron', 'rotlog.cron'), 'utf8').split('\n').find(text => /^[*\d]/.test(text))!;
	const command = line.split(/\s+/).slice(6).join(' ')
		.replace('/usr/local/bin/rotlog', `${process.execPath} ${rotlogBin}`)
		.replace('/etc/rotlog.json', configPath);
	t.regex(command, /rotlog check --config /);

	// Nothing due yet: silent, exit 0. (A pattern that matches no file is an error, reported.)
	const big = path.join(directory, 'worker', 'big.log');
	const small = path.join(directory, 'app', 'app.log');
	fs.writeFileSync(big, 'first\n');
	fs.writeFileSync(small, 'small\n');
	const idle = await execa('sh', ['-c', command], {reject: false});
	t.is(idle.exitCode, 0, idle.stderr);
	t.is(idle.stdout + idle.stderr, '');

	// A worker log over its --max (16M in the config) is rotated and compressed by the cron run; a
	// log under its --max is left alone.
	fs.appendFileSync(big, `${'z'.repeat(1023)}\n`.repeat(17 * 1024));
	const run = await execa('sh', ['-c', command], {reject: false});
	t.is(run.exitCode, 0, run.stderr);
	t.is(run.stderr, '');
	t.true(fs.existsSync(`${big}.1.gz`), 'big.log rotated and compressed (gzip from the defaults)');
	t.is(fs.readFileSync(small, 'utf8'), 'small\n');
	t.false(fs.existsSync(`${small}.1.gz`) || fs.existsSync(`${small}.1`));

	// The same file with a typo is refused on one line, naming the key.
	fs.writeFileSync(configPath, config.replace('"keep": 5', '"kep": 5'));
	const typo = await execa('sh', ['-c', command], {reject: false});
	t.is(typo.exitCode, 2);
	t.regex(typo.stderr, /^rotlog: invalid config '.*': files\[1\]\.kep: unknown key/);
	t.is(typo.stderr.trim().split('\n').length, 1);
});
