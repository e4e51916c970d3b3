// `rotlog cat FILE`: every archive oldest to newest, then FILE, decompressed, as one stream.
// `--follow` then keeps reading FILE across rotations like `tail -F`, without losing the lines
// written to the old file just before a rotation: the old descriptor stays open and is read to
// its end, then the archives made after it are read in order (decide/successors.ts says which:
// compression gives an archive a new inode, so they are found by their place in the naming order
// and their mtimes), then the new FILE. inotify on FILE's directory wakes the follower; a slow
// timer covers an event missed.
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
import {type ListedArchive, type ReadFile, successors} from '../decide/successors.js';
import {errnoCode, fileKind, fsFailure, RuntimeFailure, renderError, systemReason, warn} from '../errors.js';
import {archiveKey} from '../compress/protocol.js';
import {FileLock} from '../log/lock.js';
import {dropStops, takeStops} from '../stop-signals.js';
import type {Naming} from '../decide/date-names.js';

export type CatOptions = {
	file: string;
	lockPath: string;
	follow: boolean;
	/**
	 * Milliseconds between two looks at FILE when following without inotify; with it, the
	 * follower looks when FILE's directory changes, and at least every second.
	 */
	interval: number;
	/** How the writers name archives (numbered by default). */
	naming?: Naming | undefined;
};

/** stdout that ends quietly when the reader goes away (`rotlog cat app.log | head`). */
class Output {
	closed = false;
	failure: unknown;
	/** Called once the reader is gone, so that a follower asleep ends at once. */
	onClosed: (() => void) | undefined;

	constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
		stream.on('error', error => {
			this.closed = true;
			this.onClosed?.();
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
		warn(`skipping '${file}': it is ${fileKind(stats)}, not a regular file`);
		return undefined;
	}

	return fd;
}

/** An archive as listed under the lock: what decide/successors.ts needs, and the name to read. */
type Listed = ListedArchive & {name: string; extension: string};

/**
 * FILE's archives, newest first, under the writers' naming. An archive that exists both
 * uncompressed and compressed (a compression finishing) is read from the uncompressed name. A
 * name that is not a regular file (a planted FIFO or link) is skipped with one line, once.
 */
function listArchives(file: string, naming: Naming | undefined, warned: Set<string>): Listed[] {
	const directory = path.dirname(file);
	const listed: Listed[] = [];
	const skipped: Array<{name: string; kind: string}> = [];
	for (const group of archiveGroups(path.basename(file), {naming}, readNames(directory))) {
		const regular: Array<{name: string; stats: fs.Stats}> = [];
		for (const name of group) {
			const stats = fs.lstatSync(path.join(directory, name), {throwIfNoEntry: false});
			if (stats?.isFile()) {
				regular.push({name, stats});
			} else if (stats) {
				skipped.push({name: path.join(directory, name), kind: fileKind(stats)});
			}
		}

		const chosen = regular.find(entry => extensionOf(entry.name) === '') ?? regular[0];
		if (chosen) {
			listed.push({
				name: path.join(directory, chosen.name),
				extension: extensionOf(chosen.name),
				keys: regular.map(entry => archiveKey(entry.stats)),
				raw: regular.some(entry => extensionOf(entry.name) === ''),
				mtimeMs: chosen.stats.mtimeMs,
			});
		}
	}

	for (const {name, kind} of skipped.reverse()) {
		if (!warned.has(name)) {
			warned.add(name);
			warn(`skipping '${name}': it is ${kind}, not a regular file`);
		}
	}

	return listed;
}

/** Opens the archives given (oldest first); with each, the file read as the successor rule knows it. */
function openArchives(archives: readonly Listed[]): {opened: Opened[]; read: ReadFile[]} {
	const opened: Opened[] = [];
	const read: ReadFile[] = [];
	for (const archive of archives) {
		const fd = openRead(archive.name);
		if (fd !== undefined) {
			const key = archiveKey(fs.fstatSync(fd));
			opened.push({name: archive.name, extension: archive.extension, fd});
			read.push({keys: archive.keys.includes(key) ? archive.keys : [...archive.keys, key], mtimeMs: archive.mtimeMs});
		}
	}

	return {opened, read};
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

function current(name: string, fd: number): Current {
	const stats = fs.fstatSync(fd);
	return {name, fd, position: 0, ino: stats.ino, dev: stats.dev};
}

/**
 * The followed file as a file read: its key and mtime are final once it has been renamed away,
 * which is when the follower looks for its successors (and asks this again).
 */
function readOf(file: Current): ReadFile {
	const stats = fs.fstatSync(file.fd);
	return {keys: [archiveKey(stats)], mtimeMs: stats.mtimeMs};
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

/** What the follower has read, oldest first, as decide/successors.ts takes it; the last is FILE when followed. */
type Reading = {read: ReadFile[]; warned: Set<string>};

/**
 * After the followed file was renamed away (or FILE appeared): under the lock, the archives made
 * since, oldest first, then FILE. What was read becomes the archives that remain of it, then
 * these: the next look lines the archives up with that.
 */
async function successorsOf(options: CatOptions, reading: Reading, old: Current | undefined, stopped: () => boolean) {
	return underLock(options.lockPath, stopped, () => {
		if (old) {
			reading.read[reading.read.length - 1] = readOf(old);
		}

		const listing = listArchives(options.file, options.naming, reading.warned);
		const {unread, gap} = successors(listing, reading.read);
		if (gap) {
			warn(`archives of '${options.file}' may have been deleted before they were read: the one read last is gone (retention outran this reader); going on with '${listing[unread - 1]!.name}'`);
		}

		const {opened, read} = openArchives(listing.slice(0, unread).reverse());
		reading.read = [...listing.slice(unread).reverse().map(({keys, mtimeMs}) => ({keys, mtimeMs})), ...read];
		const fd = openRead(options.file);
		const next = fd === undefined ? undefined : current(options.file, fd);
		if (next) {
			reading.read.push(readOf(next));
		}

		return {between: opened, next};
	});
}

/**
 * Puts a follower to sleep until FILE's directory changes (inotify, through fs.watch), a signal
 * or a closed stdout wakes it, or a timer runs out: `slow` ms with inotify, in case an event is
 * missed, `interval` ms without. A wake-up while awake is kept, so a change made while reading
 * is never slept through. The watcher never keeps the process alive; the timer does.
 */
class Waker {
	private pending = false;
	private resolve: (() => void) | undefined;
	private timer: NodeJS.Timeout | undefined;
	private watcher: fs.FSWatcher | undefined;

	constructor(directory: string, private readonly slow: number, private readonly interval: number) {
		try {
			this.watcher = fs.watch(directory, {persistent: false}, () => {
				this.wake();
			});
			// Say the directory went away: fall back to the timer alone.
			this.watcher.on('error', () => {
				this.watcher?.close();
				this.watcher = undefined;
				this.wake();
			});
		} catch {
			// No inotify (out of watches, a file system without it, no directory yet): poll.
			this.watcher = undefined;
		}
	}

	wake(): void {
		this.pending = true;
		clearTimeout(this.timer);
		this.timer = undefined;
		const resolve = this.resolve;
		this.resolve = undefined;
		resolve?.();
	}

	async sleep(): Promise<void> {
		if (!this.pending) {
			await new Promise<void>(resolve => {
				this.resolve = resolve;
				this.timer = setTimeout(() => {
					this.wake();
				}, this.watcher ? this.slow : this.interval);
			});
		}

		this.pending = false;
	}

	close(): void {
		this.watcher?.close();
		this.watcher = undefined;
		this.wake();
	}
}

/** The longest a follower sleeps with inotify watching FILE's directory. */
const slowLook = 1000;

/** Copies the files given in order; once the reader is gone or a signal came, closes the rest unread. */
async function copyAll(files: readonly Opened[], out: Output, stopped: () => boolean): Promise<void> {
	for (const [position, file] of files.entries()) {
		if (out.closed || stopped()) {
			for (const rest of files.slice(position)) {
				fs.closeSync(rest.fd);
			}

			return;
		}

		await copyFile(file, out);
	}
}

export async function runCat(options: CatOptions): Promise<number> {
	const out = new Output();
	let stopped = false;
	// Only a follower sleeps; `cat` without --follow has no watcher and no timer, and ends at EOF.
	const waker = options.follow ? new Waker(path.dirname(options.file), Math.max(slowLook, options.interval), options.interval) : undefined;
	const stop = () => {
		stopped = true;
		waker?.wake();
	};

	out.onClosed = stop;
	takeStops(stop);
	try {
		// One consistent snapshot: no rotation runs while the descriptors are opened.
		const reading: Reading = {read: [], warned: new Set()};
		const snapshot = await underLock(options.lockPath, () => stopped, () => {
			const {opened, read} = openArchives(listArchives(options.file, options.naming, reading.warned).reverse());
			const fd = openRead(options.file);
			const head = fd === undefined ? undefined : current(options.file, fd);
			reading.read = head ? [...read, readOf(head)] : read;
			return {archives: opened, head};
		});
		const {archives, head} = snapshot ?? {archives: [], head: undefined};
		let following = head;
		try {
			await copyAll(archives, out, () => stopped);
			while (!out.closed && !stopped) {
				if (following) {
					await drain(following, out);
				}

				if (!waker || out.closed || stopped) {
					break;
				}

				const onDisk = fs.statSync(options.file, {throwIfNoEntry: false});
				if (onDisk && following && onDisk.ino === following.ino && onDisk.dev === following.dev) {
					// Truncated in place by another tool (copytruncate): start again from its beginning.
					if (onDisk.size < following.position) {
						following.position = 0;
					}

					await waker.sleep();
					continue;
				}

				if (!onDisk) {
					await waker.sleep();
				}

				// Renamed away, replaced, or FILE appeared: no writer touches a file once it is renamed
				// (they check FILE's identity under the lock), so the old file's end is final. Read it,
				// then what came after it.
				if (following) {
					await drain(following, out);
				}

				const old = following;
				const found = await successorsOf(options, reading, old, () => stopped);
				if (found === undefined) {
					break;
				}

				const {between, next} = found;
				if (old) {
					fs.closeSync(old.fd);
				}

				following = next;
				await copyAll(between, out, () => stopped);
			}
		} finally {
			if (following) {
				fs.closeSync(following.fd);
			}
		}
	} finally {
		waker?.close();
		dropStops(stop);
	}

	if (out.failure !== undefined) {
		process.stderr.write(`${renderError(fsFailure('write to', 'stdout', out.failure))}\n`);
		return 1;
	}

	return 0;
}
