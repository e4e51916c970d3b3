// `rotlog cat FILE`: every archive oldest to newest, then FILE, decompressed, as one stream.
// `--follow` then keeps reading FILE across rotations like `tail -F`, without losing the lines
// written to the old file just before a rotation: the old descriptor stays open and is read to
// its end, then the files that came after it (found by the naming scheme) are read in order.
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type {Readable, Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import zlib from 'node:zlib';
import {readNames} from '../log/directory.js';
import {codecExtensions, extensionOf} from '../decide/extensions.js';
import {archiveGroups} from '../decide/archives.js';
import {errnoCode, fsFailure, RuntimeFailure, renderError, systemReason, warn} from '../errors.js';
import {FileLock} from '../log/lock.js';
import {kindOf} from '../log/safe-open.js';
import type {Naming} from '../decide/date-names.js';

export type CatOptions = {
	file: string;
	lockPath: string;
	follow: boolean;
	/** Milliseconds between two looks at FILE when following. */
	interval: number;
	/** How the writers name archives (numbered by default). */
	naming?: Naming | undefined;
};

/** stdout that ends quietly when the reader goes away (`rotlog cat app.log | head`). */
class Output {
	closed = false;
	failure: unknown;

	constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
		stream.on('error', error => {
			this.closed = true;
			if (errnoCode(error) !== 'EPIPE') {
				this.failure = error;
			}
		});
	}

	async write(bytes: Uint8Array): Promise<void> {
		if (this.closed || bytes.length === 0) {
			return;
		}

		if (!this.stream.write(bytes)) {
			// once() rejects on 'error', which the listener above has already recorded.
			await once(this.stream, 'drain').catch(() => undefined);
		}
	}
}

type Opened = {name: string; fd: number; extension: string};

/**
 * Opens the files named, oldest first. Under the lock when we can take it, so no rotation runs
 * between. The wait for it leaves the event loop free, so SIGINT and SIGTERM end a `cat` stuck
 * behind a lock holder; undefined then. Nothing done under the lock can block: every open is
 * O_NONBLOCK (openRead).
 */
async function underLock<T>(lockPath: string, stopped: () => boolean, work: () => T): Promise<T | undefined> {
	let lock: FileLock | undefined;
	try {
		// A reader never creates the lock file: with none, no writer has run yet.
		if (fs.existsSync(lockPath)) {
			lock = new FileLock(lockPath);
			if (!await lock.acquireUnlessStopped(stopped)) {
				lock.close();
				return undefined;
			}
		}
	} catch {
		// A reader that cannot take the lock (read-only lock file) reads without it.
		lock?.close();
		lock = undefined;
	}

	try {
		return work();
	} finally {
		lock?.close();
	}
}

/**
 * Opens a file of the log to read: never through a symbolic link, never waiting on a FIFO (a
 * planted one would hold `cat`, and the writers' lock with it, until someone opened it for
 * writing). Anything but a regular file is skipped with one line. Undefined when missing or skipped.
 */
function openRead(file: string): number | undefined {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return undefined;
		}

		// O_NOFOLLOW: the last component is a symbolic link.
		if (errnoCode(error) === 'ELOOP') {
			warn(`skipping '${file}': it is a symbolic link, not a regular file`);
			return undefined;
		}

		throw fsFailure('open', file, error);
	}

	const stats = fs.fstatSync(fd);
	if (!stats.isFile()) {
		fs.closeSync(fd);
		warn(`skipping '${file}': it is ${kindOf(stats)}, not a regular file`);
		return undefined;
	}

	return fd;
}

/**
 * The archives of FILE, oldest first, under the writers' naming; `index` is the archive's rank
 * (1: the newest), comparable within one listing. An archive that exists both uncompressed and
 * compressed (a compression finishing) is read once, from the uncompressed name.
 */
function archivesOldestFirst(file: string, naming: Naming | undefined) {
	const directory = path.dirname(file);
	return archiveGroups(path.basename(file), {naming}, readNames(directory)).map((group, position) => {
		const chosen = group.find(name => extensionOf(name) === '') ?? group[0]!;
		return {index: position + 1, name: path.join(directory, chosen), extension: extensionOf(chosen)};
	}).reverse();
}

