// --listen addresses: the forms taken, loopback by default, one-line usage errors for the rest.
import test from 'ava';
import {addressLabel, parseListenAddress} from '../../../src/input/address.js';
import {UsageError} from '../../../src/errors.js';

test('unix:, tcp: and udp: addresses, loopback unless a host is named', t => {
	t.deepEqual(parseListenAddress('unix:/run/app/log.sock'), {kind: 'unix', path: '/run/app/log.sock'});
	t.deepEqual(parseListenAddress('unix:rel:with:colons'), {kind: 'unix', path: 'rel:with:colons'});
	t.deepEqual(parseListenAddress('tcp:5140'), {kind: 'tcp', host: '127.0.0.1', port: 5140});
	t.deepEqual(parseListenAddress('udp:0.0.0.0:514'), {kind: 'udp', host: '0.0.0.0', port: 514});
	t.deepEqual(parseListenAddress('tcp:localhost:65535'), {kind: 'tcp', host: 'localhost', port: 65_535});
	t.deepEqual(parseListenAddress('udp:[::1]:5140'), {kind: 'udp', host: '::1', port: 5140});
	t.is(addressLabel(parseListenAddress('udp:[::1]:5140')), 'udp:[::1]:5140');
	t.is(addressLabel(parseListenAddress('tcp:5140')), 'tcp:127.0.0.1:5140');
	t.is(addressLabel(parseListenAddress('unix:/s')), 'unix:/s');
});

test('bad addresses are usage errors naming the value; unixgram: says why it cannot be', t => {
	const cases: Array<[string, RegExp]> = [
		['unixgram:/dev/log', /^invalid --listen 'unixgram:\/dev\/log': Unix datagram sockets are not supported \(Node\.js has none\); use unix:PATH, which logger -u and Python's SysLogHandler fall back to, or udp:PORT$/],
		['/run/app.sock', /expected unix:PATH, tcp:\[HOST:\]PORT or udp:\[HOST:\]PORT/],
		['unix:', /expected a path/],
		['tcp:0', /port '0' is not a number from 1 to 65535/],
		['tcp:70000', /port '70000'/],
		['udp:host:', /port '' is not/],
		['tcp:::1:5140', /expected tcp:PORT or tcp:HOST:PORT/],
		['http:80', /expected unix:PATH/],
	];
	for (const [value, message] of cases) {
		const error = t.throws(() => parseListenAddress(value), {instanceOf: UsageError}, value);
		t.regex(error?.message ?? '', message, value);
		t.false((error?.message ?? '').includes('\n'));
	}
});
