// SIGUSR1 makes Node open its inspector (a debugger on 127.0.0.1:9229 that runs any code sent to
// it) unless a listener takes the signal. A root writer must never be left listening, however
// early the signals come: a burst from start-up on must leave no listening socket behind.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {rotlogBin} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** The TCP sockets process `pid` listens on (from /proc: its socket inodes in LISTEN state). */
function listeningSockets(pid: number): number {
	const inodes = new Set<string>();
	let fds: string[];
	try {
		fds = fs.readdirSync(`/proc/${pid}/fd`);
	} catch {
		return 0;
	}

	for (const fd of fds) {
		try {
			const match = /^socket:\[(\d+)]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
			if (match) {
				inodes.add(match[1]!);
			}
		} catch {
			// Closed meanwhile.
		}
	}

	let count = 0;
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			// Field 3 is the state (0A: LISTEN), field 9 the inode.
			if (fields[3] === '0A' && inodes.has(fields[9]!)) {
				count++;
			}
		}
	}

	return count;
}

type Run = {killedBySignal: boolean; listeningAfterStart: boolean; stderr: string};

/**
 * Starts a writer and sends it SIGUSR1 every millisecond from `delay` ms after spawn, for 300 ms.
 * Once the burst is over and the writer has opened FILE (rotlog's own code runs), and a little
 * more (the inspector may start at the next turn of the event loop), looks for listening
 * sockets; then ends the input.
 */
async function burst(file: string, delay: number): Promise<Run> {
	const child = spawn(process.execPath, [rotlogBin, file, '--compress', 'none'], {stdio: ['pipe', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', (data: Buffer) => {
		stderr += data.toString();
	});
	let running = true;
	const exited = new Promise<NodeJS.Signals | null>(resolve => {
		child.on('exit', (_code, signal) => {
			running = false;
			resolve(signal);
		});
	});
	const start = Date.now();
	let opened: number | undefined;
	let listeningAfterStart = false;
	const timer = setInterval(() => {
		const now = Date.now();
		if (now - start >= delay && now - start < delay + 300) {
			child.kill('SIGUSR1');
			return;
		}

		if (now - start < delay + 300 || !running) {
			return;
		}

		opened ??= fs.existsSync(file) ? now : undefined;
		if (opened !== undefined && now - opened >= 200) {
			clearInterval(timer);
			listeningAfterStart = listeningSockets(child.pid!) > 0;
			child.stdin.end();
		}
	}, 1);
	const signal = await exited;
	clearInterval(timer);
	return {killedBySignal: signal === 'SIGUSR1', listeningAfterStart, stderr};
}

test('a burst of SIGUSR1 at start-up never leaves the inspector listening', async t => {
	const directory = await tempDir(t);
	let survived = 0;
	// Bursts that begin at spawn and later, so that some land in Node's start-up, some in
	// rotlog's module loading and some after the write mode took SIGUSR1 for itself.
	// A loaded machine starts Node more slowly, and more runs end by the first signals: go on
	// until enough have lived through a burst.
	for (let run = 0; run < 40 && survived < 8; run++) {
		const result = await burst(path.join(directory, `app${run}.log`), run * 8);
		// Before Node installs its own handler, SIGUSR1's default action ends the process: no harm.
		if (result.killedBySignal) {
			continue;
		}

		survived++;
		t.false(result.listeningAfterStart, `run ${run}: a socket listening after start-up; stderr: ${result.stderr}`);
	}

	t.true(survived >= 8, `only ${survived} runs outlived the first signals`);
});
