// The critical section: take the lock, make sure our descriptor is FILE, decide from the size on
// disk, write whole lines with O_APPEND, rotate when the next line would not fit, release.
// Nothing here runs per line: a batch is any number of whole lines.
import fs from 'node:fs';
import {fsFailure} from './errors.js';
import {FileLock} from './lock.js';
import {nextStep} from './policy.js';
import {rotateFile} from './rotation.js';

export type AppenderOptions = {
	file: string;
	lockPath: string;
	/** Largest size of a file in bytes; undefined: no size rotation. */
	max?: number | undefined;
	/** Archives kept after a rotation. */
	keep: number;
	/** Called under the lock with each new archive's path (compression claims it there). */
	onArchive?: ((archive: string) => void) | undefined;
};

const fileFlags = fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
const newlineBuffer = Buffer.from('\n');

export class Appender {
	private readonly lock: FileLock;
	private fd = -1;
	private ino = -1;
	private dev = -1;
	/** FILE's size right after our own last write, which ended with a newline. */
	private cleanEnd = -1;

	constructor(private readonly options: AppenderOptions) {
		// FILE first, so that a missing directory or an unwritable FILE is reported by its name.
		this.openFile();
		this.lock = new FileLock(options.lockPath);
	}

	/** Appends whole lines (a buffer ending with a newline), rotating at line boundaries. */
	append(lines: Buffer): void {
		if (lines.length === 0) {
			return;
		}

		this.lock.acquire();
		try {
			let size = this.syncToFile();
			let rest = lines;
			while (rest.length > 0) {
				const step = nextStep(size, this.options.max, rest);
				if (step.kind === 'rotate') {
					this.rotateLocked();
					size = 0;
					continue;
				}

				this.writeAll(rest.subarray(0, step.bytes));
				size += step.bytes;
				this.cleanEnd = size;
				rest = rest.subarray(step.bytes);
			}
		} finally {
			this.lock.release();
		}
	}

	/** Rotates now if FILE holds anything; true when it did. */
	rotate(): boolean {
		this.lock.acquire();
		try {
			if (this.syncToFile() === 0) {
				return false;
			}

			this.rotateLocked();
			return true;
		} finally {
			this.lock.release();
		}
	}

	close(): void {
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}

		this.lock.close();
	}

	/**
	 * Under the lock: reopen FILE if it was renamed away or deleted (by another writer's rotation,
	 * `rotlog rotate`, or any other tool), and end a line that a killed writer left unfinished.
	 * Returns FILE's size.
	 */
	private syncToFile(): number {
		const onDisk = fs.statSync(this.options.file, {throwIfNoEntry: false});
		if (!onDisk || onDisk.ino !== this.ino || onDisk.dev !== this.dev) {
			this.openFile();
		}

		const size = fs.fstatSync(this.fd).size;
		if (size > 0 && size !== this.cleanEnd && !this.endsWithNewline(size)) {
			this.writeAll(newlineBuffer);
			this.cleanEnd = size + 1;
			return size + 1;
		}

		return size;
	}

	private endsWithNewline(size: number): boolean {
		const last = Buffer.alloc(1);
		fs.readSync(this.fd, last, 0, 1, size - 1);
		return last[0] === 0x0a;
	}

	private openFile(): void {
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}

		try {
			this.fd = fs.openSync(this.options.file, fileFlags, 0o666);
		} catch (error) {
			throw fsFailure('open', this.options.file, error);
		}

		const stats = fs.fstatSync(this.fd);
		this.ino = stats.ino;
		this.dev = stats.dev;
		this.cleanEnd = -1;
	}

	/** Writes every byte, looping on short writes (O_APPEND puts each write at the end). */
	private writeAll(bytes: Buffer): void {
		let done = 0;
		while (done < bytes.length) {
			try {
				done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
			} catch (error) {
				throw fsFailure('write to', this.options.file, error);
			}
		}
	}

	/** Under the lock: FILE becomes an archive and a new FILE is opened. */
	private rotateLocked(): void {
		const archive = rotateFile(this.options);
		this.openFile();
		if (archive !== undefined) {
			this.options.onArchive?.(archive);
		}
	}
}
