// --listen: real rotlog processes and real clients (Node's net and dgram, Python's SysLogHandler,
// util-linux logger). Every wait polls a condition.
import {execFileSync, spawnSync} from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {countNewlines, linesOf, logFiles, readLog} from '../helpers/files.js';
import {checkInterleaved, numberedLines, randomBelow, seededRandom} from '../helpers/lines.js';
import {orFalse, poll} from '../helpers/poll.js';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';
import {fill, tmpfs, tmpfsProblem} from '../helpers/tmpfs.js';

// A SIGTERMed rotlog waits for its compressions; the timeout still bounds it.
const draining = {timeout: 100_000, forceKillAfterDelay: false} as const;

function isSocket(file: string): boolean {
	try {
		return fs.statSync(file).isSocket();
	} catch {
		return false;
	}
}

async function socketReady(file: string): Promise<void> {
	await poll(() => isSocket(file), `the socket ${file}`);
}

/** Connects to a Unix socket or a TCP port; resolves once connected. */
async function connect(target: string | number): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const socket = typeof target === 'string' ? net.connect(target) : net.connect(target, '127.0.0.1');
		socket.once('connect', () => {
			socket.off('error', reject);
			resolve(socket);
		});
		socket.once('error', reject);
	});
}

/**
 * Connects to the Unix socket at `socketPath` once rotlog accepts connections: the socket file
 * appears at bind(), a moment before listen(), so a refused connection is tried again (an empty
 * connection writes nothing).
 */
async function connectWhenListening(socketPath: string): Promise<net.Socket> {
	let socket: net.Socket | undefined;
	await poll(async () => {
		socket = await connect(socketPath).catch(() => undefined);
		return socket !== undefined;
	}, `a connection to ${socketPath}`);
	return socket!;
}

async function write(socket: net.Socket, bytes: string | Uint8Array): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.write(bytes, error => {
			if (error) {
				reject(error);
			} else {
				resolve();
			}
		});
	});
}

/**
 * Writes `text` in 64 KiB pieces, so that the socket's writableLength falls piece by piece as the
 * reader reads (it counts one write until all of it has gone); resolves once everything has gone.
 */
async function writeInPieces(socket: net.Socket, text: string): Promise<void> {
	const piece = 64 * 1024;
	for (let at = 0; at + piece < text.length; at += piece) {
		socket.write(text.slice(at, at + piece));
	}

	// Written in order: the last piece's callback comes when everything before it has gone too.
	return write(socket, text.slice(Math.floor((text.length - 1) / piece) * piece));
}

async function close(socket: net.Socket): Promise<void> {
	await new Promise<void>(resolve => {
		socket.end(resolve);
	});
}

/** A port that was free a moment ago (bound to 0 and closed): the kernel rarely hands it out again at once. */
async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
	if (kind === 'tcp') {
		const server = net.createServer();
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as net.AddressInfo;
		await new Promise(resolve => server.close(resolve));
		return port;
	}

	const socket = dgram.createSocket('udp4');
	await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve));
	const {port} = socket.address();
	await new Promise<void>(resolve => socket.close(resolve));
	return port;
}

function text(file: string): string {
	try {
		return fs.readFileSync(file, 'latin1');
	} catch {
		return '';
	}
}

/** The umask a child process starts with, as sh reports it. */
function childUmask(): number {
	return Number.parseInt(execFileSync('sh', ['-c', 'umask'], {encoding: 'utf8'}).trim(), 8);
}

test('unix: each connection framed on its own; NUL and newline end records; a cut record gets a newline; the socket is removed at exit', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--compress', 'none'], draining);
	await socketReady(socketPath);
	t.is(fs.statSync(socketPath).mode & 0o777, 0o660 & ~childUmask(), 'mode 0660 less the umask');
	const first = await connect(socketPath);
	const second = await connect(socketPath);
	// Each connection's partial record must wait for its own end, whatever the other sends meanwhile.
	await write(first, 'one-start ');
	await write(second, 'two-a\0two-b\ntwo-partial ');
	await write(first, 'one-end\0');
	await write(second, 'two-end\n');
	await write(first, 'cut by close');
	await close(first);
	await close(second);
	await poll(() => text(file).split('\n').length > 5, 'five lines');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stderr, '');
	t.deepEqual(text(file).split('\n').sort(), ['', 'cut by close', 'one-start one-end', 'two-a', 'two-b', 'two-partial two-end'].sort());
	t.false(fs.existsSync(socketPath), 'the socket file is removed at exit');
});

