// Who compresses a log's archives. A log's raw archives are compressed by one process at a time,
// its compressor: the one holding byte 2 of the log's lock file, taken without waiting
// (kernel-lock.ts). The others leave their archives to it and look again now and then; a writer's
// exit waits for its own archives only. The compressor hands archives to long-lived child
// processes from its pool (pool.ts); `rotlog check` compresses small archives itself instead,
// where that costs less than starting a child. No process ever holds the log's lock while an
// archive is compressed: the child (or check) takes it only to claim and to swap in (protocol.ts,
// job.ts), and a stale job, whose raw archive is gone or compressed, is dropped after a stat or
// two, without the log's lock. Crash recovery (recovery.ts) runs from here too, by the compressor
// only: recoverCompressions is check's entry to it.
import fs from 'node:fs';
import path from 'node:path';
import type {ArchiveOptions} from '../decide/archives.js';
import type {Codec} from './codecs.js';
import {systemReason, warn} from '../errors.js';
import {kernelLock} from '../log/kernel-lock.js';
import {FileLock} from '../log/lock.js';
import {ChildPool, type Settle} from './pool.js';
import {archiveKey, findByInode, removeOrphan, tempName, type Job, type JobStatus} from './protocol.js';
import {dropDuplicates, findLeftovers, removeOrphans, type RecoveryReport} from './recovery.js';

export type CompressorOptions = {
	file: string;
	lockPath: string;
	/** Undefined: compress nothing, only clean up what killed compressions left. */
	codec: Codec | undefined;
	/** How archives are named (numbered by default), to find raw ones left behind. */
	naming?: ArchiveOptions | undefined;
	/** Told of each archive this compressor made final: compressed, or kept raw after a failure. */
	onFinal?: ((archive: string) => void) | undefined;
	/** The children to use; by default a pool of this compressor's own. */
	pool?: ChildPool | undefined;
	/**
	 * Compress raw archives smaller than this many bytes in this process, not in a child (check).
	 * Unset: none while this process still has input, inProcessLimit once it has ended.
	 */
	inProcessBelow?: number | undefined;
	/**
	 * The log's names (log/directory.ts logNames) as a maintenance under the lock just left them:
	 * the first look for leftovers takes them instead of listing the directory again. A list that
	 * old is as good as a new one: every step after the look finds its archive again by inode
	 * under the lock (protocol.ts).
	 */
	names?: readonly string[] | undefined;
};

/**
 * Below this size `rotlog check` compresses an archive itself: starting a child costs 0.1-0.15 s
 * of CPU (`node -e 0`), and gzip -6 takes about 27 ms of CPU per MiB of log lines (2.7 s for
 * 100 MiB, measured in the child), so a child pays off only from about 4-6 MiB.
 */
export const inProcessLimit = 4 * 1024 * 1024;

/** How often a process whose archives wait for another process's compressor looks again. */
const retryMs = 100;

/** A raw archive waiting to be compressed, known by inode (its name shifts with rotations). */
type Pending = {
	ino: number;
	/** Tells it from a later archive that reuses the inode (protocol.ts, archiveKey). */
	key: string;
	raw: string;
	size: number;
	/**
	 * The raw archive, open: once its link count is 0 it is gone (compressed and dropped, or
	 * deleted by retention), a stale job told by one fstat without the log's lock. Reading the
	 * directory could not tell that without the lock: an entry renamed by a rotation meanwhile
	 * may be missed.
	 */
	fd: number;
	/**
	 * drain() waits for it: made by this process, or left by another and found while this process
	 * still had work of its own (a writer before the end of its input, or a check).
	 */
	own: boolean;
};

/**
 * The compression of one log's archives in this process: it queues the raw archives this
 * process makes, and, while it is the log's compressor (byte 2 of the lock file), those others
 * left, and repairs what killed compressions left behind. `drain()` waits for this process's own.
 */
