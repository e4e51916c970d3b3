// Checks that what the writers left on disk is the corpus: byte for byte in order for one writer,
// as a multiset of lines for several writers sharing one file (their lines interleave). Compressed
// archives are read through node:zlib's streaming gunzip, never inflated whole in memory.
import fs from 'node:fs';
import path from 'node:path';
import {createGunzip} from 'node:zlib';

export type Verdict = {
	ok: boolean;
	detail: string;
	/** What a compressing case left: files (compressed ones among them) and their bytes on disk. */
	output?: OutputStats;
};

export type OutputStats = {files: number; compressed: number; bytesOnDisk: number};

const chunkSize = 4 * 1024 * 1024;

/** True when the concatenation of `files` is byte-identical to `expected`. */
export async function sameBytes(files: readonly string[], expected: string): Promise<Verdict> {
	const want = await fs.promises.open(expected, 'r');
	const got = Buffer.allocUnsafe(chunkSize);
	const reference = Buffer.allocUnsafe(chunkSize);
	let position = 0;
	try {
		for (const file of files) {
			const handle = await fs.promises.open(file, 'r');
			try {
				let offset = 0;
				for (;;) {
					const {bytesRead} = await handle.read(got, 0, chunkSize, offset);
					if (bytesRead === 0) {
						break;
					}

					const {bytesRead: referenceRead} = await want.read(reference, 0, bytesRead, position);
					const differs = firstDifference(got.subarray(0, bytesRead), reference.subarray(0, referenceRead));
					if (differs === referenceRead && referenceRead < bytesRead) {
						return {ok: false, detail: `output is longer than the corpus: ${path.basename(file)} byte ${offset + differs} (output byte ${position + differs}) is extra`};
					}

					if (differs !== -1) {
						return {ok: false, detail: `${path.basename(file)} byte ${offset + differs} (output byte ${position + differs}) differs from the corpus`};
					}

					offset += bytesRead;
					position += bytesRead;
				}
			} finally {
				await handle.close();
			}
		}

		const {size} = await want.stat();
		if (position !== size) {
			return {ok: false, detail: `output holds ${position} bytes, the corpus ${size}`};
		}

		return {ok: true, detail: `${files.length} file(s), byte-identical`};
	} finally {
		await want.close();
	}
}

/** The first index where two views differ (a shorter view differs where it ends), or -1. */
function firstDifference(a: Buffer, b: Buffer): number {
	if (a.equals(b)) {
		return -1;
	}

	const common = Math.min(a.length, b.length);
	for (let i = 0; i < common; i++) {
		if (a[i] !== b[i]) {
			return i;
		}
	}

	return common;
}

/**
 * An order-independent fingerprint of a multiset of lines: the count, the bytes, and the sums
 * (mod 2^32) of two independent 32-bit hashes of each line, newline included. Lost, duplicated,
 * torn or merged lines change it; the order of lines does not.
 */
export type LineDigest = {lines: number; bytes: number; sumA: number; sumB: number};

/** The digest of the lines of `files` taken together; a last line without a newline counts as a line. */
export async function digestFiles(files: readonly string[]): Promise<LineDigest> {
	const buffer = Buffer.allocUnsafe(chunkSize);
	const hasher = new LineHasher();
	for (const file of files) {
		const handle = await fs.promises.open(file, 'r');
		try {
			for (;;) {
				const {bytesRead} = await handle.read(buffer, 0, chunkSize, null);
				if (bytesRead === 0) {
					break;
				}

				hasher.update(buffer.subarray(0, bytesRead));
			}
		} finally {
			await handle.close();
		}

		// Per file: a line never spans two files, so a file's unfinished tail is a line of its own.
		hasher.endLine();
	}

	return hasher.digest;
}

/** Builds a LineDigest from chunks cut anywhere. */
class LineHasher {
	readonly digest: LineDigest = {lines: 0, bytes: 0, sumA: 0, sumB: 0};
	private a = 0x81_1c_9d_c5;
	private b = 0x97_47_b2_8c;
	private pending = false;

	update(chunk: Buffer): void {
		const {digest} = this;
		let {a, b, pending} = this;
		digest.bytes += chunk.length;
		for (let i = 0; i < chunk.length; i++) {
			const byte = chunk[i]!;
			a = Math.imul(a ^ byte, 0x01_00_01_93);
			b = Math.imul(b ^ byte, 0x5b_d1_e9_95);
			b ^= b >>> 15;
			pending = true;
			if (byte === 0x0a) {
				digest.sumA = (digest.sumA + finish(a)) >>> 0;
				digest.sumB = (digest.sumB + finish(b)) >>> 0;
				digest.lines += 1;
				a = 0x81_1c_9d_c5;
				b = 0x97_47_b2_8c;
				pending = false;
			}
		}

		this.a = a;
		this.b = b;
		this.pending = pending;
	}

