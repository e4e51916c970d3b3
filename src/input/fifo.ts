// Named pipes (FIFOs) as sources whose writers come and go. Each FIFO is opened for reading
// without blocking, and rotlog also holds a write end of it: the kernel then never reports end of
// input when the last outside writer closes, so a new writer can open it later and rotlog reads
// on. Reading goes through readDescriptor's non-blocking libuv pipe handle: an idle FIFO costs an
// epoll registration, no thread-pool thread and no CPU.
import fs from 'node:fs';
import {promisify} from 'node:util';
import {errnoCode, fileKind, fsFailure, RuntimeFailure, systemReason, UsageError} from '../errors.js';
import {readDescriptor, type Source, type SourceEvents} from './descriptor.js';

export type FifoSource = Source & {
	/**
	 * Reads, synchronously and without blocking, what the kernel holds for this FIFO right now,
	 * handing it to `chunk`. Bounded, so that a writer that never pauses cannot keep it going.
	 */
	drain(): void;
};

/** An opened FIFO: the read end we read, and the write end we hold so that EOF never comes. */
export type OpenFifo = {path: string; readFd: number; writeFd: number};

/** mkfifo, run only when a FIFO must be made: node:child_process costs every writer's start-up otherwise. */
async function runFile(program: string, args: string[], options: {env: NodeJS.ProcessEnv}): Promise<unknown> {
	const {execFile} = await import('node:child_process');
	return promisify(execFile)(program, args, options);
}

/** More than a FIFO can hold (Linux: /proc/sys/fs/pipe-max-size, 1 MiB unless raised by root). */
const drainLimit = 4 * 1024 * 1024;
const drainBuffer = Buffer.allocUnsafe(64 * 1024);

function notFifo(path: string, stats: fs.Stats): RuntimeFailure {
	return new RuntimeFailure(`cannot read --fifo '${path}': it is ${fileKind(stats)}, not a FIFO`);
}

/** The path's status, or undefined if there is none to be had. */
function statOf(path: string): fs.Stats | undefined {
	try {
		return fs.statSync(path);
	} catch {
		return undefined;
	}
}

