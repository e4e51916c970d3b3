// --listen ADDRESS, parsed: pure, no sockets. `unix:PATH` (a stream socket), `tcp:PORT` and
// `udp:PORT` (on 127.0.0.1), `tcp:HOST:PORT` and `udp:HOST:PORT` (an IPv6 HOST in brackets).
import {invalidValue} from '../errors.js';

export type ListenAddress =
	| {kind: 'unix'; path: string}
	| {kind: 'tcp' | 'udp'; host: string; port: number};

/** The host of `tcp:PORT` and `udp:PORT`: loopback, so nothing is exposed unless a host is named. */
export const loopback = '127.0.0.1';

const forms = 'expected unix:PATH, tcp:[HOST:]PORT or udp:[HOST:]PORT';

function parsePort(value: string, text: string): number {
	const port = Number(text);
	if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65_535) {
		throw invalidValue('listen', value, `port '${text}' is not a number from 1 to 65535`);
	}

	return port;
}

export function parseListenAddress(value: string): ListenAddress {
	const colon = value.indexOf(':');
	const scheme = colon === -1 ? '' : value.slice(0, colon);
	const rest = value.slice(colon + 1);
	switch (scheme) {
		case 'unix': {
			if (rest.length === 0) {
				throw invalidValue('listen', value, 'expected a path after unix:');
			}

			return {kind: 'unix', path: rest};
		}

		case 'unixgram': {
			// Node's net and dgram have no AF_UNIX SOCK_DGRAM, and no package adds it within rotlog's
			// limits: unix-dgram compiles with node-gyp at install; node-unix-socket (prebuilt) cannot
			// stop reading, so senders could not be made to wait while FILE cannot be written, and it
			// reads every queued datagram before JavaScript sees one, without bound (docs/design.md).
			throw invalidValue('listen', value, 'Unix datagram sockets are not supported (Node.js has none); use unix:PATH, which logger -u and Python\'s SysLogHandler fall back to, or udp:PORT');
		}

		case 'tcp':
		case 'udp': {
			if (/^\d+$/.test(rest)) {
				return {kind: scheme, host: loopback, port: parsePort(value, rest)};
			}

			const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):([^:]*)$/.exec(rest);
			if (!match) {
				throw invalidValue('listen', value, `expected ${scheme}:PORT or ${scheme}:HOST:PORT (an IPv6 HOST in brackets)`);
			}

			return {kind: scheme, host: match[1] ?? match[2]!, port: parsePort(value, match[3]!)};
		}

		default: {
			throw invalidValue('listen', value, forms);
		}
	}
}

/** How the address is written in messages and --tag prefixes: `unix:/run/app.sock`, `udp:[::1]:5140`. */
export function addressLabel(address: ListenAddress): string {
	if (address.kind === 'unix') {
		return `unix:${address.path}`;
	}

	const host = address.host.includes(':') ? `[${address.host}]` : address.host;
	return `${address.kind}:${host}:${address.port}`;
}