test('Python SysLogHandler on a stream socket with --syslog: one line per record, priority and NUL gone', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--syslog', '--compress', 'none'], draining);
	await socketReady(socketPath);
	const script = `
import logging, logging.handlers, socket, sys
handler = logging.handlers.SysLogHandler(address=sys.argv[1], socktype=socket.SOCK_STREAM)
handler.setFormatter(logging.Formatter('%(name)s %(levelname)s %(message)s'))
log = logging.getLogger('app')
log.addHandler(handler)
log.setLevel(logging.DEBUG)
for i in range(500):
    log.warning('record %d with <13> inside', i)
log.error('caf\\u00e9 multi\\nline')
handler.close()
# No socktype, as gunicorn's unix:// gives it: a datagram socket is tried first, then a stream one.
fallback = logging.handlers.SysLogHandler(address=sys.argv[1])
fallback.setFormatter(handler.formatter)
log.removeHandler(handler)
log.addHandler(fallback)
log.info('fell back to a stream')
fallback.close()
`;
	const python = await execa('python3', ['-c', script, socketPath], {reject: false});
	t.is(python.exitCode, 0, python.stderr);
	const expected = [...Array.from({length: 500}, (_, i) => `app WARNING record ${i} with <13> inside`), 'app ERROR café multi', 'line', 'app INFO fell back to a stream'];
	await poll(() => text(file).split('\n').length > expected.length, 'every record');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(fs.readFileSync(file, 'utf8').split('\n').slice(0, -1), expected);
});

// Without util-linux's logger on PATH the test is skipped (and counted as skipped).
const withLogger = spawnSync('logger', ['--help']).status === 0 ? test : test.skip;

withLogger('util-linux logger: -u to a unix: socket and --tcp to a tcp: port, with --syslog', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const port = await freePort('tcp');
	const writer = rotlog([file, '--listen', `tcp:${port}`, '--listen', `unix:${socketPath}`, '--syslog', '--tag', '--compress', 'none'], draining);
	await socketReady(socketPath);
	// logger -u tries a datagram socket first and falls back to a stream one: rotlog's.
	const viaUnix = await execa('logger', ['--socket-errors=on', '-u', socketPath, '--rfc3164', '-t', 'job', 'via unix'], {reject: false});
	t.is(viaUnix.exitCode, 0, viaUnix.stderr);
	const viaTcp = await execa('logger', ['-T', '-n', '127.0.0.1', '-P', String(port), '--rfc3164', '-t', 'job', 'via tcp'], {reject: false});
	t.is(viaTcp.exitCode, 0, viaTcp.stderr);
	await poll(() => text(file).split('\n').length > 2, 'both lines');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	const lines = text(file).split('\n').slice(0, -1).sort();
	t.is(lines.length, 2);
	// RFC 3164 after the priority: a time stamp, the host (logger -u leaves it out), the tag.
	t.regex(lines[0]!, new RegExp(`^tcp:127\\.0\\.0\\.1:${port}#1 [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ job: via tcp$`));
	t.regex(lines[1]!, new RegExp(`^unix:${socketPath.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}#1 [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (\\S+ )?job: via unix$`));
	t.log('unixgram: is refused (see docs/design.md), so logger -u is tested on its stream fallback');
});

