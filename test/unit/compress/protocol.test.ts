// Tables for the pure parts of the compression protocol: temp names and the names of compressed copies.
import test from 'ava';
import {compressedNames, tempInode, tempName} from '../../../src/compress/protocol.js';

test('temp names are hidden, never start with the base name, and give back the inode', t => {
	for (const base of ['app.log', '.hidden', 'a.compress.1']) {
		const name = tempName(base, 123_456);
		t.true(name.startsWith('.'));
		t.false(name.startsWith(base));
		t.is(tempInode(base, name), 123_456);
	}

	for (const name of ['app.log.1', '.app.log.compress.', '.app.log.compress.12x', '.other.compress.1', 'app.log.compress.1']) {
		t.is(tempInode('app.log', name), undefined, name);
	}
});

test('the names a compressed copy may have: one per codec, the codec\'s extension appended', t => {
	for (const [name, expected] of [
		['app.log.1', ['app.log.1.gz', 'app.log.1.br', 'app.log.1.zst']],
		['app.log.2024-05-01', ['app.log.2024-05-01.gz', 'app.log.2024-05-01.br', 'app.log.2024-05-01.zst']],
		['app.log.1.gz', ['app.log.1.gz.gz', 'app.log.1.gz.br', 'app.log.1.gz.zst']],
	] as const) {
		t.deepEqual(compressedNames(name), expected, name);
	}
});
