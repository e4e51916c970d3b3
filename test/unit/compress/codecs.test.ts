// Tables for codec selection: option values and level ranges.
import test from 'ava';
import {parseCompress, parseLevel, selectCodec} from '../../../src/compress/codecs.js';

test('--compress values', t => {
	for (const [value, expected] of [['gzip', 'gzip'], ['BROTLI', 'brotli'], [' zstd ', 'zstd'], ['none', 'none']] as const) {
		t.is(parseCompress('compress', value), expected);
	}

	for (const value of ['', 'gz', 'lz4', 'xz']) {
		t.throws(() => parseCompress('compress', value), {message: `invalid --compress '${value}': expected gzip, brotli, zstd, none`});
	}
});

test('--compress-level is checked against the codec', t => {
	t.is(parseLevel('compress-level', '9'), 9);
	t.throws(() => parseLevel('compress-level', '-1'), {message: 'invalid --compress-level \'-1\': expected a whole number'});
	t.throws(() => parseLevel('compress-level', '1.5'), {message: /expected a whole number/});
	for (const [name, level, extension] of [['gzip', 1, '.gz'], ['gzip', 9, '.gz'], ['brotli', 0, '.br'], ['brotli', 11, '.br']] as const) {
		t.like(selectCodec(name, level), {name, level, extension, engine: 'zlib'});
	}

	t.like(selectCodec('gzip', undefined), {level: 6});
	t.like(selectCodec('brotli', undefined), {level: 5});
	t.is(selectCodec('none', undefined), undefined);
	for (const [name, level, range] of [['gzip', 0, '1 to 9'], ['gzip', 10, '1 to 9'], ['brotli', 12, '0 to 11']] as const) {
		t.throws(() => selectCodec(name, level), {message: `invalid --compress-level '${level}': ${name} takes ${range}`});
	}

	t.throws(() => selectCodec('none', 3), {message: /--compress none takes no level/});
});
