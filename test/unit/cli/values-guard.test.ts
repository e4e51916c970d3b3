// Values refused because they are dangerous rather than malformed.
import test from 'ava';
import {parseMode} from '../../../src/cli/values.js';
import {UsageError} from '../../../src/errors.js';

test('parseMode refuses setuid, setgid and sticky bits', t => {
	for (const spec of ['07777', '4755', '2640', '1666', '0o4644']) {
		t.throws(() => parseMode('mode', spec), {
			instanceOf: UsageError,
			message: `invalid --mode '${spec}': setuid, setgid and sticky bits are refused: expected permission bits within 0777`,
		});
	}
});

test('parseMode keeps permission bits', t => {
	const table: Array<[string, number]> = [['0640', 0o640], ['640', 0o640], ['0o600', 0o600], ['0777', 0o777], ['00644', 0o644], ['0', 0]];
	for (const [spec, mode] of table) {
		t.is(parseMode('mode', spec), mode, spec);
	}
});