test('64 connections with lines up to 1 MiB in random chunks, and a pipe writer on the same FILE: every line once, whole, in order', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const common = ['--max', '8M', '--keep', '1000', '--compress', 'none'];
	const listener = rotlog([file, '--listen', `unix:${socketPath}`, ...common], draining);
	const pipeLines = numberedLines('pipe', 100_000);
	const piped = rotlog([file, ...common], {input: pipeLines});
	await socketReady(socketPath);
	const connections = 64;
	const perConnection = 30;
	/** Line `seq` of connection `c`: its length and its fill letter depend on both. */
	const lineOf = (c: number, seq: number, random: () => number): string => {
		const long = random() < 0.06;
		const length = long ? 1 + randomBelow(random, 1024 * 1024 - 40) : 1 + randomBelow(random, 3000);
		return `c${c}-${seq}-${length}-${'abcdefghijklmnopqrstuvwxyz'.charAt((c * 31 + seq) % 26).repeat(length)}`;
	};

	const expected = new Map<string, number>();
	await Promise.all(Array.from({length: connections}, async (_, c) => {
		const random = seededRandom(1000 + c);
		const lines: string[] = [];
		for (let seq = 0; seq < perConnection; seq++) {
			lines.push(lineOf(c, seq, random));
		}

		expected.set(`c${c}`, perConnection);
		const bytes = Buffer.from(lines.join('\n') + '\n', 'latin1');
		const socket = await connect(socketPath);
		for (let at = 0; at < bytes.length;) {
			const size = 1 + randomBelow(random, random() < 0.5 ? 300 : 200_000);
			await write(socket, bytes.subarray(at, at + size));
			at += size;
		}

		await close(socket);
	}));
	const pipeResult = await piped;
	t.is(pipeResult.exitCode, 0, pipeResult.stderr);
	await poll(() => countNewlines(file) === 100_000 + connections * perConnection, 'every line', 100_000, 50);
	listener.kill('SIGTERM');
	const result = await listener;
	t.is(result.exitCode, 0, result.stderr);
	const lines = linesOf(readLog(file));
	const socketLines = lines.filter(line => line.startsWith('c'));
	const seen = new Map<string, number>();
	const problems: string[] = [];
	for (const line of socketLines) {
		const match = /^c(\d+)-(\d+)-(\d+)-([a-z]*)$/.exec(line);
		const c = Number(match?.[1]);
		const seq = Number(match?.[2]);
		const letter = 'abcdefghijklmnopqrstuvwxyz'.charAt((c * 31 + seq) % 26);
		const next = seen.get(`c${c}`) ?? 0;
		if (!match || seq !== next || match[4]!.length !== Number(match[3]) || match[4] !== letter.repeat(match[4]!.length)) {
			problems.push(`bad line ${JSON.stringify(line.slice(0, 60))} (${line.length} bytes)`);
			continue;
		}

		seen.set(`c${c}`, next + 1);
	}

	t.deepEqual(problems.slice(0, 5), []);
	t.deepEqual([...seen].sort(), [...expected].sort());
	const pipe = checkInterleaved(lines.filter(line => !line.startsWith('c')), ['pipe']);
	t.deepEqual(pipe.problems, []);
	t.is(pipe.seen.get('pipe'), 100_000);
	t.true(logFiles(file).length > 3, 'rotations happened while both wrote');
});

test('udp: one datagram, one record; trailing newline or NUL dropped, inner newlines kept as lines; every datagram counted', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'ready.sock');
	const port = await freePort('udp');
	// The unix: socket is opened after the udp: one: once it exists, the datagram socket is bound.
	const writer = rotlog([file, '--listen', `udp:${port}`, '--listen', `unix:${socketPath}`, '--syslog', '--compress', 'none'], draining);
	await socketReady(socketPath);
	const client = dgram.createSocket('udp4');
	const send = async (message: string) => new Promise<void>((resolve, reject) => {
		client.send(Buffer.from(message), port, '127.0.0.1', error => {
			if (error) {
				reject(error);
			} else {
				resolve();
			}
		});
	});
	await send('<13>first\n');
	await send('second\0');
	await send('<14>multi\nline');
	const total = 600;
	// In batches that the socket buffer holds for certain: the kernel drops what does not fit.
	for (let batch = 0; batch < total / 50; batch++) {
		for (let i = batch * 50; i < (batch + 1) * 50; i++) {
			await send(`<30>datagram ${i}`);
		}

		await poll(() => text(file).includes(`datagram ${(batch + 1) * 50 - 1}\n`), `batch ${batch}`);
	}

	client.close();
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	const lines = text(file).split('\n').slice(0, -1);
	t.deepEqual(lines.slice(0, 4), ['first', 'second', 'multi', 'line']);
	t.deepEqual(lines.slice(4), Array.from({length: total}, (_, i) => `datagram ${i}`));
});

