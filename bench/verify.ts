// Checks that what the writers left on disk is the corpus: byte for byte in order for one writer,
// as a multiset of lines for several writers sharing one file (their lines interleave).
import fs from 'node:fs';
import path from 'node:path';

export type Verdict = {ok: boolean; detail: string};

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
	const digest: LineDigest = {lines: 0, bytes: 0, sumA: 0, sumB: 0};
	for (const file of files) {
		const handle = await fs.promises.open(file, 'r');
		// Per file: a line never spans two files, so a file's unfinished tail is a line of its own.
		let a = 0x81_1c_9d_c5;
		let b = 0x97_47_b2_8c;
		let pending = false;
		try {
			for (;;) {
				const {bytesRead} = await handle.read(buffer, 0, chunkSize, null);
				if (bytesRead === 0) {
					break;
				}

				digest.bytes += bytesRead;
				for (let i = 0; i < bytesRead; i++) {
					const byte = buffer[i]!;
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
			}
		} finally {
			await handle.close();
		}

		if (pending) {
			digest.sumA = (digest.sumA + finish(a)) >>> 0;
			digest.sumB = (digest.sumB + finish(b)) >>> 0;
			digest.lines += 1;
		}
	}

	return digest;
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
