// maintain() as an API: what `rotlog check` runs without a writer, under the writers' lock.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {maintain as maintainActions, type MaintenancePolicy} from '../../../src/log/maintain.js';
import {parseInterval} from '../../../src/decide/period.js';
import {logNames, readText as read, setMtime} from '../../helpers/files.js';
import {poll} from '../../helpers/poll.js';
import {rotlog} from '../../helpers/rotlog.js';
import {tempDir} from '../../helpers/temp.js';

const now = Date.parse('2026-11-26T12:00:00Z');

type MaintainOptions = MaintenancePolicy & {force?: boolean; now?: number};

/** maintain() summarised: why FILE rotated, what it became, what retention deleted. */
function maintain(options: MaintainOptions) {
	const {force, now: at, ...policy} = options;
	const {actions} = maintainActions(policy, force ?? false, at);
	const rotated = actions.find(action => action.kind === 'rotated');
	return {
		rotated: rotated?.kind === 'rotated' ? rotated.reason : undefined,
		archive: rotated?.kind === 'rotated' ? rotated.archive : undefined,
		deleted: actions.flatMap(action => (action.kind === 'removed' ? [action.archive] : [])),
	};
}

async function setUp(t: ExecutionContext, fileContent: string, fileMtime: number) {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	fs.writeFileSync(file, fileContent);
	setMtime(file, fileMtime);
	const options: MaintainOptions = {
		file,
		lockPath: `${file}.lock`,
		keep: 10,
		interval: parseInterval('interval', 'daily'),
		zone: 'UTC',
		naming: {kind: 'date', format: '%Y-%m-%d'},
		now,
	};
	return {directory, file, options};
}

test('maintain rotates a file from an earlier period and names it after that period', async t => {
	const {directory, file, options} = await setUp(t, 'yesterday\n', Date.parse('2026-11-25T23:59:59Z'));
	t.deepEqual(maintain(options), {rotated: 'period', archive: `${file}.2026-11-25`, deleted: []});
	// A new empty FILE is there at once, for followers.
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.2026-11-25']);
	// Nothing more is due.
	t.deepEqual(maintain(options), {rotated: undefined, archive: undefined, deleted: []});
});

test('maintain leaves a file of the present period, and an empty file, alone', async t => {
	const current = await setUp(t, 'today\n', Date.parse('2026-11-26T00:00:00Z'));
	t.is(maintain(current.options).rotated, undefined);
	const empty = await setUp(t, '', Date.parse('2020-01-01T00:00:00Z'));
	t.is(maintain(empty.options).rotated, undefined);
	t.deepEqual(logNames(empty.directory, 'app.log'), ['app.log']);
});

test('maintain: size due, forced, and retention without a rotation that never deletes FILE', async t => {
	const {directory, file, options} = await setUp(t, '0123456789\n', now);
	t.is(maintain({...options, max: 12}).rotated, undefined);
	t.is(maintain({...options, max: 11}).rotated, 'size');
	fs.writeFileSync(file, 'more\n');
	setMtime(file, now);
	const forced = maintain({...options, force: true, interval: undefined});
	t.is(forced.rotated, 'forced');
	t.is(forced.archive, `${file}.2026-11-26.1`);
	fs.writeFileSync(file, 'x'.repeat(100));
	const pruned = maintain({...options, maxTotal: 50});
	t.is(pruned.rotated, undefined);
	t.deepEqual(pruned.deleted.sort(), [`${file}.2026-11-26`, `${file}.2026-11-26.1`]);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log']);
});

test('maintain spares archives whose compression is in progress', async t => {
	const {directory, file, options} = await setUp(t, '', now);
	for (const name of ['app.log.2026-11-20', 'app.log.2026-11-21', 'app.log.2026-11-22']) {
		fs.writeFileSync(path.join(directory, name), 'old\n');
	}

	const result = maintain({...options, keep: 0, inProgress: names => new Set(names.filter(name => name.endsWith('-21')))});
	t.deepEqual(result.deleted.sort(), [`${file}.2026-11-20`, `${file}.2026-11-22`]);
	t.deepEqual(logNames(directory, 'app.log'), ['app.log', 'app.log.2026-11-21']);
});

test('maintain and a running writer agree: the writer follows to the new FILE', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	const writer = rotlog([file, '--interval', 'daily', '--name', 'date', '--utc'], {stdin: 'pipe', reject: true});
	try {
		writer.stdin.write('before\n');
		await poll(() => read(file) === 'before\n', 'the first line');
		setMtime(file, Date.parse('2026-01-01T12:00:00Z'));
		const result = maintain({file, lockPath: `${file}.lock`, keep: 10, interval: parseInterval('interval', 'daily'), zone: 'UTC', naming: {kind: 'date', format: '%Y-%m-%d'}});
		t.is(result.rotated, 'period');
		writer.stdin.write('after\n');
		await poll(() => read(file) === 'after\n', 'the second line in a new FILE');
		writer.stdin.end();
		t.is((await writer).exitCode, 0);
	} finally {
		writer.kill();
	}

	t.is(read(`${file}.2026-01-01`), 'before\n');
});
