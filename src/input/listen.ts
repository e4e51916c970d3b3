// --listen: sockets as sources. A Unix or TCP stream socket accepts connections, each one a source
// of its own (its own framer: a line of one connection never meets another's bytes); a UDP socket
// is one source whose every datagram is one record. Stream connections are paused like pipes
// when FILE cannot be written; datagrams cannot wait (see UDP below).
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import {errnoCode, fileKind, fsFailure, RuntimeFailure, systemReason} from '../errors.js';
import {addressLabel, type ListenAddress} from './address.js';

/** Where a listener's bytes go: one sink per connection, one for a UDP socket. */
export type Sink = {
	/** Bytes of a stream connection; the sink may change them (it owns the chunk). */
	chunk(bytes: Buffer): void;
	/** One datagram: one record. */
	datagram(bytes: Buffer): void;
	/** The connection has closed: a record cut short is ended. */
	end(): void;
	/** Bytes held, not yet written. */
	readonly held: number;
};

export type OpenSink = (name: string) => Sink;

export type OpenListener = {
	address: ListenAddress;
	label: string;
	server: net.Server | dgram.Socket;
	/** A Unix socket file we made, known by its identity so that only ours is ever removed. */
	socketFile?: {path: string; dev: number; ino: number} | undefined;
};

export type ListenSource = {
	pause(): void;
	resume(): void;
	/** Stops accepting and reading: what Node already read is handed on, connections are closed. */
	stop(): void;
	/** Datagrams dropped while paused (UDP only). */
	readonly dropped: number;
};

/**
 * What a UDP socket may hold while FILE cannot be written: past it, datagrams are dropped and
 * counted. Datagrams cannot be made to wait: while rotlog does not read, the kernel drops them.
 */
const datagramHoldLimit = 1024 * 1024;

/** Socket files to remove when the process exits, whichever way it exits (but SIGKILL). */
const socketFiles = new Set<{path: string; dev: number; ino: number}>();
let exitHook = false;

function removeSocketFile(file: {path: string; dev: number; ino: number}): void {
	socketFiles.delete(file);
	try {
		const stats = fs.lstatSync(file.path);
		// Another rotlog may have replaced ours after we stopped: leave its socket alone.
		if (stats.isSocket() && stats.dev === file.dev && stats.ino === file.ino) {
			fs.unlinkSync(file.path);
		}
	} catch {
		// Gone already, or not ours to remove.
	}
}

function removeAtExit(file: {path: string; dev: number; ino: number}): void {
	socketFiles.add(file);
	if (!exitHook) {
		exitHook = true;
		process.on('exit', () => {
			for (const each of [...socketFiles]) {
				removeSocketFile(each);
			}
		});
	}
}

/**
 * Why the socket at `path` is in use (another process accepts connections on it, or has bound it
 * as a datagram socket), or undefined for a stale socket file that nobody has bound.
 */
async function inUse(path: string, label: string): Promise<string | undefined> {
	return new Promise((resolve, reject) => {
		const probe = net.connect(path);
		probe.once('connect', () => {
			probe.destroy();
			resolve('another process is listening on it');
		});
		probe.once('error', error => {
			probe.destroy();
			const code = errnoCode(error);
			if (code === 'ECONNREFUSED') {
				resolve(undefined);
			} else if (code === 'EAGAIN') {
				// A full backlog: someone listens, but does not keep up.
				resolve('another process is listening on it');
			} else if (code === 'EPROTOTYPE') {
				// connect(2) finds a bound socket of another type before it looks for a listener: a
				// syslog daemon's datagram socket, as /dev/log is.
				resolve('another process has bound it as a datagram socket');
			} else {
				reject(new RuntimeFailure(`cannot listen on '${label}': ${systemReason(error)}`, {cause: error}));
			}
		});
	});
}

/**
 * Makes way for a Unix socket at `path`: nothing there is fine; a socket nobody listens on (left by
 * a rotlog that died) is removed; a live socket or anything that is not a socket is an error, and
 * is never removed.
 */
async function clearSocketPath(path: string, label: string): Promise<void> {
	let stats: fs.Stats;
	try {
		stats = fs.lstatSync(path);
	} catch (error) {
		if (errnoCode(error) === 'ENOENT') {
			return;
		}

		throw fsFailure('listen on', label, error);
	}

	if (!stats.isSocket()) {
		throw new RuntimeFailure(`cannot listen on '${label}': it is ${fileKind(stats)}, not a socket (rotlog removes only a stale socket)`);
	}

	const reason = await inUse(path, label);
	if (reason !== undefined) {
		throw new RuntimeFailure(`cannot listen on '${label}': ${reason}`);
	}

	try {
		fs.unlinkSync(path);
	} catch (error) {
		if (errnoCode(error) !== 'ENOENT') {
			throw fsFailure('remove the stale socket', path, error);
		}
	}
}

function listenFailure(label: string, error: unknown): RuntimeFailure {
	const reason = errnoCode(error) === 'EADDRINUSE' ? (label.startsWith('unix:') ? 'another process is listening on it' : 'address already in use') : systemReason(error);
	return new RuntimeFailure(`cannot listen on '${label}': ${reason}`, {cause: error});
}

async function listening(server: net.Server, label: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: unknown) => {
			reject(listenFailure(label, error));
		};

		server.once('error', onError);
		server.once('listening', () => {
			server.off('error', onError);
			resolve();
		});
	});
}

/**
 * A Unix stream socket at `path`, with mode `mode` (undefined: 0660 less the umask). It is bound
 * under a umask of 0777, so that no one can connect before its mode is set.
 */