function openAll(entries: Array<{name: string; extension: string}>, seen: Set<string>): Opened[] {
	const opened: Opened[] = [];
	for (const entry of entries) {
		const fd = openRead(entry.name);
		if (fd !== undefined) {
			const stats = fs.fstatSync(fd);
			seen.add(`${stats.dev}:${stats.ino}`);
			opened.push({name: entry.name, extension: entry.extension, fd});
		}
	}

	return opened;
}

const decompressors: Record<string, (() => Transform) | undefined> = {
	[codecExtensions.gzip]: () => zlib.createGunzip(),
	[codecExtensions.brotli]: () => zlib.createBrotliDecompress(),
};

/** Copies one whole file (decompressed by its suffix) to the output, then closes it. */
async function copyFile(opened: Opened, out: Output): Promise<void> {
	const sink = async (source: AsyncIterable<Buffer>) => {
		for await (const chunk of source) {
			await out.write(chunk);
			if (out.closed) {
				return;
			}
		}
	};

	// The read stream owns the descriptor: when the reader goes away, pipeline() destroys the
	// stream, and destroying closes the descriptor whatever autoClose says (closing it again here
	// failed with EBADF, and could have closed a reused descriptor number).
	let owned = false;
	try {
		if (opened.extension === codecExtensions.zstd) {
			await copyZstd(opened, sink);
			return;
		}

		const read = fs.createReadStream('', {fd: opened.fd, autoClose: true});
		owned = true;
		const decompress = decompressors[opened.extension];
		await (decompress ? pipeline(read, decompress(), sink) : pipeline(read, sink));
	} catch (error) {
		// The reader went away mid-file: the sink stopped early, and pipeline() then aborts the
		// decompressor still holding data (AbortError). Stopping is what we wanted, not a failure.
		if (out.closed) {
			return;
		}

		throw error instanceof RuntimeFailure ? error : fsFailure('read', opened.name, error);
	} finally {
		if (!owned) {
			fs.closeSync(opened.fd);
		}
	}
}

async function copyZstd(opened: Opened, sink: (source: AsyncIterable<Buffer>) => Promise<void>): Promise<void> {
	const child = spawn('zstd', ['-dcq'], {stdio: [opened.fd, 'pipe', 'pipe']});
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exit = new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', resolve);
	});
	try {
		await pipeline(child.stdout! as Readable, sink);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			throw new RuntimeFailure(`cannot read '${opened.name}': the zstd program is not installed`);
		}

		throw error;
	} finally {
		child.kill();
	}

	const code = await exit.catch((error: unknown) => {
		throw new RuntimeFailure(`cannot read '${opened.name}': ${errnoCode(error) === 'ENOENT' ? 'the zstd program is not installed' : systemReason(error)}`);
	});
	if (code !== 0 && code !== null) {
		throw new RuntimeFailure(`cannot read '${opened.name}': zstd: ${stderr.trim().split('\n')[0] ?? `exit status ${code}`}`);
	}
}

/** The file being followed: its descriptor and how far it has been read. */
type Current = {name: string; fd: number; position: number; ino: number; dev: number};

function current(name: string, fd: number, seen: Set<string>): Current {
	const stats = fs.fstatSync(fd);
	seen.add(`${stats.dev}:${stats.ino}`);
	return {name, fd, position: 0, ino: stats.ino, dev: stats.dev};
}

const readBuffer = 64 * 1024;

/** Reads from the current position to the end of the file as it is now. */
async function drain(file: Current, out: Output): Promise<void> {
	for (;;) {
		const buffer = Buffer.allocUnsafe(readBuffer);
		const {bytesRead} = await new Promise<{bytesRead: number}>((resolve, reject) => {
			fs.read(file.fd, buffer, 0, buffer.length, file.position, (error, bytesRead) => {
				if (error) {
					reject(fsFailure('read', file.name, error));
				} else {
					resolve({bytesRead});
				}
			});
		});
		if (bytesRead === 0 || out.closed) {
			return;
		}

		file.position += bytesRead;
		await out.write(buffer.subarray(0, bytesRead));
	}
}

