// Recipes: gunicorn workers logging through rotlog, piped through one rotlog and each
// through its own; and Python's RotatingFileHandler under several processes against rotlog.
// gunicorn comes from Debian (python3-gunicorn, installed by .ci/run); without it those tests are
// skipped with the reason.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import test from 'ava';
import {execa, execaSync} from 'execa';
import {fixtures} from '../helpers/paths.js';
import {poll} from '../helpers/poll.js';
import {assertNoWarnings, rotlog, rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

function findProgram(name: string): string | undefined {
	const result = execaSync('sh', ['-c', `command -v ${name}`], {reject: false});
	return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

// Debian's gunicorn runs under the system python3, whatever python3 comes first on PATH.
const gunicorn = findProgram('gunicorn');
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findProgram('python3');
if (gunicorn === undefined) {
	console.log('recipes-python: no gunicorn on PATH (apt-get install gunicorn); gunicorn recipes skipped');
}

if (python === undefined) {
	console.log('recipes-python: no python3 on PATH; RotatingFileHandler comparison skipped');
}

function get(socketPath: string, tag: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const request = http.get({socketPath, path: `/?${tag}`}, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', chunk => {
				body += chunk;
			});
			response.on('end', () => {
				resolve(body);
			});
		});
		request.on('error', reject);
	});
}

/** Every line of FILE and its archives, through `rotlog cat` (decompressing what is compressed). */
async function catLines(file: string): Promise<string[]> {
	const result = await rotlog(['cat', file], {reject: true, stripFinalNewline: true});
	return result.stdout.split('\n').filter(line => line.length > 0);
}

const requests = 24;
const linesPerRequest = 40;

/** Sends the requests, 8 at a time, and returns the tags gunicorn answered. */
async function load(socket: string): Promise<string[]> {
	const tags = Array.from({length: requests}, (_, index) => `req${String(index).padStart(3, '0')}`);
	const answered: string[] = [];
	for (let start = 0; start < tags.length; start += 8) {
		answered.push(...(await Promise.all(tags.slice(start, start + 8).map(async tag => (await get(socket, tag)).trim()))));
	}

	return answered;
}

/** Each request's lines, exactly once, whole, in order within the request. */
function checkLines(t: import('ava').ExecutionContext, lines: string[], tags: string[]) {
	const ours = lines.filter(line => line.startsWith('req'));
	t.is(ours.length, tags.length * linesPerRequest, 'every line once');
	t.is(new Set(ours).size, ours.length, 'no line twice');
	for (const tag of tags) {
		const numbers = ours.filter(line => line.startsWith(`${tag} `)).map(line => Number(line.split(' ')[1]));
		t.deepEqual(numbers, Array.from({length: linesPerRequest}, (_, index) => index), `${tag}: whole and in order`);
	}

	t.true(ours.every(line => /^req\d{3} \d{4} pid=\d+ x{40}$/.test(line)), 'no torn line');
}

const withGunicorn = gunicorn === undefined ? test.skip : test;

withGunicorn('gunicorn: 4 workers piped through one rotlog keep every line once', async t => {
	const directory = await tempDir(t);
	const socket = path.join(directory, 'gunicorn.sock');
	const file = path.join(directory, 'app.log');
	// The recipe: gunicorn ... 2>&1 | rotlog app.log --max 8K
	const pidFile = path.join(directory, 'gunicorn.pid');
	const pipeline = execa('sh', ['-c', '"$GUNICORN" --workers 4 --bind "unix:$SOCKET" --pid "$PIDFILE" --chdir "$APP" app:app 2>&1 | "$ROTLOG" "$FILE" --max 8K --keep 100 --compress none'], {
		env: {GUNICORN: gunicorn!, SOCKET: socket, PIDFILE: pidFile, APP: path.join(fixtures, 'gunicorn'), ROTLOG: rotlogBin, FILE: file, PYTHONUNBUFFERED: '1', LINES_PER_REQUEST: String(linesPerRequest)},
		reject: false,
	});
	const stopGunicorn = (signal: NodeJS.Signals) => {
		try {
			process.kill(Number(fs.readFileSync(pidFile, 'utf8')), signal);
		} catch {
			// Not started, or gone already.
		}
	};

	t.teardown(() => {
		stopGunicorn('SIGKILL');
		pipeline.kill('SIGKILL');
	});
	await poll(() => fs.existsSync(socket) && fs.existsSync(pidFile), 'gunicorn to listen');
	const tags = await load(socket);
	// gunicorn stops its workers and exits; rotlog reads to the end of the pipe and exits.
	const stopping = Date.now();
	stopGunicorn('SIGTERM');
	const result = await pipeline;
	t.log(`pipeline ended ${Date.now() - stopping} ms after SIGTERM`);
	t.is(result.exitCode, 0, result.stderr);
	assertNoWarnings(t, result);
	const lines = await catLines(file);
	checkLines(t, lines, tags);
	t.true(fs.existsSync(`${file}.1`), 'rotated at least once');
	const pids = new Set(lines.filter(line => line.startsWith('req')).map(line => line.split(' ')[2]));
	t.log(`${lines.length} lines (with gunicorn's own), ${pids.size} workers answered`);
});

