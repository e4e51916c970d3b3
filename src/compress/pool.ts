// The writer's pool of compression children: it queues the raw archives that rotations make,
// hands them to long-lived child processes (child.ts) one at a time, hears back what became of
// each, and after each rotation runs the recovery steps (recovery.ts) for what killed compressions
// left. A writer never compresses on its own thread, and never holds the log's lock while an
// archive is compressed: the child takes the lock only to claim and to swap in (protocol.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {type ChildProcess, spawn} from 'node:child_process';
import split2 from 'split2';
import type {ArchiveOptions} from '../decide/archives.js';
import type {Codec} from './codecs.js';
import {systemReason, warn} from '../errors.js';
import {FileLock} from '../log/lock.js';
import {compressionNiceness, findByInode, removeOrphan, tempName, type Job, type JobStatus} from './protocol.js';
import {dropDuplicates, findLeftovers, removeOrphans, type RecoveryReport} from './recovery.js';

export type CompressorOptions = {
	file: string;
	lockPath: string;
	/** Undefined: compress nothing, only clean up what killed compressions left. */
	codec: Codec | undefined;
	/** Compressions running at once; default one per core. */
	concurrency?: number;
	/** How archives are named (numbered by default), to find raw ones left behind. */
	naming?: ArchiveOptions | undefined;
	/** Told of each archive this compressor made final: compressed, or kept raw after a failure. */
	onFinal?: ((archive: string) => void) | undefined;
};

const childScript = fileURLToPath(new URL('child.js', import.meta.url));

/** A raw archive waiting for a child, known by inode (its name shifts with rotations). */
type Pending = {ino: number; raw: string};

/** A compression child: long-lived while there is work, one archive at a time. */
type Child = {process: ChildProcess; job: Pending | undefined; ending: boolean};

/**
 * Hands raw archives to compression children, at most `concurrency` at once, and repairs what
 * killed compressions left behind. One per writer process; `drain()` waits for everything started.
 *
 * A child is a Node process started once and fed archives one at a time over its stdin while the
 * queue has any: start-up (about 0.2 s of CPU for Node) is paid once per burst of rotations, not
 * per archive, and a child that frees up takes the next archive, so no core idles while another
 * child still has a backlog. When the queue is empty the idle children are told to end.
 */
export class Compressor {
	readonly report: RecoveryReport = {compressed: [], removedRaws: [], removedTemps: [], failed: [], busy: []};
	private readonly queue: Pending[] = [];
	private readonly children = new Set<Child>();
	/** Recovery steps waiting for a disk flush. */
	private readonly background = new Set<Promise<void>>();
	private readonly failedInodes = new Set<number>();
	private readonly concurrency: number;
	private readonly directory: string;
	private readonly base: string;
	private lock: FileLock | undefined;
	private scanPending = false;
	private idle: Array<() => void> = [];

	constructor(private readonly options: CompressorOptions) {
		this.concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
		this.directory = path.dirname(options.file);
		this.base = path.basename(options.file);
	}

	/**
	 * Called under the log's lock right after a rotation made `archive`: note its inode (one stat)
	 * for a child, and look for leftovers once the lock is released.
	 */
	archived(archive: string): void {
		if (this.options.codec !== undefined) {
			try {
				const stats = fs.lstatSync(archive);
				if (stats.isFile()) {
					this.enqueue({ino: stats.ino, raw: archive});
				}
			} catch (error) {
				warn(`cannot compress '${archive}': ${systemReason(error)}; kept uncompressed`);
			}
		}

		if (!this.scanPending) {
			this.scanPending = true;
			setImmediate(() => {
				this.scanPending = false;
				this.recoverLeftovers();
				this.pump();
			});
		}
	}

	/** Resolves once no compression is pending or running. */
	async drain(): Promise<void> {
		if (this.isIdle()) {
			return;
		}

		return new Promise(resolve => {
			this.idle.push(resolve);
		});
	}

