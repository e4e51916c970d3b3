// The paths a hook is given never begin with '-': they are absolute.
import test from 'ava';
import {hookPath} from '../../../src/output/hooks.js';

const table: Array<[string, string]> = [
	['-rf.log.1', '/srv/logs/-rf.log.1'],
	['--output=x.log.1.gz', '/srv/logs/--output=x.log.1.gz'],
	['./app.log.1', '/srv/logs/app.log.1'],
	['sub/app.log.1', '/srv/logs/sub/app.log.1'],
	['../app.log.1', '/srv/app.log.1'],
	['/var/log/app.log.1', '/var/log/app.log.1'],
];

for (const [given, absolute] of table) {
	test(`hookPath ${given}`, t => {
		t.is(hookPath(given, '/srv/logs'), absolute);
	});
}
