// lockConflict: a lock path that is FILE, or a name the naming takes for one of FILE's archives,
// would be rotated, compressed or deleted like one.
import test from 'ava';
import {lockConflict} from '../../../src/cli/policies.js';
import type {Naming} from '../../../src/decide/date-names.js';

const numbered: Naming = {kind: 'numbered'};
const date: Naming = {kind: 'date', format: '%Y-%m-%d'};

const table: Array<[string, string, Naming, string | undefined]> = [
	['app.log', 'app.log.lock', numbered, undefined],
	['app.log', 'app.log', numbered, 'the lock file cannot be FILE itself'],
	['app.log', './app.log', numbered, 'the lock file cannot be FILE itself'],
	['/var/log/app.log', '/var/log/../log/app.log', numbered, 'the lock file cannot be FILE itself'],
	['app.log', 'app.log.1', numbered, 'the lock file would be taken for an archive of \'app.log\''],
	['app.log', 'app.log.12.gz', numbered, 'the lock file would be taken for an archive of \'app.log\''],
	['logs/app.log', 'logs/app.log.3.zst', numbered, 'the lock file would be taken for an archive of \'logs/app.log\''],
	['app.log', 'other/app.log.1', numbered, undefined],
	['app.log', 'app.log.1', date, undefined],
	['app.log', 'app.log.2026-11-26', date, 'the lock file would be taken for an archive of \'app.log\''],
	['app.log', 'app.log.2026-11-26.2.br', date, 'the lock file would be taken for an archive of \'app.log\''],
	['app.log', 'app.log.2026-11-26', numbered, undefined],
	['app.log', 'app.log.0', numbered, undefined],
	['app.log', 'app.lock', numbered, undefined],
];

for (const [file, lock, naming, expected] of table) {
	test(`lockConflict(${file}, ${lock}, ${naming.kind})`, t => {
		t.is(lockConflict(file, lock, naming), expected);
	});
}