test('a stale socket file is replaced; a live one, a bound datagram socket, or a file that is no socket, is an error and left alone', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	// A socket nobody listens on: what a rotlog killed with SIGKILL leaves.
	execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', socketPath]);
	t.true(isSocket(socketPath));
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--compress', 'none'], draining);
	await poll(async () => connect(socketPath).then(socket => {
		socket.destroy();
		return true;
	}, () => false), 'rotlog listening in place of the stale socket');
	const inode = fs.statSync(socketPath).ino;
	const second = await rotlog([file, '--listen', `unix:${socketPath}`]);
	t.is(second.exitCode, 1);
	t.is(second.stderr, `rotlog: cannot listen on 'unix:${socketPath}': another process is listening on it\n`);
	t.is(fs.statSync(socketPath).ino, inode, 'the live socket is untouched');
	const socket = await connect(socketPath);
	await write(socket, 'still served\n');
	await close(socket);
	await poll(() => text(file) === 'still served\n', 'the line');
	writer.kill('SIGTERM');
	t.is((await writer).exitCode, 0);

	// A datagram socket that a live process holds bound, as a syslog daemon holds /dev/log.
	const datagramPath = path.join(directory, 'dev-log');
	const daemon = execa('python3', ['-c', 'import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); print("bound", flush=True); sys.stdin.read()', datagramPath], {stdin: 'pipe'});
	await new Promise(resolve => daemon.stdout.once('data', resolve));
	const datagramInode = fs.statSync(datagramPath).ino;
	const bound = await rotlog([file, '--listen', `unix:${datagramPath}`]);
	t.is(bound.exitCode, 1);
	t.is(bound.stderr, `rotlog: cannot listen on 'unix:${datagramPath}': another process has bound it as a datagram socket\n`);
	t.is(fs.statSync(datagramPath).ino, datagramInode, 'the bound datagram socket is untouched');
	daemon.stdin.end();
	await daemon;

	const regular = path.join(directory, 'not-a-socket');
	fs.writeFileSync(regular, 'precious\n');
	const refused = await rotlog([file, '--listen', `unix:${regular}`]);
	t.is(refused.exitCode, 1);
	t.is(refused.stderr, `rotlog: cannot listen on 'unix:${regular}': it is a regular file, not a socket (rotlog removes only a stale socket)\n`);
	t.is(fs.readFileSync(regular, 'utf8'), 'precious\n');
});

test('--socket-mode is the exact mode; usage errors: unixgram:, options that need --listen, FILE as a socket', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--socket-mode', '0606'], draining);
	await socketReady(socketPath);
	await poll(() => (fs.statSync(socketPath).mode & 0o777) === 0o606, 'mode 0606');
	writer.kill('SIGTERM');
	t.is((await writer).exitCode, 0);

	const refusedFile = path.join(directory, 'refused.log');
	const cases: Array<[string[], string]> = [
		[['--listen', 'unixgram:/dev/log'], 'rotlog: invalid --listen \'unixgram:/dev/log\': Unix datagram sockets are not supported (Node.js has none); use unix:PATH, which logger -u and Python\'s SysLogHandler fall back to, or udp:PORT\n'],
		[['--syslog'], 'rotlog: invalid --syslog: needs --listen\n'],
		[['--max-record', '4K'], 'rotlog: invalid --max-record: needs --listen\n'],
		[['--listen', 'udp:5140', '--socket-mode', '0600'], 'rotlog: invalid --socket-mode: needs --listen unix:PATH\n'],
		[['--listen', `unix:${refusedFile}`], `rotlog: invalid --listen 'unix:${refusedFile}': it is the log file\n`],
		[['--listen', 'tcp:99999'], 'rotlog: invalid --listen \'tcp:99999\': port \'99999\' is not a number from 1 to 65535\n'],
	];
	for (const [args, stderr] of cases) {
		const result = await rotlog([refusedFile, ...args], {input: 'x\n'});
		t.is(result.exitCode, 2, args.join(' '));
		t.is(result.stderr, stderr);
	}

	t.false(fs.existsSync(refusedFile), 'nothing written by a refused command line');
});

test('--max-record cuts a longer record into lines, says so once, and counts the cuts at exit', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--max-record', '4K', '--compress', 'none'], draining);
	await socketReady(socketPath);
	const socket = await connect(socketPath);
	const long = 'x'.repeat(10_000);
	await write(socket, `short\n${long}\n${'y'.repeat(4096)}\n${long}`);
	await close(socket);
	await poll(() => text(file).split('\n').length > 8, 'the cut lines');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0);
	t.deepEqual(text(file).split('\n').map(line => line.length), [5, 4096, 4096, 1808, 4096, 4096, 4096, 1808, 0]);
	t.is(result.stderr, `rotlog: a record on unix:${socketPath}#1 is longer than --max-record (4096 bytes): cut into lines of at most that length; the cuts are counted at exit\nrotlog: 2 records longer than --max-record (4096 bytes) cut into several lines\n`);
});

test('--tag: stdin, a FIFO, a connection and UDP in one FILE, each line with its source', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const fifo = path.join(directory, 'in.fifo');
	const port = await freePort('udp');
	const writer = rotlog([file, '--tag', '--stdin', '--fifo', fifo, '--listen', `udp:${port}`, '--listen', `unix:${socketPath}`, '--compress', 'none'], {...draining, stdin: 'pipe'});
	await socketReady(socketPath);
	writer.stdin.end('from stdin\nno newline');
	fs.writeFileSync(fifo, 'from the fifo\n');
	const socket = await connect(socketPath);
	await write(socket, 'from a connection\n');
	await close(socket);
	const client = dgram.createSocket('udp4');
	await new Promise(resolve => client.send('from udp\n', port, '127.0.0.1', resolve));
	client.close();
	await poll(() => text(file).split('\n').length > 5, 'five lines');
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(text(file).split('\n').slice(0, -1).sort(), [
		`${fifo} from the fifo`,
		'stdin from stdin',
		'stdin no newline',
		`udp:127.0.0.1:${port} from udp`,
		`unix:${socketPath}#1 from a connection`,
	].sort());
});

