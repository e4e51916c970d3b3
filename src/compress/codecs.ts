// Codec selection: the --compress and --compress-level values, each codec's archive extension and
// level range, and where its implementation comes from (node:zlib, or the system zstd program).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {codecExtensions} from '../decide/extensions.js';
import {invalidValue, RuntimeFailure} from '../errors.js';

export const codecNames = ['gzip', 'brotli', 'zstd', 'none'] as const;
export type CodecName = (typeof codecNames)[number];

type CodecInfo = {extension: string; min: number; max: number; defaultLevel: number};

/** Levels follow each tool's own scale; brotli defaults to 5 because its 11 is ~20x slower than gzip. */
export const codecInfo: Record<Exclude<CodecName, 'none'>, CodecInfo> = {
	gzip: {extension: codecExtensions.gzip, min: 1, max: 9, defaultLevel: 6},
	brotli: {extension: codecExtensions.brotli, min: 0, max: 11, defaultLevel: 5},
	zstd: {extension: codecExtensions.zstd, min: 1, max: 19, defaultLevel: 3},
};

/** A codec ready to use: `zstd` says whether node:zlib or the system program does the work. */
export type Codec = {
	name: Exclude<CodecName, 'none'>;
	level: number;
	extension: string;
	engine: 'zlib' | 'program';
};

export function parseCompress(option: string, value: string): CodecName {
	const name = codecNames.find(known => known === value.trim().toLowerCase());
	if (!name) {
		throw invalidValue(option, value, `expected ${codecNames.join(', ')}`);
	}

	return name;
}

/** The level as given; its range depends on the codec, checked by `selectCodec`. */
export function parseLevel(option: string, value: string): number {
	if (!/^\s*\d{1,2}\s*$/.test(value)) {
		throw invalidValue(option, value, 'expected a whole number');
	}

	return Number(value);
}

/** Node 22.15 and later compress zstd in node:zlib; older ones do not know it. */
export function zlibHasZstd(): boolean {
	return typeof (zlib as unknown as Record<string, unknown>)['createZstdCompress'] === 'function';
}

/** The first executable `program` on $PATH, without running anything. */
export function findProgram(program: string, searchPath = process.env['PATH'] ?? ''): string | undefined {
	for (const directory of searchPath.split(path.delimiter)) {
		if (directory.length === 0) {
			continue;
		}

		const candidate = path.join(directory, program);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) {
				return candidate;
			}
		} catch {
			// Not here; keep looking.
		}
	}

	return undefined;
}

/**
 * Checks the level against the codec and finds an engine, at start-up, so that a bad level or a
 * missing zstd is one line on stderr before anything is written. Undefined: no compression.
 */
export function selectCodec(name: CodecName, level: number | undefined): Codec | undefined {
	if (name === 'none') {
		if (level !== undefined) {
			throw invalidValue('compress-level', String(level), '--compress none takes no level');
		}

		return undefined;
	}

	const info = codecInfo[name];
	if (level !== undefined && (level < info.min || level > info.max)) {
		throw invalidValue('compress-level', String(level), `${name} takes ${info.min} to ${info.max}`);
	}

	let engine: Codec['engine'] = 'zlib';
	if (name === 'zstd' && !zlibHasZstd()) {
		if (!findProgram('zstd')) {
			throw new RuntimeFailure(`cannot compress with zstd: Node ${process.version} has no zstd (22.15 and later do) and no 'zstd' program is on PATH`);
		}

		engine = 'program';
	}

	return {name, level: level ?? info.defaultLevel, extension: info.extension, engine};
}

/** A one-line reason from a failed zstd program run (execa's error, or what zstd printed). */
function programReason(error: unknown): string {
	if (typeof error === 'object' && error !== null) {
		const {code, stderr} = error as {code?: unknown; stderr?: unknown};
		if (code === 'ENOENT') {
			return 'the zstd program is no longer on PATH';
		}

		if (typeof stderr === 'string' && stderr.trim().length > 0) {
			return `zstd: ${stderr.trim().split('\n')[0] ?? ''}`;
		}
	}

	return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

/** Compresses everything readable from `input` (from offset 0) into `output` with `codec`. */
export async function compressDescriptor(codec: Codec, input: number, output: number): Promise<void> {
	if (codec.engine === 'program') {
		// The system zstd reads and writes the descriptors itself; no shell, nothing through us.
		const {execa} = await import('execa');
		try {
			// execa's typings accept literal descriptor numbers only; any open descriptor works.
			await execa('zstd', ['-q', '-c', `-${codec.level}`], {stdin: input as 3, stdout: output as 3, stderr: 'pipe'});
		} catch (error) {
			throw new Error(programReason(error), {cause: error});
		}

		return;
	}

	// Loaded here, in the compression child: the writers never need it.
	const {gzipBlocks, gzipBlocksAvailable} = await import('./gzip-blocks.js');
	if (codec.name === 'gzip' && gzipBlocksAvailable()) {
		gzipBlocks(input, output, codec.level);
		return;
	}

	const {pipeline} = await import('node:stream/promises');
	const source = fs.createReadStream('', {fd: input, start: 0, autoClose: false, highWaterMark: 256 * 1024});
	const sink = fs.createWriteStream('', {fd: output, autoClose: false});
	await pipeline(source, createZlibStream(codec, fs.fstatSync(input).size), sink);
}

function createZlibStream(codec: Codec, size: number) {
	switch (codec.name) {
		case 'gzip': {
			return zlib.createGzip({level: codec.level});
		}

		case 'brotli': {
			return zlib.createBrotliCompress({params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: codec.level,
				[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
			}});
		}

		case 'zstd': {
			// Node 22.15+ only; the typings of Node 20 do not know these names yet.
			const modern = zlib as unknown as {
				createZstdCompress(options: {params: Record<number, number>}): NodeJS.ReadWriteStream;
				constants: Record<string, number>;
			};
			return modern.createZstdCompress({params: {[modern.constants['ZSTD_c_compressionLevel'] ?? 100]: codec.level}});
		}
	}
}
