// The producers group: many producers, one log, two ways. Each producer piped into its own rotlog
// writer (a Node process per producer), against one rotlog listening on a Unix socket that every
// producer connects to. Reports lines/s (from the first producer's start to the last line on
// disk) and the rotlog processes' peak RSS (VmHWM from /proc, summed over the writers), and
// checks that every line landed exactly once, in order per producer.
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {GroupContext, Section} from './group.js';
import {sampleRss} from './measure.js';

/** A producer: `count` lines of about 100 bytes, to stdout or to a Unix socket. */
const producerScript = `
const net = require('node:net');
const [id, count, socket] = process.argv.slice(1);
const pad = 'x'.repeat(80);
let text = '';
for (let n = 0; n < Number(count); n++) text += id + '-' + n + ' ' + pad + '\\n';
const out = socket ? net.connect(socket) : process.stdout;
out.end(text);
`;

const policy = ['--max', '64M', '--keep', '1000', '--compress', 'none'];

async function exited(child: ChildProcess): Promise<number | null> {
	return new Promise(resolve => {
		child.on('close', code => {
			resolve(code);
		});
	});
}

async function pause(milliseconds: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, milliseconds);
	});
}

/** Lines in FILE and its archives, and whether each producer's lines are all there once, in order. */
function verify(directory: string, expected: number): {count: number; ok: boolean} {
	const next = new Map<string, number>();
	let count = 0;
	let ok = true;
	// Oldest archive first (the highest number), FILE last.
	const names = fs.readdirSync(directory).filter(name => name.startsWith('app.log') && !name.endsWith('.lock'))
		.sort((a, b) => (Number(/\.(\d+)$/.exec(b)?.[1] ?? 0) - Number(/\.(\d+)$/.exec(a)?.[1] ?? 0)));
	for (const name of names) {
		for (const line of fs.readFileSync(path.join(directory, name), 'latin1').split('\n')) {
			if (line.length === 0) {
				continue;
			}

			const [id = '', number] = (line.split(' ')[0] ?? '').split('-');
			const want = next.get(id) ?? 0;
			ok &&= Number(number) === want;
			next.set(id, want + 1);
			count++;
		}
	}

	return {count, ok: ok && count === expected};
}

type Outcome = {seconds: number; rssKiB: number; failure: string | undefined};

async function pipes(context: GroupContext, directory: string, producers: number, lines: number): Promise<Outcome> {
	const start = process.hrtime.bigint();
	const writers: ChildProcess[] = [];
	for (let id = 0; id < producers; id++) {
		const producer = spawn(context.node, ['-e', producerScript, `p${id}`, String(lines)], {stdio: ['ignore', 'pipe', 'inherit']});
		writers.push(spawn(context.node, [context.rotlog, path.join(directory, 'app.log'), ...policy], {stdio: [producer.stdout!, 'ignore', 'inherit']}));
	}

	const sampler = sampleRss(() => writers.map(writer => writer.pid));
	const codes = await Promise.all(writers.map(async writer => exited(writer)));
	const peaks = sampler.stop();
	const failed = codes.filter(code => code !== 0).length;
	return {
		seconds: Number(process.hrtime.bigint() - start) / 1e9,
		rssKiB: [...peaks.values()].reduce((sum, peak) => sum + peak, 0),
		failure: failed === 0 ? undefined : `${failed} writer(s) exited with a failure`,
	};
}

async function socket(context: GroupContext, directory: string, producers: number, lines: number): Promise<Outcome> {
	const address = path.join(directory, 'log.sock');
	const listener = spawn(context.node, [context.rotlog, path.join(directory, 'app.log'), '--listen', `unix:${address}`, ...policy], {stdio: ['ignore', 'ignore', 'inherit']});
	while (!fs.existsSync(address) && listener.exitCode === null) {
		await pause(10);
	}

	const start = process.hrtime.bigint();
	const sampler = sampleRss(() => [listener.pid]);
	const children = Array.from({length: producers}, (_, id) => spawn(context.node, ['-e', producerScript, `p${id}`, String(lines), address], {stdio: 'inherit'}));
	await Promise.all(children.map(async child => exited(child)));
	// Every line on disk: the listener has read and written what the producers sent.
	const expected = producers * lines;
	const deadline = performance.now() + 600_000;
	while (verify(directory, expected).count < expected && performance.now() < deadline && listener.exitCode === null) {
		await pause(10);
	}

	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const rssKiB = sampler.stop().get(listener.pid!) ?? 0;
	listener.kill('SIGTERM');
	const code = await exited(listener);
	return {seconds, rssKiB, failure: code === 0 ? undefined : `the listener exited with ${code}`};
}

export async function producersGroup(context: GroupContext, producers: number, lines: number): Promise<Section> {
	const rows: string[] = [];
	const problems: string[] = [];
	const results: Array<{name: string; linesPerSecond: number; rssKiB: number}> = [];
	for (const [name, run] of [['a rotlog writer per producer (pipes)', pipes], ['one rotlog, `--listen unix:`', socket]] as const) {
		const directory = path.join(context.scratch, `producers-${results.length}`);
		fs.mkdirSync(directory);
		const outcome = await run(context, directory, producers, lines);
		const {count, ok} = verify(directory, producers * lines);
		const linesPerSecond = count / outcome.seconds;
		results.push({name, linesPerSecond, rssKiB: outcome.rssKiB});
		const checked = ok && outcome.failure === undefined;
		if (!checked) {
			problems.push(`${name}: ${[outcome.failure, ok ? undefined : `${count} of ${producers * lines} lines, or not once each in order`].filter(Boolean).join('; ')}`);
		}

		rows.push(`| ${name} | ${Math.round(linesPerSecond).toLocaleString('en')} | ${outcome.seconds.toFixed(2)} | ${(outcome.rssKiB / 1024).toFixed(0)} | ${checked ? 'yes: every line once, in order per producer' : '**NO**'} |`);
		context.progress(`producers: ${name}: ${outcome.seconds.toFixed(2)} s`);
		fs.rmSync(directory, {recursive: true, force: true});
	}

	const [each, one] = results;
	const comparison = each === undefined || one === undefined || one.rssKiB === 0
		? []
		: [`- one listener against a writer per producer: ${(one.linesPerSecond / each.linesPerSecond).toFixed(2)}x the lines/s, ${(each.rssKiB / one.rssKiB).toFixed(1)}x less memory`];
	return {
		failed: problems.length > 0,
		lines: [
			'',
			'### Producers',
			'',
			`- ${producers} producers (node) of ${lines} lines of about 100 bytes each into one log, \`${policy.join(' ')}\`; one run of each setup`,
			'- lines/s: from the first producer\'s start until the last line is on disk; peak RSS: VmHWM of every rotlog process, read from /proc every 20 ms, summed',
			'',
			'| setup | lines/s | wall s | rotlog peak RSS MiB, in all | checked |',
			'|---|---:|---:|---:|---|',
			...rows,
			'',
			...comparison,
			...problems.map(problem => `- CHECK FAILED: ${problem}`),
		],
	};
}