// Back-pressure by pausing, through the fault seam (the disk "full" for a few writes), so that it is
// tested where no tmpfs can be mounted too: the connection must stop being read (its sender waits)
// rather than rotlog buffering what it sends.
test('while FILE cannot be written, connections are not read, and afterwards every line is there once', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const socketPath = path.join(directory, 'log.sock');
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--compress', 'none'], {...draining, env: {ROTLOG_TEST_FAULTS: 'write=ENOSPC*6'}});
	let stderr = '';
	writer.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	await socketReady(socketPath);
	const socket = await connectWhenListening(socketPath);
	const data = numberedLines('s', 400_000);
	const sent = writeInPieces(socket, data);
	await poll(() => stderr.includes('no space left on device'), 'the full disk');
	t.true(socket.writableLength > data.length / 2, `rotlog read ${data.length - socket.writableLength} bytes while it could not write`);
	await sent;
	await close(socket);
	await poll(() => text(file).length === data.length, 'every line', 100_000, 50);
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	t.is(text(file), data);
});

const noTmpfs = tmpfsProblem();
const onTmpfs = noTmpfs === undefined ? test : test.skip;

onTmpfs(`a real full tmpfs, --on-full block: connections stop being read, and once space returns every line is there once, whole, in order${noTmpfs === undefined ? '' : ` (skipped: ${noTmpfs})`}`, async t => {
	const directory = await tmpfs(t, '32m');
	const file = path.join(directory, 'app.log');
	// The socket file outside the full file system: FILE is the one that cannot be written.
	const socketPath = path.join(await tempDir(t), 'log.sock');
	const filler = fill(directory, 64 * 1024);
	const writer = rotlog([file, '--listen', `unix:${socketPath}`, '--on-full', 'block', '--compress', 'none'], draining);
	let stderr = '';
	writer.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	await socketReady(socketPath);
	const names = ['c0', 'c1', 'c2', 'c3'];
	// 2.4 MB each: ten times what a Unix stream socket's buffers hold, so most of it waits in the sender.
	const data = names.map(name => numberedLines(name, 60_000));
	const sockets = await Promise.all(names.map(async () => connectWhenListening(socketPath)));
	const sent = sockets.map(async (socket, c) => writeInPieces(socket, data[c]!));
	await poll(() => stderr.includes('no space left on device'), 'the full disk');

	// While full, rotlog reads nothing: what the senders hold stops falling. A reader that went on
	// reading would empty them within milliseconds, so still for 300 ms means stopped.
	const unread = () => sockets.map(socket => socket.writableLength);
	let last = '';
	let stillSince = Date.now();
	await poll(() => {
		const now = unread().join(' ');
		if (now !== last) {
			last = now;
			stillSince = Date.now();
		}

		return Date.now() - stillSince >= 300;
	}, 'the senders to be held back');
	t.log(`unread while FILE was full: ${unread().join(', ')} of ${data[0]!.length} bytes per connection`);
	for (const [c, held] of unread().entries()) {
		t.true(held > data[c]!.length / 2, `rotlog read ${data[c]!.length - held} of ${data[c]!.length} bytes of ${names[c]!} while FILE was full`);
	}

	const before = fs.readFileSync(file);
	t.true(before.length === 0 || before.at(-1) === 0x0a, 'no partial line in FILE while it is full');
	t.deepEqual(checkInterleaved(linesOf(before), names).problems, [], 'what FILE holds so far is whole and in order');

	fs.rmSync(filler);
	await Promise.all(sent);
	await Promise.all(sockets.map(async socket => close(socket)));
	const total = names.length * 60_000;
	await poll(orFalse(() => linesOf(readLog(file)).length === total), 'every line', 60_000, 50);
	writer.kill('SIGTERM');
	const result = await writer;
	t.is(result.exitCode, 0, result.stderr);
	const {problems, seen} = checkInterleaved(linesOf(readLog(file)), names);
	t.deepEqual(problems, []);
	t.deepEqual([...seen.values()], names.map(() => 60_000), 'every line of every connection once');
	t.regex(result.stderr, /^rotlog: cannot write to '.*app\.log': no space left on device[^\n]*\n$/, 'one line for the episode');
});
