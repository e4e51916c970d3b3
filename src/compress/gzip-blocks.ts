// gzip without streams, for the compression child: one gzip member whose deflate data is
// made block by block, the way pigz makes it. Each block of input is deflated on its own, primed
// with the last 32 KiB of the input before it (so matches reach back across the seam as in one
// stream) and ended with a sync flush (byte-aligned, not final); an empty final block ends the
// stream. The result is one ordinary gzip member, within a few bytes per block of what one zlib
// stream makes, and any gunzip reads it. An archive smaller than one block is deflated in one call.
//
// Why: through node:zlib's stream classes (a read stream, the Gzip stream, a write stream) a 16 MiB
// archive cost about half as much CPU again as the deflate itself; here each block is one call into
// zlib with plain positioned reads and writes around it.
import fs from 'node:fs';
import zlib from 'node:zlib';
import {writeAll} from '../write-all.js';

/** Input per deflate call: large enough that the per-call set-up is noise, small enough to hold twice. */
export const defaultBlockBytes = 1024 * 1024;

/** deflate looks back at most 32 KiB: that much of the previous block primes the next. */
const windowBytes = 32 * 1024;

/** zlib.crc32 arrived in Node 20.15; without it callers use the stream path instead. */
export function gzipBlocksAvailable(): boolean {
	return typeof (zlib as {crc32?: unknown}).crc32 === 'function';
}

/** The 10-byte member header: no name, no time (as `gzip -n`), Unix. */
function header(level: number): Buffer {
	// XFL: 2 for the slowest level, 4 for the fastest, as gzip writes it.
	const extraFlags = level === 9 ? 2 : (level === 1 ? 4 : 0);
	return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3]);
}

/** Fills `buffer` from `fd` at `position`; fewer bytes only at end of file. */
function readFull(fd: number, buffer: Buffer, position: number): number {
	let filled = 0;
	while (filled < buffer.length) {
		const read = fs.readSync(fd, buffer, filled, buffer.length - filled, position + filled);
		if (read === 0) {
			break;
		}

		filled += read;
	}

	return filled;
}

/**
 * Each deflate call leaves its output pieces behind as garbage outside V8's heap, which V8
 * collects only once much has piled up: a child compressing a 100 MiB archive peaked at 84 MB
 * RSS. With --expose-gc (the compression child has it) a collection every 8 blocks keeps it
 * near the floor of an idle Node; where gc is not exposed, nothing changes.
 */
const collectEvery = 8;
const collect = (globalThis as {gc?: () => void}).gc;

/** zlib's memLevel 9 (gzip uses 8): a larger hash table, about 12% faster at level 6 and no larger. */
const memLevel = 9;

/**
 * gzips everything in `input` from offset 0 to its end into `output` (written at its current
 * offset), at `level` 1-9. Synchronous: the child that calls it has nothing else to do meanwhile,
 * and several children use several cores (deflating blocks in parallel on the thread pool of one
 * child cost a fifth more CPU than that, measured here).
 */
export function gzipBlocks(input: number, output: number, level: number, blockBytes = defaultBlockBytes): void {
	const size = fs.fstatSync(input).size;
	if (size >= blockBytes || !gzipWhole(input, output, level, size)) {
		gzipByBlocks(input, output, level, blockBytes);
	}
}

function gzipByBlocks(input: number, output: number, level: number, blockBytes: number): void {
	// Two buffers in turn: the block just deflated stays intact to prime the next one.
	const buffers = [Buffer.allocUnsafe(blockBytes), Buffer.allocUnsafe(blockBytes)];
	writeAll(output, header(level));
	let crc = 0;
	let total = 0;
	let dictionary: Buffer | undefined;
	for (let turn = 0; ; turn++) {
		const buffer = buffers[turn % 2]!;
		const length = readFull(input, buffer, total);
		if (length === 0) {
			break;
		}

		const block = buffer.subarray(0, length);
		writeAll(output, zlib.deflateRawSync(block, {
			level,
			memLevel,
			finishFlush: zlib.constants.Z_SYNC_FLUSH,
			...(dictionary === undefined ? {} : {dictionary}),
		}));
		crc = zlib.crc32(block, crc);
		total += length;
		const kept = Math.min(length, windowBytes);
		// Blocks shorter than the window (tests use them): prime across several blocks.
		dictionary = kept === windowBytes || dictionary === undefined
			? block.subarray(length - kept)
			: Buffer.concat([dictionary, block]).subarray(-windowBytes);
		if (length < blockBytes) {
			break;
		}

		if (turn % collectEvery === collectEvery - 1) {
			collect?.();
		}
	}

	// The final block (empty, BFINAL set), then CRC-32 and the length mod 2^32, little-endian.
	writeAll(output, zlib.deflateRawSync(Buffer.alloc(0), {level, memLevel}));
	const trailer = Buffer.alloc(8);
	trailer.writeUInt32LE(crc >>> 0, 0);
	trailer.writeUInt32LE(total % 2 ** 32, 4);
	writeAll(output, trailer);
}

/**
 * An archive smaller than one block (`rotlog check` over many small logs makes hundreds): one
 * deflate call that also ends the stream, into buffers of its size, with a window just large
 * enough to reach back over all of it (deflate keeps 262 bytes of look-ahead out of the window).
 * Two 1 MiB buffers, a 32 KiB window and a separate final block cost 4-10 times the deflate of a
 * few KiB itself.
 */
function gzipWhole(input: number, output: number, level: number, size: number): boolean {
	// One byte more than the size, to see whether it grew since (an archive should not): then
	// nothing is written, and the caller goes by blocks, which reads any length.
	const buffer = Buffer.allocUnsafe(size + 1);
	const length = readFull(input, buffer, 0);
	if (length > size) {
		return false;
	}

	const data = buffer.subarray(0, length);
	const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(length + 262))));
	const trailer = Buffer.alloc(8);
	trailer.writeUInt32LE(zlib.crc32(data) >>> 0, 0);
	trailer.writeUInt32LE(length, 4);
	writeAll(output, Buffer.concat([header(level), zlib.deflateRawSync(data, {level, memLevel, windowBits}), trailer]));
	return true;
}