async function listenUnix(address: {path: string}, label: string, mode: number | undefined): Promise<OpenListener> {
	await clearSocketPath(address.path, label);
	const server = net.createServer();
	const ready = listening(server, label);
	// listen() binds synchronously in the main thread: the umask is back before anything else runs.
	const umask = process.umask(0o777);
	try {
		server.listen(address.path);
	} finally {
		process.umask(umask);
	}

	await ready;
	const stats = fs.statSync(address.path);
	const socketFile = {path: address.path, dev: stats.dev, ino: stats.ino};
	removeAtExit(socketFile);
	try {
		fs.chmodSync(address.path, mode ?? (0o660 & ~umask));
	} catch (error) {
		server.close();
		throw fsFailure('set the mode of', address.path, error);
	}

	return {address: {kind: 'unix', ...address}, label, server, socketFile};
}

async function listenTcp(address: {host: string; port: number}, label: string): Promise<OpenListener> {
	const server = net.createServer();
	const ready = listening(server, label);
	server.listen({host: address.host, port: address.port});
	await ready;
	return {address: {kind: 'tcp', ...address}, label, server};
}

async function bindUdp(address: {host: string; port: number}, label: string): Promise<OpenListener> {
	const socket = dgram.createSocket(net.isIPv6(address.host) ? 'udp6' : 'udp4');
	await new Promise<void>((resolve, reject) => {
		socket.once('error', error => {
			try {
				socket.close();
			} catch {
				// Never bound: nothing to close.
			}

			reject(listenFailure(label, error));
		});
		socket.bind({address: address.host, port: address.port}, resolve);
	});
	return {address: {kind: 'udp', ...address}, label, server: socket};
}

/** Opens every --listen address, in order; on a failure, those opened are closed again. */
export async function openListeners(addresses: readonly ListenAddress[], socketMode: number | undefined): Promise<OpenListener[]> {
	const opened: OpenListener[] = [];
	try {
		for (const address of addresses) {
			const label = addressLabel(address);
			if (opened.some(listener => listener.label === label)) {
				throw new RuntimeFailure(`cannot listen on '${label}': given twice`);
			}

			opened.push(address.kind === 'unix'
				? await listenUnix(address, label, socketMode)
				: (address.kind === 'tcp' ? await listenTcp(address, label) : await bindUdp(address, label)));
		}
	} catch (error) {
		closeListeners(opened);
		throw error;
	}

	return opened;
}

export function closeListeners(listeners: readonly OpenListener[]): void {
	for (const listener of listeners) {
		listener.server.close();
		if (listener.socketFile) {
			removeSocketFile(listener.socketFile);
		}
	}
}

type Connection = {socket: net.Socket; sink: Sink; ended: boolean};

/** Accepts and reads a stream listener's connections until stopped. */
function serveStream(listener: OpenListener & {server: net.Server}, open: OpenSink, error: (error: unknown) => void): ListenSource {
	const connections = new Set<Connection>();
	let paused = false;
	let stopped = false;
	let count = 0;
	const finish = (connection: Connection) => {
		if (!connection.ended) {
			connection.ended = true;
			connections.delete(connection);
			connection.sink.end();
		}
	};

	listener.server.on('connection', socket => {
		if (stopped) {
			socket.destroy();
			return;
		}

		count += 1;
		const connection: Connection = {socket, sink: open(`${listener.label}#${count}`), ended: false};
		connections.add(connection);
		if (paused) {
			socket.pause();
		}

		socket.on('data', (chunk: Buffer) => {
			connection.sink.chunk(chunk);
		});
		socket.on('end', () => {
			finish(connection);
			socket.destroy();
		});
		// A reset connection is no failure of rotlog: what it sent is kept, its last record ended.
		socket.on('error', () => {
			finish(connection);
		});
		socket.on('close', () => {
			finish(connection);
		});
	});
	listener.server.on('error', error);
	return {
		dropped: 0,
		pause() {
			paused = true;
			for (const {socket} of connections) {
				socket.pause();
			}
		},
		resume() {
			paused = false;
			for (const {socket} of connections) {
				socket.resume();
			}
		},
		stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			listener.server.close();
			if (listener.socketFile) {
				removeSocketFile(listener.socketFile);
			}

			for (const connection of [...connections]) {
				// What Node has read but not handed out (a paused connection) is ours to write: read()
				// hands each buffered chunk to the 'data' listener above.
				while (connection.socket.read() !== null) {
					// Nothing more to do per chunk.
				}

				finish(connection);
				connection.socket.destroy();
			}
		},
	};
}

/**
 * Receives a UDP socket's datagrams until stopped. Node cannot stop reading a UDP socket, so
 * while paused datagrams are kept up to a bound and then dropped (and counted), as the kernel
 * drops them when its buffer is full and rotlog does not keep up.
 */
function serveDatagrams(listener: OpenListener & {server: dgram.Socket}, open: OpenSink, error: (error: unknown) => void): ListenSource {
	const sink = open(listener.label);
	let paused = false;
	let stopped = false;
	let dropped = 0;
	listener.server.on('message', (message: Buffer) => {
		if (stopped) {
			return;
		}

		if (paused && sink.held >= datagramHoldLimit) {
			dropped += 1;
			return;
		}

		sink.datagram(message);
	});
	listener.server.on('error', error);
	return {
		get dropped() {
			return dropped;
		},
		pause() {
			paused = true;
		},
		resume() {
			paused = false;
		},
		stop() {
			if (!stopped) {
				stopped = true;
				listener.server.close();
			}
		},
	};
}

export function serveListener(listener: OpenListener, open: OpenSink, error: (error: unknown) => void): ListenSource {
	const {server} = listener;
	return server instanceof net.Server
		? serveStream({...listener, server}, open, error)
		: serveDatagrams({...listener, server}, open, error);
}
