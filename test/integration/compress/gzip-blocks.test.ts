// gzip made block by block (src/compress/gzip-blocks.ts), or in one call below a block: one valid gzip member that node:zlib and the gzip
// program both read back to exactly the input, at every seam between blocks, within a few bytes
// per block of what one zlib stream makes.
import {execFileSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import {gzipBlocks, gzipBlocksAvailable} from '../../../src/compress/gzip-blocks.js';
import {tempDir} from '../../helpers/temp.js';

// zlib.crc32 arrived in Node 20.15; older ones take the stream path, tested end to end.
const withCrc32 = gzipBlocksAvailable() ? test : test.skip;

const hasGzip = (() => {
	try {
		execFileSync('gzip', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

/** Text that compresses like a log: repeated words, counters, now and then random bytes. */
function logLike(bytes: number, seed: number): Buffer {
	const words = ['GET', 'POST', '/api/v1/items', 'user=', 'status=200', 'status=404', 'ms', 'INFO', 'WARN', 'request', 'done'];
	const parts: Buffer[] = [];
	let size = 0;
	let state = seed;
	const next = () => {
		state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
		return state;
	};

	for (let line = 0; size < bytes; line++) {
		const text = next() % 17 === 0
			? crypto.createHash('sha256').update(String(next())).digest()
			: Buffer.from(`${line} ${words[next() % words.length]} ${words[next() % words.length]} ${next() % 1000}\n`);
		parts.push(text);
		size += text.length;
	}

	return Buffer.concat(parts).subarray(0, bytes);
}

function gzipThroughFiles(directory: string, input: Buffer, level: number, blockBytes: number): Buffer {
	const source = path.join(directory, 'raw');
	const target = path.join(directory, 'raw.gz');
	fs.writeFileSync(source, input);
	const inFd = fs.openSync(source, 'r');
	const outFd = fs.openSync(target, 'w');
	try {
		gzipBlocks(inFd, outFd, level, blockBytes);
	} finally {
		fs.closeSync(inFd);
		fs.closeSync(outFd);
	}

	return fs.readFileSync(target);
}

const blockBytes = 64 * 1024;
const cases: Array<[string, Buffer]> = [
	['empty', Buffer.alloc(0)],
	['one byte', Buffer.from('x')],
	['one line', Buffer.from('hello\n')],
	['a log of 3 KiB, as check makes hundreds of', logLike(3000, 9)],
	['one byte short of a block, larger than the window', logLike(blockBytes - 1, 10)],
	['exactly one block', logLike(blockBytes, 1)],
	['one block and one byte', logLike(blockBytes + 1, 2)],
	['exactly three blocks', logLike(3 * blockBytes, 3)],
	['several blocks and a tail', logLike((5 * blockBytes) + 12_345, 4)],
	['random bytes over several blocks', crypto.randomBytes((3 * blockBytes) + 7)],
	['NUL, CR and invalid UTF-8 across seams', Buffer.concat([Buffer.alloc(blockBytes - 3, 0), Buffer.from([0x0d, 0xff, 0xfe, 0x0a, 0xc3, 0x28]), logLike(blockBytes, 5)])],
];

for (const [title, input] of cases) {
	withCrc32(`gzipBlocks: ${title} (${input.length} bytes) reads back exactly`, async t => {
		const directory = await tempDir(t);
		for (const level of [1, 6, 9]) {
			const gz = gzipThroughFiles(directory, input, level, blockBytes);
			t.deepEqual(gz.subarray(0, 4), Buffer.from([0x1f, 0x8b, 8, 0]), 'gzip magic, deflate, no flags');
			t.true(zlib.gunzipSync(gz).equals(input), `level ${level}: node:zlib reads it back`);
			// The trailer: CRC-32 and length of the input.
			t.is(gz.readUInt32LE(gz.length - 4), input.length);
			t.is(gz.readUInt32LE(gz.length - 8), zlib.crc32(input));
			if (hasGzip) {
				t.true(execFileSync('gzip', ['-dc'], {input: gz, maxBuffer: 64 * 1024 * 1024}).equals(input), `level ${level}: gzip -dc reads it back`);
			}
		}
	});
}

withCrc32('gzipBlocks: one member, and as small as one zlib stream within a few bytes per block', async t => {
	const directory = await tempDir(t);
	const input = logLike(16 * blockBytes, 6);
	const blocks = gzipThroughFiles(directory, input, 6, blockBytes);
	const stream = zlib.gzipSync(input, {level: 6});
	// Each seam costs a sync flush (an empty stored block, 5 bytes) and a fresh block header.
	t.true(blocks.length <= stream.length + (16 * 16), `${blocks.length} bytes against ${stream.length} in one stream`);
	// Priming with the previous 32 KiB matters: without it each block would start cold.
	const cold = Buffer.concat(Array.from({length: 16}, (_, index) => zlib.deflateRawSync(input.subarray(index * blockBytes, (index + 1) * blockBytes), {level: 6})));
	t.true(blocks.length < cold.length, `${blocks.length} bytes against ${cold.length} for unprimed blocks`);
	if (hasGzip) {
		// gzip -l reads the trailer of the last member; one member means it reports the whole length.
		const file = path.join(directory, 'one.gz');
		fs.writeFileSync(file, blocks);
		t.regex(execFileSync('gzip', ['-l', file], {encoding: 'utf8'}), new RegExp(`\\s${input.length}\\s`));
	}
});

withCrc32('gzipBlocks: an archive smaller than a block is one deflate call, as small as zlib\'s own gzip', async t => {
	const directory = await tempDir(t);
	for (const bytes of [100, 3000, 40_000, blockBytes - 1]) {
		const input = logLike(bytes, bytes);
		const gz = gzipThroughFiles(directory, input, 6, blockBytes);
		// zlib's gzip: the same deflate with an 18-byte header and trailer; the window sized to the
		// input finds the same matches, and no sync-flushed seam or separate final block is added.
		t.true(gz.length <= zlib.gzipSync(input, {level: 6, memLevel: 9}).length, `${bytes} bytes: ${gz.length} against zlib's ${zlib.gzipSync(input, {level: 6, memLevel: 9}).length}`);
		t.true(zlib.gunzipSync(gz).equals(input));
	}
});

withCrc32('gzipBlocks: blocks smaller than the 32 KiB window still prime across seams', async t => {
	const directory = await tempDir(t);
	const input = logLike(200_000, 7);
	const gz = gzipThroughFiles(directory, input, 6, 1000);
	t.true(gz.length < zlib.deflateRawSync(input, {level: 6}).length * 1.5, 'primed blocks compress like a stream');
	t.true(zlib.gunzipSync(gz).equals(input));
});

withCrc32('gzipBlocks: a write error throws', async t => {
	const directory = await tempDir(t);
	const source = path.join(directory, 'raw');
	fs.writeFileSync(source, logLike(10 * blockBytes, 8));
	const inFd = fs.openSync(source, 'r');
	// Opened for reading only: the first write fails with EBADF.
	const outFd = fs.openSync(source, 'r');
	try {
		t.throws(() => {
			gzipBlocks(inFd, outFd, 6, blockBytes);
		}, {code: 'EBADF'});
	} finally {
		fs.closeSync(inFd);
		fs.closeSync(outFd);
	}
});