/** Files already read, by identity, so a file is never printed twice. */
type Seen = Set<string>;

function identity(stats: {dev: number; ino: number}): string {
	return `${stats.dev}:${stats.ino}`;
}

/**
 * After the followed file was renamed away (or FILE appeared): under the lock, the archives made
 * since, oldest first, then FILE. An uncompressed archive is new when it was not read yet; a
 * compressed one when it is newer than where the old file went (a compression makes a new
 * inode of a file already read).
 */
async function successors(file: string, lockPath: string, naming: Naming | undefined, seen: Seen, old: Current | undefined, stopped: () => boolean) {
	return underLock(lockPath, stopped, () => {
		const archives = archivesOldestFirst(file, naming).map(archive => ({...archive, stats: fs.statSync(archive.name, {throwIfNoEntry: false})}));
		const found = archives.find(archive => old && archive.stats && identity(archive.stats) === identity(old))?.index ?? 0;
		const fresh = archives.filter(archive => archive.stats && !seen.has(identity(archive.stats))
			&& (archive.extension === '' || archive.index < found));
		const between = openAll(fresh, seen);
		const fd = openRead(file);
		return {between, next: fd === undefined ? undefined : current(file, fd, seen)};
	});
}

export async function runCat(options: CatOptions): Promise<number> {
	const out = new Output();
	let stopped = false;
	let wake: (() => void) | undefined;
	const stop = () => {
		stopped = true;
		wake?.();
	};

	// The poll timer is what keeps a follower alive; a signal or a closed stdout clears it.
	const pause = async () => new Promise<void>(resolve => {
		const timer = setTimeout(resolve, options.interval);
		wake = () => {
			clearTimeout(timer);
			resolve();
		};
	});

	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	try {
		// One consistent snapshot: no rotation runs while the descriptors are opened.
		const seen: Seen = new Set();
		const snapshot = await underLock(options.lockPath, () => stopped, () => {
			const opened = openAll(archivesOldestFirst(options.file, options.naming), seen);
			const fd = openRead(options.file);
			return {archives: opened, head: fd === undefined ? undefined : current(options.file, fd, seen)};
		});
		const {archives, head} = snapshot ?? {archives: [], head: undefined};
		let following = head;
		try {
			for (const [position, archive] of archives.entries()) {
				if (out.closed || stopped) {
					for (const rest of archives.slice(position)) {
						fs.closeSync(rest.fd);
					}

					break;
				}

				await copyFile(archive, out);
			}

			while (!out.closed && !stopped) {
				if (following) {
					await drain(following, out);
				}

				if (!options.follow || out.closed || stopped) {
					break;
				}

				const onDisk = fs.statSync(options.file, {throwIfNoEntry: false});
				if (onDisk && following && onDisk.ino === following.ino && onDisk.dev === following.dev) {
					// Truncated in place by another tool (copytruncate): start again from its beginning.
					if (onDisk.size < following.position) {
						following.position = 0;
					}

					await pause();
					continue;
				}

				if (!onDisk) {
					await pause();
				}

				// Renamed away, replaced, or FILE appeared: no writer touches a file once it is renamed
				// (they check FILE's identity under the lock), so the old file's end is final. Read it,
				// then what came after it.
				if (following) {
					await drain(following, out);
				}

				const old = following;
				const found = await successors(options.file, options.lockPath, options.naming, seen, old, () => stopped);
				if (found === undefined) {
					break;
				}

				const {between, next} = found;
				if (old) {
					fs.closeSync(old.fd);
				}

				following = next;
				for (const archive of between) {
					await copyFile(archive, out);
				}
			}
		} finally {
			if (following) {
				fs.closeSync(following.fd);
			}
		}
	} finally {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
	}

	if (out.failure !== undefined) {
		process.stderr.write(`${renderError(fsFailure('write to', 'stdout', out.failure))}\n`);
		return 1;
	}

	return 0;
}
