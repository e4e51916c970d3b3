// The pool of compression children of one process: long-lived child processes (child.ts), at
// most one per core on the host (slots.ts), fed one archive at a time over their stdin, each
// job's status line read back from their stdout. It only runs children; which archives of which
// log go to it, and when, is the compressor's (compressor.ts). Kept apart so that one `rotlog
// check` over many logs shares one pool between the logs' compressors.
import fs from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import type {ChildProcess} from 'node:child_process';
import {systemReason} from '../errors.js';
import {compressionNiceness, type Job} from './protocol.js';
import {slotCount, takeSlot} from './slots.js';

/** How often the pool tries again for a host slot while every slot is held. */
const retryMs = 100;

const childScript = fileURLToPath(new URL('child.js', import.meta.url));

/**
 * --expose-gc: the child collects after each archive and every 8 MiB within one (gzip-blocks.ts),
 * so its peak memory stays near an idle Node's: 55 MB with a 100 MiB archive, against 80-84 MB
 * before. --max-semi-space-size=1 and UV_THREADPOOL_SIZE=1 made no difference there.
 */
const childFlags = ['--expose-gc'];

/** Called with the child's status line for a job, or undefined and why when the child died first. */
export type Settle = (line: string | undefined, why?: string) => void;

type Task = {job: Job; settle: Settle};

/** A compression child: long-lived while there is work, one archive at a time. */
type Child = {process: ChildProcess; task: Task | undefined; ending: boolean};

/**
 * The compression children of one process, shared by every log it compresses (one `rotlog check`
 * over many logs pays Node's start-up once). A child is fed archives one at a time over its stdin
 * while any wait, and told to end when none do (after `linger` ms: a check moving on to the next
 * log keeps it). A child starts only with a host slot (slots.ts): while none is free, tasks wait
 * and the pool tries again every 100 ms.
 */
export class ChildPool {
	readonly concurrency: number;
	private readonly children = new Set<Child>();
	private readonly waiting: Task[] = [];
	private retry: NodeJS.Timeout | undefined;
	private lingering: NodeJS.Timeout | undefined;
	private spawn: typeof import('node:child_process').spawn | undefined;
	private split2: typeof import('split2') | undefined;
	private stopped = false;

	constructor(private readonly linger = 0, concurrency = slotCount()) {
		this.concurrency = Math.max(1, concurrency);
	}

	/** Compresses `job` in a child; `settle` hears the outcome. */
	async submit(job: Job, settle: Settle): Promise<void> {
		// Loaded with the first archive: a writer that never rotates never loads them.
		this.spawn ??= (await import('node:child_process')).spawn;
		this.split2 ??= (await import('split2')).default;
		if (this.stopped) {
			settle(undefined, 'stopped');
			return;
		}

		this.waiting.push({job, settle});
		this.pump();
	}

	/** Kills the children at once (their temps become orphans, which recovery removes); resolves once they are gone. */
	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.retry);
		clearTimeout(this.lingering);
		for (const task of this.waiting.splice(0)) {
			task.settle(undefined, 'stopped');
		}

		const exits = [...this.children].map(async child => new Promise<void>(resolve => {
			child.process.once('close', () => {
				resolve();
			});
			child.process.kill('SIGKILL');
		}));
		await Promise.all(exits);
	}

	/** Tells every child to end once its archive is done. */
	close(): void {
		clearTimeout(this.retry);
		clearTimeout(this.lingering);
		for (const child of this.children) {
			this.end(child);
		}
	}

	private pump(): void {
		clearTimeout(this.lingering);
		let starved = false;
		while (this.waiting.length > 0) {
			let child = [...this.children].find(each => each.task === undefined && !each.ending);
			if (child === undefined && this.children.size < this.concurrency) {
				const started = this.startChild();
				starved = started === 'no slot';
				child = typeof started === 'string' ? undefined : started;
			}

			if (child === undefined) {
				break;
			}

			this.send(child, this.waiting.shift()!);
		}

		if (starved && this.retry === undefined) {
			// Every slot is held, by this host's other compressors: try again shortly.
			this.retry = setTimeout(() => {
				this.retry = undefined;
				this.pump();
			}, retryMs);
		}

		if (this.waiting.length === 0) {
			if (this.linger > 0) {
				this.lingering = setTimeout(() => {
					this.endIdle();
				}, this.linger).unref();
			} else {
				this.endIdle();
			}
		}
	}

	private endIdle(): void {
		for (const child of this.children) {
			if (child.task === undefined) {
				this.end(child);
			}
		}
	}

	/**
	 * Starts a child holding a host slot: 'no slot' when every slot is held, 'failed' when it
	 * cannot be started (the waiting archives are then kept raw). Starting blocks this thread
	 * until the child has exec'd Node, a few milliseconds, once per child.
	 */
	private startChild(): Child | 'no slot' | 'failed' {
		const slot = takeSlot();
		if (slot === undefined) {
			return 'no slot';
		}

		let spawned: ChildProcess;
		try {
			// The slot's lock goes with the descriptor to the child (its fd 3): held while it lives.
			spawned = this.spawn!(process.execPath, [...childFlags, childScript], {
				stdio: ['pipe', 'pipe', 'inherit', slot === 'unbounded' ? 'ignore' : slot],
			});
		} catch (error) {
			this.failWaiting(systemReason(error));
			return 'failed';
		} finally {
			if (slot !== 'unbounded') {
				fs.closeSync(slot);
			}
		}

		try {
			// Lower it at once, so that even Node's start-up in the child yields to the writer.
			if (spawned.pid !== undefined) {
				os.setPriority(spawned.pid, compressionNiceness);
			}
		} catch {
			// Exited already, or not permitted: the child lowers itself too.
		}

		const child: Child = {process: spawned, task: undefined, ending: false};
		this.children.add(child);
		// A child that died leaves its stdin broken: its exit says what happened.
		spawned.stdin?.on('error', () => undefined);
		// One status line per job, in the order the jobs were sent (JobStatus): text, so split2
		// reads it, as the child reads its jobs.
		spawned.stdout?.pipe(this.split2!()).on('data', (line: string) => {
			const task = child.task;
			if (task !== undefined) {
				child.task = undefined;
				task.settle(line);
			}

			this.pump();
		});
		let gone = false;
		const exited = (why: string) => {
			if (gone) {
				return;
			}

			gone = true;
			this.children.delete(child);
			const task = child.task;
			child.task = undefined;
			task?.settle(undefined, this.stopped ? 'stopped' : why);
			if (!this.stopped) {
				this.pump();
			}
		};

		spawned.once('error', error => {
			exited(systemReason(error));
		});
		spawned.once('close', (_code, signal) => {
			exited(`compressor killed by ${signal ?? 'an error'}`);
		});
		return child;
	}

	private send(child: Child, task: Task): void {
		child.task = task;
		child.process.stdin?.write(`${JSON.stringify(task.job)}\n`);
	}

	/** No more archives for this child: it finishes the one it has, if any, and exits. */
	private end(child: Child): void {
		if (!child.ending) {
			child.ending = true;
			child.process.stdin?.end();
		}
	}

	/** No child could be started: every waiting archive is kept raw, said once each. */
	private failWaiting(why: string): void {
		for (const task of this.waiting.splice(0)) {
			task.settle(undefined, why);
		}
	}
}