/** Why mkfifo(1) failed for `path`, from its stderr ("mkfifo: cannot create fifo 'x': Reason"). */
function mkfifoReason(path: string, error: unknown): string {
	const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
	const reason = errnoCode(error) === 'ENOENT' && stderr === ''
		? 'mkfifo(1) was not found'
		: (/: ([^:\n]+)$/.exec(stderr.trim())?.[1] ?? systemReason(error));
	return `cannot create --fifo '${path}': ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
}

/**
 * mkfifo(1) without a shell (Node has no mkfifo(3)), one process for all the missing FIFOs: 32
 * FIFOs must not cost 32 process starts. FIFOs made by someone else meanwhile are fine.
 */
async function makeFifos(paths: readonly string[]): Promise<void> {
	// LC_ALL=C: its reasons are then in the same words as Node's own errors.
	const options = {env: {...process.env, LC_ALL: 'C'}};
	try {
		await runFile('mkfifo', ['--', ...paths], options);
	} catch (error) {
		const failed = paths.find(path => !statOf(path));
		if (failed === undefined) {
			return;
		}

		// Asked alone, mkfifo names the reason for this path without any parsing of quoted names.
		const alone = paths.length === 1 ? error : await runFile('mkfifo', ['--', failed], options).then(() => undefined, (error_: unknown) => error_);
		if (alone !== undefined) {
			throw new RuntimeFailure(mkfifoReason(failed, alone), {cause: alone});
		}
	}
}

function openReadEnd(path: string): number | undefined {
	try {
		// O_NONBLOCK: opening the read end of a FIFO would otherwise wait for a writer.
		return fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return undefined;
		}

		// A socket file cannot be opened at all (ENXIO): name what it is rather than the errno.
		const stats = statOf(path);
		if (stats && !stats.isFIFO()) {
			throw notFifo(path, stats);
		}

		throw fsFailure('open --fifo', path, error);
	}
}

/**
 * Given a FIFO's read end, takes a write end too. A path that is not a FIFO is a runtime failure
 * (exit 1), like an unwritable FILE: the command line is fine, the file system is not as expected.
 */
function holdFifo(path: string, readFd: number): OpenFifo {
	// The descriptor decides, not the name: the path may have been replaced since we looked.
	const stats = fs.fstatSync(readFd);
	if (!stats.isFIFO()) {
		throw notFifo(path, stats);
	}

	let writeFd: number;
	try {
		// Cannot block or fail with ENXIO: we are a reader of this FIFO now.
		writeFd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
	} catch (error) {
		throw fsFailure('open for writing --fifo', path, error);
	}

	const held = fs.fstatSync(writeFd);
	if (held.ino !== stats.ino || held.dev !== stats.dev) {
		fs.closeSync(writeFd);
		throw new RuntimeFailure(`cannot open --fifo '${path}': it was replaced while rotlog opened it`);
	}

	return {path, readFd, writeFd};
}

/**
 * Opens every FIFO, creating the missing ones. An existing path that cannot be used fails before
 * anything is created. The same FIFO named twice, by any path, is a usage error.
 */
export async function openFifos(paths: readonly string[]): Promise<OpenFifo[]> {
	const readFds: Array<number | undefined> = [];
	const opened: OpenFifo[] = [];
	try {
		for (const path of paths) {
			readFds.push(openReadEnd(path));
		}

		const missing = paths.filter((_, index) => readFds[index] === undefined);
		if (missing.length > 0) {
			await makeFifos(missing);
		}

		const seen = new Map<string, string>();
		for (const [index, path] of paths.entries()) {
			const readFd = readFds[index] ?? openReadEnd(path);
			if (readFd === undefined) {
				throw new RuntimeFailure(`cannot open --fifo '${path}': it vanished right after it was created`);
			}

			readFds[index] = undefined;
			try {
				opened.push(holdFifo(path, readFd));
			} catch (error) {
				fs.closeSync(readFd);
				throw error;
			}

			const stats = fs.fstatSync(readFd);
			const identity = `${stats.dev}:${stats.ino}`;
			const first = seen.get(identity);
			if (first !== undefined) {
				// Two readers of one FIFO would split its bytes between two line framers.
				throw new UsageError(`invalid --fifo '${path}': the same FIFO as --fifo '${first}'`);
			}

			seen.set(identity, path);
		}
	} catch (error) {
		for (const fd of readFds) {
			if (fd !== undefined) {
				fs.closeSync(fd);
			}
		}

		closeFifos(opened);
		throw error;
	}

	return opened;
}

export function closeFifos(fifos: readonly OpenFifo[]): void {
	for (const fifo of fifos) {
		fs.closeSync(fifo.readFd);
		fs.closeSync(fifo.writeFd);
	}
}

/** Reads an opened FIFO until stopped. It has no end: rotlog holds a write end. */
export function readFifo(fifo: OpenFifo, events: SourceEvents): FifoSource {
	const source = readDescriptor(fifo.readFd, events);
	let stopped = false;
	return {
		drain() {
			if (stopped) {
				return;
			}

			let total = 0;
			while (total < drainLimit) {
				let bytes: number;
				try {
					bytes = fs.readSync(fifo.readFd, drainBuffer, 0, drainBuffer.length, null);
				} catch (error) {
					// EAGAIN: the FIFO is empty now.
					if (errnoCode(error) === 'EAGAIN') {
						return;
					}

					throw fsFailure('read --fifo', fifo.path, error);
				}

				if (bytes === 0) {
					return;
				}

				events.chunk(drainBuffer.subarray(0, bytes));
				total += bytes;
			}
		},
		pause() {
			source.pause();
		},
		resume() {
			source.resume();
		},
		stop() {
			if (!stopped) {
				stopped = true;
				// Closes the read end; writers blocked on a full FIFO then fail with EPIPE.
				source.stop();
				fs.closeSync(fifo.writeFd);
			}
		},
	};
}