export class Compressor {
	readonly report: RecoveryReport = {compressed: [], removedRaws: [], removedTemps: [], failed: [], busy: []};
	private readonly queue: Pending[] = [];
	private readonly running = new Set<Pending>();
	/** Recovery steps waiting for a disk flush. */
	private readonly background = new Set<Promise<void>>();
	private failedKeys = new Set<string>();
	private readonly directory: string;
	private readonly base: string;
	private readonly pool: ChildPool;
	private readonly ownsPool: boolean;
	private lock: FileLock | undefined;
	/** The lock file, open to hold byte 2 while this process is the log's compressor. */
	private holderFd: number | undefined;
	private holding = false;
	private scanPending = false;
	private draining = false;
	private stopped = false;
	private retry: NodeJS.Timeout | undefined;
	private idle: Array<() => void> = [];
	/** Names for the first look at the directory (options.names); later looks list it. */
	private listed: readonly string[] | undefined;

	constructor(private readonly options: CompressorOptions) {
		this.directory = path.dirname(options.file);
		this.base = path.basename(options.file);
		this.listed = options.names;
		this.ownsPool = options.pool === undefined;
		this.pool = options.pool ?? new ChildPool();
	}

	/**
	 * Called under the log's lock right after a rotation made `archive`: note its identity (one
	 * stat), and once the lock is released, compress it (if this process is the log's compressor)
	 * and look for leftovers.
	 */
	archived(archive: string): void {
		if (this.options.codec !== undefined) {
			try {
				const stats = fs.lstatSync(archive);
				if (stats.isFile()) {
					this.enqueue({ino: stats.ino, key: archiveKey(stats), raw: archive, size: stats.size, own: true});
				}
			} catch (error) {
				warn(`cannot compress '${archive}': ${systemReason(error)}; kept uncompressed`);
			}
		}

		if (!this.scanPending) {
			this.scanPending = true;
			// Leftovers found by a look that began while this writer still read its input are its
			// to finish before it exits; those found later are for the next writer that rotates, or check.
			const reading = !this.draining;
			setImmediate(() => {
				this.scanPending = false;
				if (this.hold()) {
					this.recoverLeftovers(true, reading);
				}

				this.pump();
			});
		}
	}

	/** Resolves once this process's own archives are compressed (or failed, or compressed by another). */
	async drain(): Promise<void> {
		this.draining = true;
		this.pump();
		if (this.isIdle()) {
			return;
		}

		return new Promise(resolve => {
			this.idle.push(resolve);
		});
	}

	/**
	 * Stops at once: children killed, nothing more started. Returns how many of this process's
	 * own archives are left raw (the next writer that rotates, or check, compresses them).
	 */
	async stop(): Promise<number> {
		this.stopped = true;
		clearTimeout(this.retry);
		const left = new Set([...this.queue, ...this.running].filter(pending => pending.own && this.stillThere(pending)).map(pending => pending.key));
		this.keepQueued(() => false);
		await this.pool.stop();
		for (const pending of this.running) {
			this.forget(pending);
		}

		this.running.clear();
		this.letGo();
		this.wake();
		return left.size;
	}

	/** Gives up the log's compressor and the lock; tells this compressor's own children to end. */
	close(): void {
		clearTimeout(this.retry);
		if (this.ownsPool) {
			this.pool.close();
		}

		this.letGo();
		if (this.holderFd !== undefined) {
			fs.closeSync(this.holderFd);
			this.holderFd = undefined;
		}

		this.lock?.close();
		this.lock = undefined;
	}

	/**
	 * `rotlog check`: finishes or removes what killed compressions left: orphaned temps (nobody
	 * holds their lock) are removed, a raw archive next to its compressed copy is removed once that
	 * copy is fsynced, and other raw archives are compressed, unless another process is the log's
	 * compressor now (then they are left to it).
	 */
	async recover(): Promise<RecoveryReport> {
		const holding = this.hold();
		this.recoverLeftovers(holding);
		if (!holding) {
			this.keepQueued(() => false);
		}

		this.pump();
		await this.drain();
		return this.report;
	}

	/**
	 * Scans the directory for leftovers (see recover()); raw archives are queued when `queue`,
	 * and awaited by drain() when `awaited`.
	 */
	recoverLeftovers(queue = true, awaited = true): void {
		try {
			this.scan(queue, awaited);
		} catch (error) {
			warn(`cannot recover compressions in '${this.directory}': ${systemReason(error)}`);
		}
	}