// The socket recipe: gunicorn's own log (syslog records: a priority, then the message, a NUL at the
// end on a stream socket) from every worker reaches one rotlog through its own connection.
withGunicorn('gunicorn: --log-syslog-to a rotlog listening on a Unix socket, every access line once', async t => {
	const directory = await tempDir(t);
	const socket = path.join(directory, 'gunicorn.sock');
	const logSocket = path.join(directory, 'log.sock');
	const file = path.join(directory, 'gunicorn.log');
	const listener = rotlog([file, '--listen', `unix:${logSocket}`, '--syslog', '--max', '8K', '--keep', '100', '--compress', 'none']);
	t.teardown(() => {
		listener.kill('SIGKILL');
	});
	await poll(() => fs.existsSync(logSocket), 'rotlog to listen');
	const server = execa(gunicorn!, ['--workers', '4', '--bind', `unix:${socket}`, '--chdir', path.join(fixtures, 'gunicorn'), '--log-syslog', '--log-syslog-to', `unix://${logSocket}#stream`, '--log-syslog-prefix', 'app', 'app:app'], {
		env: {PYTHONUNBUFFERED: '1', LINES_PER_REQUEST: '1'},
		reject: false,
	});
	t.teardown(() => {
		server.kill('SIGKILL');
	});
	await poll(() => fs.existsSync(socket), 'gunicorn to listen');
	const tags = await load(socket);
	server.kill('SIGTERM');
	await server;
	// Every access line has landed before rotlog is stopped: one per request.
	const accessLines = async () => (await catLines(file)).filter(line => line.includes('"GET /?req'));
	await poll(async () => (await accessLines()).length >= tags.length, 'an access line per request');
	listener.kill('SIGTERM');
	const result = await listener;
	t.is(result.exitCode, 0, result.stderr);
	const access = await accessLines();
	t.deepEqual(access.map(line => /GET \/\?(req\d{3})/.exec(line)?.[1]).sort(), [...tags].sort(), 'each request logged once');
	const lines = await catLines(file);
	t.true(lines.every(line => !line.startsWith('<') && !line.includes('\0')), 'no syslog priority or NUL left in a line');
	t.true(lines.some(line => /Booting worker with pid/.test(line)), 'gunicorn\'s error log too');
});

withGunicorn('gunicorn: each worker through its own rotlog (post_fork) keeps every line once', async t => {
	const directory = await tempDir(t);
	const socket = path.join(directory, 'gunicorn.sock');
	const file = path.join(directory, 'app.log');
	const server = execa(gunicorn!, ['--workers', '4', '--bind', `unix:${socket}`, '--chdir', path.join(fixtures, 'gunicorn'), '--config', path.join(fixtures, 'gunicorn', 'per_worker.conf.py'), 'app:app'], {
		env: {ROTLOG: rotlogBin, ROTLOG_ARGS: `${file} --max 8K --keep 100 --compress none`, PYTHONUNBUFFERED: '1', LINES_PER_REQUEST: String(linesPerRequest)},
		reject: false,
	});
	t.teardown(() => {
		server.kill('SIGKILL');
	});
	await poll(() => fs.existsSync(socket), 'gunicorn to listen');
	const tags = await load(socket);
	server.kill('SIGTERM');
	await server;
	// The rotlog processes are the workers' children: each ends when its worker's stdout closes.
	await poll(async () => (await catLines(file)).filter(line => line.startsWith('req')).length >= requests * linesPerRequest, 'every line to land');
	await poll(() => execaSync('pgrep', ['-f', '--', `${file} --max`], {reject: false}).stdout === '', 'the per-worker rotlogs to exit');
	checkLines(t, await catLines(file), tags);
	t.true(fs.existsSync(`${file}.1`), 'rotated at least once');
});

(python === undefined ? test.skip : test)('RotatingFileHandler in 4 processes loses lines; 4 rotlogs keep every one', async t => {
	const script = path.join(fixtures, 'python', 'rotating.py');
	const count = 2500;
	// RotatingFileHandler: each process rotates by its own idea of the size, renaming files the others
	// still write, so lines vanish; how many varies from run to run.
	const attempts: string[] = [];
	for (let attempt = 0; attempt < 3; attempt++) {
		const directory = await tempDir(t);
		const result = await execa(python!, [script, 'handler', path.join(directory, 'app.log'), '4', String(count)], {reject: false});
		t.is(result.exitCode, 0, result.stderr.slice(0, 500));
		const [found, written] = result.stdout.trim().split(' ').map(Number);
		attempts.push(`${written! - found!} of ${written} lost`);
		if (found! < written!) {
			break;
		}
	}

	t.log(`RotatingFileHandler: ${attempts.join('; ')}`);
	if (attempts.every(attempt => attempt.startsWith('0 '))) {
		t.log('RotatingFileHandler happened to lose nothing in 3 runs on this machine');
	}

	const directory = await tempDir(t);
	const result = await execa(python!, [script, 'rotlog', path.join(directory, 'app.log'), '4', '1000', process.execPath, rotlogBin]);
	const [found, written, distinct] = result.stdout.trim().split(' ').map(Number);
	t.is(found, written, 'rotlog: every line found');
	t.is(distinct, written, 'rotlog: no line twice');
	t.true(fs.readdirSync(directory).length > 10, 'rotlog rotated');
});
