// --tee: a copy of what is logged goes to stdout. Logging comes first: when stdout closes (EPIPE)
// or fails, teeing stops and writing FILE goes on. A pipe or socket on stdout is written without
// blocking, through a libuv handle: while its reader lags, the copies wait in memory and the write
// mode stops reading its input (its producers wait, as with a full disk), and the process stays
// free to take signals; it never spins on a full pipe. A file or terminal is written directly.
import fs from 'node:fs';
import net from 'node:net';
import {errnoCode, renderError} from '../errors.js';
import {writeAll} from '../write-all.js';

export class Tee {
	private open = true;
	/** stdout as a non-blocking stream, when it is a pipe or a socket. */
	private readonly stream: net.Socket | undefined;
	private drained: Array<() => void> = [];

	constructor(private readonly fd = 1) {
		const stats = fs.fstatSync(fd);
		if (stats.isFIFO() || stats.isSocket()) {
			this.stream = new net.Socket({fd, readable: false, writable: true});
			this.stream.on('error', error => {
				this.stop(error);
			});
			this.stream.on('drain', () => {
				this.wake();
			});
		}
	}

	/** Copies `bytes` (which the caller may reuse at once). */
	write(bytes: Uint8Array): void {
		if (!this.open || bytes.length === 0) {
			return;
		}

		if (this.stream !== undefined) {
			this.stream.write(Buffer.from(bytes));
			return;
		}

		try {
			writeAll(this.fd, bytes);
		} catch (error) {
			this.stop(error);
		}
	}

	/** True while copies wait for stdout's reader: read no more input until `whenDrained`. */
	get backlogged(): boolean {
		return this.open && this.stream !== undefined && this.stream.writableNeedDrain;
	}

	/** Calls `then` once stdout has taken the waiting copies (or teeing stopped). */
	whenDrained(then: () => void): void {
		if (this.backlogged) {
			this.drained.push(then);
		} else {
			then();
		}
	}

	/**
	 * At exit: waits until stdout's reader has taken every copy; not after a signal (`stopping`),
	 * nor once one comes while waiting: the copy is not worth waiting for once the log is written.
	 */
	async end(stopping: boolean): Promise<void> {
		const {stream} = this;
		if (stream === undefined || !this.open) {
			return;
		}

		if (stopping) {
			stream.destroy();
			return;
		}

		await new Promise<void>(resolve => {
			const giveUp = () => {
				stream.destroy();
				resolve();
			};

			process.once('SIGTERM', giveUp);
			process.once('SIGINT', giveUp);
			stream.end(() => {
				process.off('SIGTERM', giveUp);
				process.off('SIGINT', giveUp);
				resolve();
			});
			stream.once('close', () => {
				process.off('SIGTERM', giveUp);
				process.off('SIGINT', giveUp);
				resolve();
			});
		});
	}

	private stop(error: unknown): void {
		if (!this.open) {
			return;
		}

		this.open = false;
		this.stream?.destroy();
		if (errnoCode(error) !== 'EPIPE') {
			process.stderr.write(`${renderError(new Error(`--tee stopped: ${String((error as Error).message)}`))}\n`);
		}

		this.wake();
	}

	private wake(): void {
		const waiting = this.drained;
		this.drained = [];
		for (const then of waiting) {
			then();
		}
	}
}
