// A --date-format whose stamp ends in a codec's suffix names plain archives as compressed ones.
import test from 'ava';
import {parseDateFormat} from '../../../src/decide/date-names.js';
import {UsageError} from '../../../src/errors.js';

for (const [format, suffix] of [['%Y-%m-%dT%H-%M-%S.gz', '.gz'], ['%Y.br', '.br'], ['%s-x.zst', '.zst']] as const) {
	test(`parseDateFormat refuses ${format}`, t => {
		t.throws(() => parseDateFormat('date-format', format), {
			instanceOf: UsageError,
			message: `invalid --date-format '${format}': the stamp ends in '${suffix}', the suffix of compressed archives`,
		});
	});
}

for (const format of ['%Y-%m-%d', '%Y.gz-%m', '%Y-%m-%d.log', '%Y-%m.gzip', '%Y_gz']) {
	test(`parseDateFormat keeps ${format}`, t => {
		t.is(parseDateFormat('date-format', format), format);
	});
}
