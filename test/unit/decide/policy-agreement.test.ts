// Whether a writer agrees with the live writers' record (decide/policy-agreement.ts): every
// difference is named; naming and lock differences refuse.
import test from 'ava';
import {describeDisagreement, disagreements, refusals} from '../../../src/decide/policy-agreement.js';

const recorded = {name: 'numbered', keep: '10', compress: 'gzip', lock: '/l/app.log.lock'};

const table: Array<[string, Record<string, string>, string[], string[]]> = [
	['the same policy', {...recorded}, [], []],
	['another --keep', {...recorded, keep: '50'}, ['--keep 50 (the live writers recorded 10)'], []],
	['a --max the record lacks', {...recorded, max: '1024'}, ['--max 1024 (not recorded by the live writers)'], []],
	['date names', {...recorded, name: 'date', 'date-format': '%Y'}, ['--name date (the live writers recorded numbered)', '--date-format %Y (not recorded by the live writers)'], ['name', 'date-format']],
	['another lock', {...recorded, lock: '/other.lock'}, ['--lock /other.lock (the live writers recorded /l/app.log.lock)'], ['lock']],
	['no compression named', {name: 'numbered', keep: '10', lock: '/l/app.log.lock'}, ['--compress (not given) (the live writers recorded gzip)'], []],
];

for (const [title, ours, described, refused] of table) {
	test(`agreement: ${title}`, t => {
		const found = disagreements(recorded, ours);
		t.deepEqual(found.map(each => describeDisagreement(each)), described);
		t.deepEqual(refusals(found).map(each => each.key), refused);
	});
}

test('a value none recorded and nothing recorded read differently', t => {
	t.is(describeDisagreement({key: 'compress', recorded: 'none', ours: 'gzip'}), '--compress gzip (the live writers recorded none)');
	t.is(describeDisagreement({key: 'compress', recorded: undefined, ours: 'gzip'}), '--compress gzip (not recorded by the live writers)');
});
