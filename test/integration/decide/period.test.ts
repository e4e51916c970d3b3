// The local zone (decide/period.ts): each zone is set as TZ in a Node process of its own, which
// computes its periods there, so that this process's zone is never changed under other tests.
import process from 'node:process';
import test from 'ava';
import {execa} from 'execa';
import {parseInterval, periodOf} from '../../../src/decide/period.js';

const at = (iso: string) => Date.parse(iso);
const interval = (spec: string) => parseInterval('interval', spec);

test('the local zone honours TZ and agrees with the named zone (child processes)', async t => {
	// Local time goes through Date, named zones through Intl: two paths that must agree.
	const cases: Array<[string, string]> = [
		['daily', '2026-03-29T12:00:00Z'],
		['daily', '2026-10-25T00:30:00Z'],
		['weekly', '2026-10-25T12:00:00Z'],
		['monthly', '2026-03-31T22:30:00Z'],
		['3d', '2026-11-01T05:00:00Z'],
	];
	const script = `
		import {periodOf, parseInterval} from ${JSON.stringify(new URL('../../../src/decide/period.js', import.meta.url).href)};
		const cases = ${JSON.stringify(cases)};
		console.log(JSON.stringify(cases.map(([spec, instant]) => periodOf(parseInterval('interval', spec), undefined, Date.parse(instant)))));`;
	await Promise.all(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'].map(async zone => {
		const {stdout} = await execa(process.execPath, ['--input-type=module', '-e', script], {env: {TZ: zone}});
		const expected = cases.map(([spec, instant]) => periodOf(interval(spec), zone, at(instant)));
		t.deepEqual(JSON.parse(stdout), expected, zone);
	}));
});