	/** Counts an unfinished tail as a line. */
	endLine(): void {
		if (this.pending) {
			this.digest.sumA = (this.digest.sumA + finish(this.a)) >>> 0;
			this.digest.sumB = (this.digest.sumB + finish(this.b)) >>> 0;
			this.digest.lines += 1;
			this.a = 0x81_1c_9d_c5;
			this.b = 0x97_47_b2_8c;
			this.pending = false;
		}
	}
}

/** The digest of `times` copies of the same lines. */
export function repeatDigest(digest: LineDigest, times: number): LineDigest {
	return {
		lines: digest.lines * times,
		bytes: digest.bytes * times,
		sumA: Math.imul(digest.sumA, times) >>> 0,
		sumB: Math.imul(digest.sumB, times) >>> 0,
	};
}

export function compareDigests(got: LineDigest, want: LineDigest): Verdict {
	if (got.lines === want.lines && got.bytes === want.bytes && got.sumA === want.sumA && got.sumB === want.sumB) {
		return {ok: true, detail: `${got.lines} lines, same multiset as the input`};
	}

	return {
		ok: false,
		detail: `lines ${got.lines} (want ${want.lines}), bytes ${got.bytes} (want ${want.bytes}), `
			+ `hashes ${hex(got.sumA)}${hex(got.sumB)} (want ${hex(want.sumA)}${hex(want.sumB)})`,
	};
}

/** A final mix, so that lines differing in one byte spread over all 32 bits before summing. */
function finish(hash: number): number {
	let h = hash ^ (hash >>> 16);
	h = Math.imul(h, 0x85_eb_ca_6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2_b2_ae_35);
	return (h ^ (h >>> 16)) >>> 0;
}

function hex(value: number): string {
	return value.toString(16).padStart(8, '0');
}

export type RotatedFiles = {
	/** Archives oldest first (highest number first), then FILE: the order the lines were written. */
	files: string[];
	problems: string[];
};

/**
 * The files rotlog left for `base` in `directory` (nothing else may be there but the lock file),
 * with what is wrong with them: gaps in the numbers, a file over `max`.
 */
export async function rotatedFiles(directory: string, base: string, max: number): Promise<RotatedFiles> {
	const problems: string[] = [];
	const numbers: number[] = [];
	let hasBase = false;
	for (const name of await fs.promises.readdir(directory)) {
		const archive = name.startsWith(`${base}.`) ? /^[1-9]\d*$/.exec(name.slice(base.length + 1)) : null;
		if (archive) {
			numbers.push(Number(archive[0]));
		} else if (name === base) {
			hasBase = true;
		} else if (name !== `${base}.lock`) {
			problems.push(`unexpected file '${name}'`);
		}
	}

	numbers.sort((x, y) => y - x);
	for (const [index, number] of numbers.entries()) {
		if (number !== numbers.length - index) {
			problems.push(`archive numbers ${numbers.join(',')} have a gap`);
			break;
		}
	}

	const files = numbers.map(number => path.join(directory, `${base}.${number}`));
	if (hasBase) {
		files.push(path.join(directory, base));
	}

	for (const file of files) {
		const {size} = await fs.promises.stat(file);
		if (size > max) {
			// The corpus has no line near --max, so no file may exceed it.
			problems.push(`${path.basename(file)} holds ${size} bytes, over --max ${max}`);
		}
	}

	return {files, problems};
}

/** One file of a sink's output: raw, or gzip (one or more members) to be decompressed on the fly. */
export type Part = {file: string; gzip: boolean};

/** The bytes of `part`, decompressed when it is gzip. */
async function * partChunks(part: Part): AsyncGenerator<Buffer> {
	const raw = fs.createReadStream(part.file, {highWaterMark: chunkSize});
	const stream = part.gzip ? raw.pipe(createGunzip({chunkSize: 1024 * 1024})) : raw;
	// A corrupt archive fails the gunzip stream; the read stream's own errors must end it too.
	raw.on('error', error => stream.destroy(error));
	for await (const chunk of stream) {
		yield chunk as Buffer;
	}
}

export type PartsVerdict = Verdict & {
	/** Decompressed bytes of each part, in order (up to the first difference). */
	sizes: number[];
};

