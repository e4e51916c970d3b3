// The corpus: realistic log lines of an exact size, generated from a seed and cached in bench/out/
// with its quarters (cut at line boundaries) and its line digest, so a second run starts at once.
import fs from 'node:fs';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {LineMaker} from './lines.js';
import {digestFiles, type LineDigest} from './verify.js';

/** Bump when the generator changes, so that cached corpora are made anew. */
const generatorVersion = 1;
const writeChunk = 4 * 1024 * 1024;

export type Corpus = {
	path: string;
	bytes: number;
	lines: number;
	longestLine: number;
	/** Lines holding bytes that are not valid UTF-8. */
	invalidLines: number;
	digest: LineDigest;
	/** Four files that together are the corpus, each cut at a line boundary. */
	quarters: string[];
};

type Meta = Omit<Corpus, 'path' | 'quarters'> & {version: number; seed: number};

/** The cached corpus for this size and seed, generated first if it is missing or stale. */
export async function loadCorpus(directory: string, size: number, seed: number, log: (text: string) => void): Promise<Corpus> {
	const name = `corpus-${size}-seed${seed}`;
	const file = path.join(directory, `${name}.log`);
	const quarters = [1, 2, 3, 4].map(part => path.join(directory, `${name}.part${part}`));
	const metaFile = path.join(directory, `${name}.json`);
	const cached = readMeta(metaFile);
	if (cached && cached.version === generatorVersion && cached.seed === seed && [file, ...quarters].every(each => fs.existsSync(each))
		&& fs.statSync(file).size === size) {
		return {...cached, path: file, quarters};
	}

	fs.mkdirSync(directory, {recursive: true});
	fs.rmSync(metaFile, {force: true});
	log(`generating a ${size}-byte corpus (seed ${seed}) in ${directory} ...`);
	const started = performance.now();
	const made = generate(file, size, seed);
	const bounds = [0, ...made.cuts, size, size, size].slice(0, 5);
	for (const [index, quarter] of quarters.entries()) {
		await copyRange(file, quarter, bounds[index]!, bounds[index + 1]!);
	}

	const digest = await digestFiles([file]);
	const meta: Meta = {version: generatorVersion, seed, bytes: size, lines: made.lines, longestLine: made.longestLine, invalidLines: made.invalidLines, digest};
	fs.writeFileSync(metaFile, `${JSON.stringify(meta, null, '\t')}\n`);
	log(`corpus ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return {...meta, path: file, quarters};
}

function readMeta(file: string): Meta | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as Meta;
	} catch {
		return undefined;
	}
}

type Made = {lines: number; longestLine: number; invalidLines: number; cuts: number[]};

/** Writes exactly `size` bytes of whole lines to `file` (through a temporary name). */
function generate(file: string, size: number, seed: number): Made {
	const maker = new LineMaker(seed);
	const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
	const fd = fs.openSync(temporary, 'w');
	const made: Made = {lines: 0, longestLine: 0, invalidLines: 0, cuts: []};
	let written = 0;
	let pending: string[] = [];
	let pendingBytes = 0;
	const flush = () => {
		const bytes = Buffer.from(pending.join(''), 'latin1');
		let done = 0;
		while (done < bytes.length) {
			done += fs.writeSync(fd, bytes, done);
		}

		pending = [];
		pendingBytes = 0;
	};

	try {
		while (written < size) {
			let line = maker.next();
			const room = size - written;
			if (line.text.length > room) {
				// The last line fills the corpus to its exact size.
				line = {text: `${'.'.repeat(room - 1)}\n`, invalid: false};
			}

			pending.push(line.text);
			pendingBytes += line.text.length;
			written += line.text.length;
			made.lines += 1;
			made.longestLine = Math.max(made.longestLine, line.text.length);
			made.invalidLines += line.invalid ? 1 : 0;
			// The quarters end at the first line end at or past each quarter of the size.
			if (made.cuts.length < 3 && written >= ((made.cuts.length + 1) * size) / 4) {
				made.cuts.push(written);
			}

			if (pendingBytes >= writeChunk) {
				flush();
			}
		}

		flush();
	} finally {
		fs.closeSync(fd);
	}

	fs.renameSync(temporary, file);
	return made;
}

async function copyRange(from: string, to: string, start: number, end: number): Promise<void> {
	// An empty range (a tiny corpus) still makes an empty file.
	if (end <= start) {
		fs.writeFileSync(to, '');
		return;
	}

	await pipeline(fs.createReadStream(from, {start, end: end - 1, highWaterMark: writeChunk}), fs.createWriteStream(to));
}