	/** Tells every child to end once its archive is done (they are idle after drain()). */
	close(): void {
		for (const child of this.children) {
			this.end(child);
		}

		this.lock?.close();
		this.lock = undefined;
	}

	/**
	 * Finishes or removes what killed compressions left: orphaned temps (nobody holds their lock)
	 * are removed, a raw archive next to its compressed copy is removed once that copy is fsynced,
	 * and other raw archives are queued for compression (when this compressor has a codec).
	 */
	recoverLeftovers(): void {
		try {
			this.scan();
		} catch (error) {
			warn(`cannot recover compressions in '${this.directory}': ${systemReason(error)}`);
		}
	}

	private enqueue(pending: Pending): void {
		const known = (each: Pending | undefined) => each?.ino === pending.ino;
		if (this.failedInodes.has(pending.ino) || this.queue.some(known) || [...this.children].some(child => known(child.job))) {
			return;
		}

		this.queue.push(pending);
	}

	private scan(): void {
		const leftovers = findLeftovers(this.directory, this.base, this.options.naming ?? {});
		const ours = new Set([...this.children].flatMap(child => (child.job === undefined ? [] : [child.job.ino])));
		for (const {ino, name, live} of leftovers.raws) {
			if (this.options.codec === undefined || this.failedInodes.has(ino)) {
				continue;
			}

			if (live) {
				// A live compression: another process's, or one of our children's.
				if (!ours.has(ino)) {
					this.report.busy.push(name);
				}
			} else {
				// The child claims it under the lock, and finds it by inode then.
				this.enqueue({ino, raw: path.join(this.directory, name)});
			}
		}

		if (leftovers.duplicates.length > 0) {
			const finishing = dropDuplicates(this.directory, this.base, leftovers.duplicates, () => this.lockFile(), this.report)
				.catch((error: unknown) => {
					warn(`cannot recover compressions in '${this.directory}': ${systemReason(error)}`);
				})
				.finally(() => {
					this.background.delete(finishing);
					this.pump();
				});
			this.background.add(finishing);
		}

		if (leftovers.suspects.length > 0) {
			removeOrphans(leftovers.suspects, this.lockFile(), this.report);
		}
	}

	/**
	 * Gives each idle child the next archive, starting children up to `concurrency` while archives
	 * wait; with nothing left to give, tells the idle children to end.
	 */
	pump(): void {
		while (this.queue.length > 0) {
			const child = [...this.children].find(each => each.job === undefined && !each.ending)
				?? (this.children.size < this.concurrency ? this.startChild() : undefined);
			if (child === undefined) {
				break;
			}

			this.send(child, this.queue.shift()!);
		}

		if (this.queue.length === 0) {
			for (const child of this.children) {
				if (child.job === undefined) {
					this.end(child);
				}
			}
		}

		if (this.isIdle()) {
			const waiting = this.idle;
			this.idle = [];
			for (const resolve of waiting) {
				resolve();
			}
		}
	}

	private isIdle(): boolean {
		return this.queue.length === 0 && ![...this.children].some(child => child.job !== undefined) && this.background.size === 0 && !this.scanPending;
	}