/**
 * True when the parts, decompressed and concatenated in order, are byte-identical to `expected`.
 * With `wantDigest` (the corpus's), a difference is also described by the multiset of lines of the
 * whole output (how many lines and bytes were lost, doubled or changed), read a second time.
 */
export async function sameParts(parts: readonly Part[], expected: string, wantDigest?: LineDigest): Promise<PartsVerdict> {
	const want = await fs.promises.open(expected, 'r');
	const sizes: number[] = [];
	let reference = Buffer.allocUnsafe(chunkSize);
	let position = 0;
	let mismatch: string | undefined;
	try {
		const {size: wantSize} = await want.stat();
		outer: for (const part of parts) {
			let offset = 0;
			try {
				for await (const chunk of partChunks(part)) {
					if (reference.length < chunk.length) {
						reference = Buffer.allocUnsafe(chunk.length);
					}

					const {bytesRead} = await want.read(reference, 0, chunk.length, position);
					const differs = firstDifference(chunk, reference.subarray(0, bytesRead));
					if (differs !== -1) {
						mismatch = differs === bytesRead && bytesRead < chunk.length
							? `output is longer than the corpus: ${path.basename(part.file)} byte ${offset + differs} (output byte ${position + differs}) is extra`
							: `${path.basename(part.file)} byte ${offset + differs} (output byte ${position + differs}) differs from the corpus`;
						sizes.push(offset + differs);
						break outer;
					}

					offset += chunk.length;
					position += chunk.length;
				}
			} catch (error) {
				mismatch = `${path.basename(part.file)}: ${error instanceof Error ? error.message : String(error)}`;
				break;
			}

			sizes.push(offset);
		}

		if (mismatch === undefined && position !== wantSize) {
			mismatch = `output holds ${position} bytes, the corpus ${wantSize}`;
		}
	} finally {
		await want.close();
	}

	const compressed = parts.filter(part => part.gzip).length;
	if (mismatch === undefined) {
		return {ok: true, detail: `${parts.length} file(s) (${compressed} gzip), byte-identical to the corpus in order`, sizes};
	}

	if (wantDigest === undefined) {
		return {ok: false, detail: mismatch, sizes};
	}

	const multiset = compareDigests(await digestParts(parts), wantDigest);
	return {ok: false, detail: `${mismatch}; as a multiset of lines: ${multiset.ok ? 'the same lines' : multiset.detail}`, sizes};
}

/** The digest of the lines of the parts, decompressed and concatenated (a line may span two parts). */
async function digestParts(parts: readonly Part[]): Promise<LineDigest> {
	const hasher = new LineHasher();
	for (const part of parts) {
		try {
			for await (const chunk of partChunks(part)) {
				hasher.update(chunk);
			}
		} catch {
			// Counted up to the damage; the byte comparison has named it already.
		}
	}

	hasher.endLine();
	return hasher.digest;
}

export type RotlogOutput = {
	/** Archives oldest first (highest number first), then FILE. */
	parts: Part[];
	problems: string[];
	stats: OutputStats;
};

/**
 * What rotlog left for `base` in `directory` with `--compress gzip` (`compressed`, every archive
 * must be BASE.N.gz) or `none` (BASE.N): nothing else but the lock file, no gaps in the numbers.
 */
export async function rotlogOutput(directory: string, base: string, compressed: boolean): Promise<RotlogOutput> {
	const problems: string[] = [];
	const numbers: number[] = [];
	const extension = compressed ? '.gz' : '';
	let hasBase = false;
	let bytesOnDisk = 0;
	for (const name of await fs.promises.readdir(directory)) {
		const archive = name.startsWith(`${base}.`) && name.endsWith(extension)
			? /^[1-9]\d*$/.exec(name.slice(base.length + 1, name.length - extension.length))
			: null;
		if (archive) {
			numbers.push(Number(archive[0]));
		} else if (name === base) {
			hasBase = true;
		} else if (name !== `${base}.lock`) {
			problems.push(`unexpected file '${name}'`);
			continue;
		}

		bytesOnDisk += (await fs.promises.stat(path.join(directory, name))).size;
	}

	numbers.sort((x, y) => y - x);
	for (const [index, number] of numbers.entries()) {
		if (number !== numbers.length - index) {
			problems.push(`archive numbers ${numbers.join(',')} have a gap`);
			break;
		}
	}

	const parts: Part[] = numbers.map(number => ({file: path.join(directory, `${base}.${number}${extension}`), gzip: compressed}));
	if (hasBase) {
		parts.push({file: path.join(directory, base), gzip: false});
	}

	return {parts, problems, stats: {files: parts.length, compressed: compressed ? numbers.length : 0, bytesOnDisk}};
}
