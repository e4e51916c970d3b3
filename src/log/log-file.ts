// A log file under its lock: the one piece of code through which writers and maintenance touch
// FILE, so that a cron job and a live writer cannot treat it differently. Everything here runs
// with the lock held:
//   - open FILE by name, and check that an open descriptor still is FILE (another writer's
//     rotation, `rotlog rotate` or an outside tool may have renamed it away or deleted it);
//   - repair: end a line that a killed writer left unfinished, so that no two lines merge and no
//     archive ends mid-line;
//   - write whole lines, and cut FILE back after a failed write so that no part of a line stays;
//   - create the FILE a rotation leaves behind, with the mode of the one before it.
import fs from 'node:fs';
import type {FileState} from '../decide/rotation.js';
import {fsFailure} from '../errors.js';
import {writeFile} from './faults.js';

const openFlags = fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW;
const newline = Buffer.from('\n');

/** FILE's state under the lock, with its permission bits. */
export type LogFileState = FileState & {mode: number};

export class LogFile {
	private fd = -1;
	private ino = -1;
	private dev = -1;
	/** FILE's size right after our own last write, which ended with a newline (-1: unknown). */
	private cleanEnd = -1;
	/** O_CREAT when FILE is created if missing (writers), 0 when it never is (maintenance). */
	private create = fs.constants.O_CREAT;

	/** `mode`: --mode, for a FILE rotlog creates (before the umask); undefined: 0666, or after a rotation the mode of the FILE before. */
	constructor(readonly path: string, private readonly mode: number | undefined) {}

	/** Opens FILE by name, creating it when missing. */
	open(): void {
		this.create = fs.constants.O_CREAT;
		this.openByName('open', this.create);
	}

	/** Opens FILE by name if it exists; false when it does not (nothing is created). */
	openExisting(): boolean {
		this.create = 0;
		try {
			this.openByName('open', this.create);
			return true;
		} catch (error) {
			if (error instanceof Error && (error.cause as {code?: string} | undefined)?.code === 'ENOENT') {
				return false;
			}

			throw error;
		}
	}

	get isOpen(): boolean {
		return this.fd !== -1;
	}

	/**
	 * Under the lock: makes sure the descriptor is FILE (reopened by name when FILE was renamed away
	 * or deleted; created if missing, unless it was opened with `openExisting`) and that FILE ends
	 * with a whole line. Returns FILE's state;
	 * a repaired FILE keeps its mtime, so the repair never moves it into a later period.
	 */
	sync(): LogFileState {
		const onDisk = fs.statSync(this.path, {throwIfNoEntry: false});
		if (!onDisk || onDisk.ino !== this.ino || onDisk.dev !== this.dev) {
			this.openByName('open', this.create);
		}

		const stats = fs.fstatSync(this.fd);
		const state = {size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777};
		if (state.size > 0 && state.size !== this.cleanEnd && !this.endsWithNewline(state.size)) {
			this.repairTail(stats);
			state.size += 1;
		}

		return state;
	}

	/** Writes every byte with O_APPEND, looping on short writes. */
	write(bytes: Buffer): void {
		let done = 0;
		while (done < bytes.length) {
			try {
				done += writeFile(this.fd, bytes, done, bytes.length - done);
			} catch (error) {
				throw fsFailure('write to', this.path, error);
			}
		}
	}

	/** FILE ends, at `size` bytes, with our own whole line: nothing needs repairing there. */
	markClean(size: number): void {
		this.cleanEnd = size;
	}

	/**
	 * After a failed write under the lock: FILE back to `size`, its length before that write, so
	 * no part of a line stays (only our bytes follow it: we hold the lock). If even that fails,
	 * the next writer ends the fragment with a newline, as after a killed writer.
	 */
	cutBack(size: number): void {
		if (size < 0) {
			return;
		}

		try {
			if (fs.fstatSync(this.fd).size > size) {
				fs.ftruncateSync(this.fd, size);
			}

			this.cleanEnd = size;
		} catch {
			this.cleanEnd = -1;
		}
	}

	/** The descriptor's status (mtime checks near a period boundary). */
	stat(): fs.Stats {
		return fs.fstatSync(this.fd);
	}

	/** Sets FILE's mtime, keeping its atime. */
	setMtime(stats: fs.Stats, mtimeMs: number): void {
		fs.futimesSync(this.fd, stats.atime, new Date(mtimeMs));
	}

	/**
	 * Under the lock, right after a rotation renamed FILE away: a new FILE, so that writers and
	 * readers (`tail -F`, `rotlog cat -f`) find it at once. Without --mode it takes the mode bits
	 * of the FILE before it, as logrotate's `create` does, so that a log made private (chmod 0640)
	 * stays private.
	 */
	recreate(previous: LogFileState): void {
		this.openByName('create', fs.constants.O_CREAT);
		if (this.mode !== undefined) {
			return;
		}

		// Only while it is still empty: a FILE someone else made in between is left as it is.
		const stats = fs.fstatSync(this.fd);
		if (stats.size === 0 && (stats.mode & 0o7777) !== previous.mode) {
			fs.fchmodSync(this.fd, previous.mode);
		}
	}

	close(): void {
		if (this.fd !== -1) {
			fs.closeSync(this.fd);
			this.fd = -1;
		}
	}

	private openByName(verb: string, create: number): void {
		this.close();
		try {
			this.fd = fs.openSync(this.path, openFlags | create, this.mode ?? 0o666);
		} catch (error) {
			throw fsFailure(verb, this.path, error);
		}

		const stats = fs.fstatSync(this.fd);
		this.ino = stats.ino;
		this.dev = stats.dev;
		this.cleanEnd = -1;
	}

	private endsWithNewline(size: number): boolean {
		const last = Buffer.alloc(1);
		fs.readSync(this.fd, last, 0, 1, size - 1);
		return last[0] === newline[0];
	}

	/** A FILE not ending in a newline under the lock was left by a killed writer: end its line. */
	private repairTail(before: fs.Stats): void {
		this.write(newline);
		try {
			fs.futimesSync(this.fd, before.atime, before.mtime);
		} catch (error) {
			throw fsFailure('repair', this.path, error);
		}

		this.cleanEnd = before.size + 1;
	}
}