	/** Takes byte 2 of the lock file if nobody holds it: true while this process is the log's compressor. */
	private hold(): boolean {
		if (this.holding) {
			return true;
		}

		try {
			this.holderFd ??= fs.openSync(this.options.lockPath, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
			this.holding = kernelLock.tryLock(this.holderFd, 2);
		} catch {
			// No lock file to hold (removed by hand): compress without the bound.
			this.holding = true;
		}

		return this.holding;
	}

	private letGo(): void {
		if (this.holding && this.holderFd !== undefined) {
			kernelLock.unlock(this.holderFd, 2);
		}

		this.holding = false;
	}

	private enqueue(archive: Omit<Pending, 'fd'>): void {
		const known = (each: Pending) => each.key === archive.key;
		if (this.stopped || this.failedKeys.has(archive.key) || this.queue.some(known) || [...this.running].some(known)) {
			return;
		}

		let fd: number;
		try {
			fd = fs.openSync(archive.raw, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
			if (fs.fstatSync(fd).ino !== archive.ino) {
				fs.closeSync(fd);
				return;
			}
		} catch {
			// Gone already (retention, or another process compressed it).
			return;
		}

		this.queue.push({...archive, fd});
	}

	/** Done with `pending`: its raw archive's descriptor is closed. */
	private forget(pending: Pending): void {
		try {
			fs.closeSync(pending.fd);
		} catch {
			// Closed already.
		}
	}

	/** Keeps the queued archives `keep` says to, forgetting the others. */
	private keepQueued(keep: (pending: Pending) => boolean): void {
		const kept: Pending[] = [];
		for (const pending of this.queue) {
			if (keep(pending)) {
				kept.push(pending);
			} else {
				this.forget(pending);
			}
		}

		this.queue.splice(0, this.queue.length, ...kept);
	}

	private scan(queue: boolean, awaited: boolean): void {
		const leftovers = findLeftovers(this.directory, this.base, this.options.naming ?? {}, this.listed);
		this.listed = undefined;
		const ours = new Set([...this.running].map(pending => pending.ino));
		// Failures are remembered only while their archive is there (a long-lived writer makes many).
		this.failedKeys = new Set(leftovers.raws.map(raw => raw.key).filter(key => this.failedKeys.has(key)));
		for (const {ino, key, name, size, live} of leftovers.raws) {
			if (this.options.codec === undefined || this.failedKeys.has(key)) {
				continue;
			}

			if (live) {
				// A live compression: another process's, or one of our children's.
				if (!ours.has(ino)) {
					this.report.busy.push(name);
				}
			} else if (queue) {
				// The child claims it under the lock, and finds it by inode then.
				this.enqueue({ino, key, raw: path.join(this.directory, name), size, own: awaited});
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
	 * While this process is the log's compressor, hands the queued archives out (to a child, or
	 * compresses a small one here), dropping stale ones; once it has nothing left, gives up being
	 * the compressor. Otherwise drops what the compressor will do, and looks again shortly for
	 * this process's own archives.
	 */
	private pump(): void {
		if (this.stopped) {
			return;
		}

		if (this.draining) {
			// A writer's exit waits for its own archives only; the leftovers are the next one's.
			this.keepQueued(pending => pending.own);
		}

		if (this.queue.length > 0 && this.hold()) {
			this.dispatch();
		} else if (!this.holding) {
			this.awaitCompressor();
		}

		if (this.holding && this.queue.length === 0 && this.running.size === 0 && this.background.size === 0) {
			this.letGo();
		}

		if (this.isIdle()) {
			this.wake();
		}
	}

	private dispatch(): void {
		while (this.queue.length > 0 && this.running.size < this.pool.concurrency) {
			const pending = this.queue.shift()!;
			if (!this.stillThere(pending)) {
				this.forget(pending);
				continue;
			}

			const job: Job = {codec: this.options.codec!, file: this.options.file, lockPath: this.options.lockPath, ino: pending.ino, raw: pending.raw};
			this.running.add(pending);
			const settle = (line: string | undefined, why?: string) => {
				if (!this.running.delete(pending)) {
					return;
				}

				this.forget(pending);
				this.settle(pending, line, why);
				this.pump();
			};

			if (pending.size < this.inProcessBelow()) {
				void this.runHere(job, settle);
			} else {
				void this.pool.submit(job, settle);
			}
		}
	}

	/**
	 * Below what size an archive is compressed in this process rather than in a child. A check
	 * says; a writer does so once its input has ended: it has nothing else to do, and a child's
	 * start-up costs more than a small archive's gzip. When many writers end together, the
	 * compressor's role passes from one to the next as each exits, and each newcomer started a
	 * child of its own for a few KiB (64 writers of 150 lines each: 63 children, one after another).
	 */
	private inProcessBelow(): number {
		return this.options.inProcessBelow ?? (this.draining ? inProcessLimit : 0);
	}

	/** Compresses a small archive in this process (check, a writer after its input): outside the log's lock like a child. */
	private async runHere(job: Job, settle: Settle): Promise<void> {
		const {runJob} = await import('./job.js');
		let line: string;
		try {
			line = await runJob(job, this.lockFile());
		} catch (error) {
			settle(undefined, systemReason(error));
			return;
		}

		settle(line);
	}

	/**
	 * Another process is the log's compressor: what it finds it compresses. This process keeps
	 * only its own archives that are still raw, and looks again shortly.
	 */
	private awaitCompressor(): void {
		this.keepQueued(pending => pending.own && this.stillThere(pending));
		if (this.queue.length > 0 && this.retry === undefined) {
			this.retry = setTimeout(() => {
				this.retry = undefined;
				this.pump();
			}, retryMs);
		}
	}

	/** Whether `pending`'s raw archive is still there (one fstat): else the job is stale. */
	private stillThere(pending: Pending): boolean {
		try {
			return fs.fstatSync(pending.fd).nlink > 0;
		} catch {
			return false;
		}
	}

	private isIdle(): boolean {
		return this.running.size === 0 && this.background.size === 0 && !this.scanPending
			&& (this.stopped || !this.queue.some(pending => pending.own || !this.draining));
	}

	private wake(): void {
		const waiting = this.idle;
		this.idle = [];
		for (const resolve of waiting) {
			resolve();
		}
	}

	/** What became of an archive: `line` is the child's status, undefined when it died first. */
	private settle(pending: Pending, line: string | undefined, why?: string): void {
		const name = path.basename(pending.raw);
		const [status, inode] = (line ?? '').split(' ');
		switch (status as JobStatus) {
			case 'compressed': {
				this.report.compressed.push(name);
				this.announce(Number(inode), true, `${path.basename(pending.raw)}${this.options.codec?.extension ?? ''}`);
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
				if (why === 'stopped') {
					return;
				}

				this.failedKeys.add(pending.key);
				this.report.failed.push(name);
				if (status !== 'failed') {
					// The child could not say so itself: it never started, or a signal killed it.
					warn(`cannot compress '${pending.raw}': ${why ?? 'the compressor stopped'}; kept uncompressed`);
					this.withLock(() => removeOrphan(path.join(this.directory, tempName(this.base, pending.ino))));
				}

				this.announce(pending.ino, false, path.basename(pending.raw));
			}
		}
	}

	/** Tells onFinal the archive's current name (rotations may have shifted it meanwhile). */
	private announce(ino: number, compressed: boolean, hint: string): void {
		if (this.options.onFinal === undefined) {
			return;
		}

		const name = findByInode(this.directory, this.base, ino, compressed, hint);
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
 * have a compressed copy, compresses the other raw archives with `codec` (none: leaves them;
 * archives under `inProcessBelow`, by default inProcessLimit, in this process), and waits for
 * those compressions. Live compressions of other processes, and the archives of a log that
 * another process is compressing now, are left alone.
 */
export async function recoverCompressions(options: CompressorOptions): Promise<RecoveryReport> {
	const compressor = new Compressor({...options, inProcessBelow: options.inProcessBelow ?? inProcessLimit});
	try {
		return await compressor.recover();
	} finally {
		compressor.close();
	}
}