	/**
	 * Starts a child (undefined when it cannot be started: the archive waiting for it is then kept
	 * raw). Starting blocks this thread until the child has exec'd Node, a few milliseconds, once
	 * per child.
	 */
	private startChild(): Child | undefined {
		let spawned: ChildProcess;
		try {
			// --expose-gc: the child collects after each archive, so its peak memory stays that of one.
			spawned = spawn(process.execPath, ['--expose-gc', childScript], {stdio: ['pipe', 'pipe', 'inherit']});
		} catch (error) {
			this.failQueued(systemReason(error));
			return undefined;
		}

		try {
			// Lower it at once, so that even Node's start-up in the child yields to the writer.
			if (spawned.pid !== undefined) {
				os.setPriority(spawned.pid, compressionNiceness);
			}
		} catch {
			// Exited already, or not permitted: the child lowers itself too.
		}

		const child: Child = {process: spawned, job: undefined, ending: false};
		this.children.add(child);
		// A child that died leaves its stdin broken: its exit says what happened.
		spawned.stdin?.on('error', () => undefined);
		// One status line per job, in the order the jobs were sent (JobStatus).
		spawned.stdout?.pipe(split2()).on('data', (line: string) => {
			const job = child.job;
			if (job !== undefined) {
				child.job = undefined;
				this.settle(job, line);
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
			const job = child.job;
			child.job = undefined;
			if (job !== undefined) {
				this.settle(job, undefined, why);
			}

			this.pump();
		};

		spawned.once('error', error => {
			exited(systemReason(error));
		});
		spawned.once('close', (_code, signal) => {
			exited(`compressor killed by ${signal ?? 'an error'}`);
		});
		return child;
	}

	private send(child: Child, pending: Pending): void {
		child.job = pending;
		const job: Job = {codec: this.options.codec!, file: this.options.file, lockPath: this.options.lockPath, ino: pending.ino, raw: pending.raw};
		child.process.stdin?.write(`${JSON.stringify(job)}\n`);
	}

	/** No more archives for this child: it finishes the one it has, if any, and exits. */
	private end(child: Child): void {
		if (!child.ending) {
			child.ending = true;
			child.process.stdin?.end();
		}
	}

	/** No child could be started: every queued archive is kept raw, said once each. */
	private failQueued(why: string): void {
		for (const pending of this.queue.splice(0)) {
			this.settle(pending, undefined, why);
		}
	}

	/** What became of an archive: `line` is the child's status, undefined when it died first. */
	private settle(pending: Pending, line: string | undefined, why?: string): void {
		const name = path.basename(pending.raw);
		const [status, inode] = (line ?? '').split(' ');
		switch (status as JobStatus) {
			case 'compressed': {
				this.report.compressed.push(name);
				this.announce(Number(inode), true);
				return;
			}

			case 'discarded': {
				return;
			}

			case 'busy': {
				this.report.busy.push(name);
				return;
			}

			default: {
				this.failedInodes.add(pending.ino);
				this.report.failed.push(name);
				if (status !== 'failed') {
					// The child could not say so itself: it never started, or a signal killed it.
					warn(`cannot compress '${pending.raw}': ${why ?? 'the compressor stopped'}; kept uncompressed`);
					this.withLock(() => removeOrphan(path.join(this.directory, tempName(this.base, pending.ino))));
				}

				this.announce(pending.ino, false);
			}
		}
	}

	/** Tells onFinal the archive's current name (rotations may have shifted it meanwhile). */
	private announce(ino: number, compressed: boolean): void {
		if (this.options.onFinal === undefined) {
			return;
		}

		const name = findByInode(this.directory, this.base, ino, compressed);
		if (name !== undefined) {
			this.options.onFinal(path.join(this.directory, name));
		}
	}

	private lockFile(): FileLock {
		this.lock ??= new FileLock(this.options.lockPath);
		return this.lock;
	}

	private withLock<T>(action: () => T): T | undefined {
		try {
			const lock = this.lockFile();
			lock.acquire();
			try {
				return action();
			} finally {
				lock.release();
			}
		} catch {
			return undefined;
		}
	}
}

/**
 * Crash recovery for `rotlog check` and tests: removes orphaned temps and raw archives that already
 * have a compressed copy, compresses the other raw archives with `codec` (none: leaves them), and
 * waits for those compressions. Live compressions of other processes are left alone.
 */
export async function recoverCompressions(options: CompressorOptions): Promise<RecoveryReport> {
	const compressor = new Compressor(options);
	try {
		compressor.recoverLeftovers();
		compressor.pump();
		await compressor.drain();
		return compressor.report;
	} finally {
		compressor.close();
	}
}
