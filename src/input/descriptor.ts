// A readable file descriptor as raw chunks, never decoded. Pipes, FIFOs and sockets are read
// through a non-blocking libuv handle into one reused buffer (no allocation per read, no
// thread-pool thread held while idle); anything else (a file, a tty) through a read stream.
import fs from 'node:fs';
import net from 'node:net';

export type SourceEvents = {
	/** Bytes read; the memory is reused after the call returns, so copy what you keep. */
	chunk(bytes: Uint8Array): void;
	end(): void;
	error(error: unknown): void;
};

export type Source = {
	/** Stops reading; bytes not read yet stay in the kernel. */
	stop(): void;
	/** Reads nothing until resumed: the pipe fills and its writers wait (a full disk with --on-full block). */
	pause(): void;
	resume(): void;
};

const readSize = 64 * 1024;

export function readDescriptor(fd: number, events: SourceEvents): Source {
	const stats = fs.fstatSync(fd);
	if (stats.isFIFO() || stats.isSocket()) {
		const buffer = Buffer.allocUnsafe(readSize);
		// `onread` is honoured by the constructor since Node 12, though @types/node lists it only
		// for connect(): it makes libuv read straight into our buffer.
		const options: net.SocketConstructorOpts & {onread: net.OnReadOpts} = {
			fd,
			readable: true,
			writable: false,
			onread: {
				buffer,
				callback(bytes: number, into: Uint8Array) {
					events.chunk(into.subarray(0, bytes));
					return true;
				},
			},
		};
		const socket = new net.Socket(options);
		socket.on('end', () => {
			socket.destroy();
			events.end();
		});
		socket.on('error', events.error);
		return {
			stop() {
				socket.destroy();
			},
			pause() {
				socket.pause();
			},
			resume() {
				socket.resume();
			},
		};
	}

	return readPositioned(fd, events);
}

/**
 * A file or a tty: fs.read on the thread pool, one read at a time, into one reused buffer (a read
 * stream allocates a new buffer per chunk, which on a large file grew the heap by tens of MiB
 * before the garbage collector caught up). Reads from the descriptor's own offset.
 */
function readPositioned(fd: number, events: SourceEvents): Source {
	const buffer = Buffer.allocUnsafe(readSize * 16);
	let paused = false;
	let stopped = false;
	let reading = false;
	const next = (): void => {
		if (paused || stopped || reading) {
			return;
		}

		reading = true;
		fs.read(fd, buffer, 0, buffer.length, null, (error, bytes) => {
			reading = false;
			if (stopped) {
				return;
			}

			if (error) {
				stopped = true;
				events.error(error);
			} else if (bytes === 0) {
				stopped = true;
				events.end();
			} else {
				events.chunk(buffer.subarray(0, bytes));
				next();
			}
		});
	};

	setImmediate(next);
	return {
		stop() {
			stopped = true;
		},
		pause() {
			paused = true;
		},
		resume() {
			paused = false;
			next();
		},
	};
}
