// `npm run bench:producers [-- --producers 16 --lines 100000]`
//
// Many producers, one log, two ways: each producer piped into its own rotlog writer (a Node
// process per producer), against one rotlog listening on a Unix socket that every producer
// connects to. Reports lines/s (from the first producer's start to the last line on disk) and
// the rotlog processes' summed peak RSS (VmHWM, read from /proc just before they exit), and
// checks that every line landed exactly once.
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rotlogBin = path.join(root, 'bin', 'rotlog');

const {values} = parseArgs({options: {producers: {type: 'string', default: '16'}, lines: {type: 'string', default: '100000'}}});
const producers = Number(values.producers);
const lines = Number(values.lines);

/** A producer: `lines` lines of about 100 bytes, to stdout or to a Unix socket. */
const producerScript = `
const net = require('node:net');
const [id, count, socket] = process.argv.slice(1);
const pad = 'x'.repeat(80);
let text = '';
for (let n = 0; n < Number(count); n++) text += id + '-' + n + ' ' + pad + '\\n';
const out = socket ? net.connect(socket) : process.stdout;
out.end(text);
`;

/** Peak RSS of a live process in KiB (VmHWM), or 0 when it is gone. */
function peakRss(pid: number | undefined): number {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
	} catch {
		return 0;
	}
}

async function exited(child: ChildProcess): Promise<number | null> {
	return new Promise(resolve => {
		child.on('close', code => {
			resolve(code);
		});
	});
}

/** Lines in FILE and its archives, and whether each producer's lines are all there once, in order. */
function verify(directory: string): {count: number; ok: boolean} {
	const next = new Map<string, number>();
	let count = 0;
	let ok = true;
	const names = fs.readdirSync(directory).filter(name => name.startsWith('app.log') && !name.endsWith('.lock'))
		.sort((a, b) => (Number(/\.(\d+)$/.exec(b)?.[1] ?? 0) - Number(/\.(\d+)$/.exec(a)?.[1] ?? 0)));
	for (const name of names) {
		for (const line of fs.readFileSync(path.join(directory, name), 'latin1').split('\n')) {
			if (line.length === 0) {
				continue;
			}

			const [id, number] = line.split(' ')[0]!.split('-');
			const expected = next.get(id!) ?? 0;
			ok &&= Number(number) === expected;
			next.set(id!, expected + 1);
			count++;
		}
	}

	return {count, ok: ok && count === producers * lines};
}

async function pipes(directory: string): Promise<{seconds: number; rssKiB: number}> {
	const start = process.hrtime.bigint();
	const writers: Array<{rotlog: ChildProcess; peak: number}> = [];
	for (let id = 0; id < producers; id++) {
		const producer = spawn(process.execPath, ['-e', producerScript, `p${id}`, String(lines)], {stdio: ['ignore', 'pipe', 'inherit']});
		const rotlog = spawn(process.execPath, [rotlogBin, path.join(directory, 'app.log'), '--max', '64M', '--keep', '1000', '--compress', 'none'], {stdio: [producer.stdout!, 'ignore', 'inherit']});
		writers.push({rotlog, peak: 0});
	}

	const sampler = setInterval(() => {
		for (const writer of writers) {
			writer.peak = Math.max(writer.peak, peakRss(writer.rotlog.pid));
		}
	}, 20);
	await Promise.all(writers.map(async writer => exited(writer.rotlog)));
	clearInterval(sampler);
	return {seconds: Number(process.hrtime.bigint() - start) / 1e9, rssKiB: writers.reduce((sum, writer) => sum + writer.peak, 0)};
}

async function socket(directory: string): Promise<{seconds: number; rssKiB: number}> {
	const address = path.join(directory, 'log.sock');
	const file = path.join(directory, 'app.log');
	const listener = spawn(process.execPath, [rotlogBin, file, '--listen', `unix:${address}`, '--max', '64M', '--keep', '1000', '--compress', 'none'], {stdio: ['ignore', 'ignore', 'inherit']});
	while (!fs.existsSync(address)) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	const start = process.hrtime.bigint();
	let peak = 0;
	const sampler = setInterval(() => {
		peak = Math.max(peak, peakRss(listener.pid));
	}, 20);
	const children = Array.from({length: producers}, (_, id) => spawn(process.execPath, ['-e', producerScript, `p${id}`, String(lines), address], {stdio: 'inherit'}));
	await Promise.all(children.map(async child => exited(child)));
	// Every line on disk: the listener has read and written what the producers sent.
	const expected = producers * lines;
	while (verify(directory).count < expected) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	peak = Math.max(peak, peakRss(listener.pid));
	clearInterval(sampler);
	listener.kill('SIGTERM');
	await exited(listener);
	return {seconds, rssKiB: peak};
}

const rows: string[] = [];
for (const [name, run] of [['a rotlog per producer (pipes)', pipes], ['one rotlog, --listen unix:', socket]] as const) {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-bench-producers-'));
	try {
		const {seconds, rssKiB} = await run(directory);
		const {count, ok} = verify(directory);
		rows.push(`| ${name} | ${Math.round(count / seconds).toLocaleString('en')} | ${(rssKiB / 1024).toFixed(0)} | ${ok ? 'every line once, in order' : 'LINES LOST OR OUT OF ORDER'} |`);
		if (!ok) {
			process.exitCode = 1;
		}
	} finally {
		fs.rmSync(directory, {recursive: true, force: true});
	}
}

process.stdout.write(`${producers} producers x ${lines} lines of about 100 bytes, --compress none\n\n| setup | lines/s | rotlog peak RSS, MiB in all | check |\n|---|---:|---:|---|\n${rows.join('\n')}\n`);
