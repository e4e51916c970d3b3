// The benchmark's cases, one table row each. A case is a set of writers started together, each
// `cat INPUT | SINK`, and a check of what they left on disk. Rounds run the cases interleaved
// (A B C A B C ...), so every ratio to the floor is taken between neighbouring runs.
//
// The groups run in rounds (`--cases`; operations.ts and producers.ts are groups of their own): core (rotlog against the pipe floor, no compression), compress
// (the single writer with `--compress none` and `--compress gzip`, rotating at 16 MiB so
// that a 256 MiB corpus makes 15 archives), and peers (the same corpus through `rotatelogs -p`
// with a gzip hook, s6-log '!gzip', multilog '!gzip' and svlogd with a gzip processor, each at
// 16 MiB, multilog's largest size; each skipped when not installed). The floor runs with any of them.
import fs from 'node:fs';
import path from 'node:path';
import type {Corpus} from './corpus.js';
import {missingPrograms, type Pending, type Writer} from './measure.js';
import {
	compareDigests, digestFiles, repeatDigest, rotatedFiles, rotlogOutput, sameBytes, sameParts,
	type OutputStats, type Part, type Verdict,
} from './verify.js';

/** What each of the four shared-file writers is fed: a quarter of the corpus, or all of it. */
export type SharedInput = 'quarter' | 'full';

export type CaseContext = {
	corpus: Corpus;
	/** A fresh, empty directory for this run's output. */
	dir: string;
	rotlog: string;
	node: string;
	/** The compiled node-floor.js. */
	nodeFloor: string;
	shared: SharedInput;
	/** The run directory, shared by the cases of a round (the rotatelogs hook script goes there). */
	scratch: string;
};

export const roundGroups = ['core', 'compress', 'peers'] as const;
export type RoundGroup = (typeof roundGroups)[number];

export type BenchCase = {
	id: string;
	group: RoundGroup;
	/** The row's label. */
	title: string;
	/** The sinks are rotlog processes: their peak RSS counts against the memory target. */
	rotlog: boolean;
	/** Largest wall time per byte, relative to the pipe floor's, that meets the target. */
	target?: {ratio: number; text: string};
	/** Says what is missing when the case cannot run on this machine (a peer not installed). */
	missing?: () => string | undefined;
	/** Bytes the writers carry in one run: MB/s and the ratio to the floor are per byte. */
	bytes: (context: CaseContext) => number;
	writers: (context: CaseContext) => Writer[];
	verify: (context: CaseContext) => Promise<Verdict>;
	/** What is still being finished after the writers exit (archives compressing): `settled` waits for it. */
	pending?: (context: CaseContext) => Pending;
	/** Not run in warm-up rounds: the slow peers, whose warm-up would only add minutes. */
	skipWarmup?: true;
	/** Another tool: a failed check describes that tool's output, and does not fail the benchmark. */
	peer?: true;
	/** Why the CPU column misses part of the case's work. */
	cpuNote?: string;
};

/** The ratio column divides every case by this one. */
export const floorId = 'floor';

const max = '64M';
const maxBytes = 64 * 1024 * 1024;
const keep = '100';
const log = 'out.log';
/** Rotation size of the compress and peers groups: 16 MiB (multilog's largest is 16777215 bytes). */
export const compressMax = '16M';
const compressMaxBytes = 16 * 1024 * 1024;
const peerMaxBytes = String(compressMaxBytes - 1);
/** The largest corpus every group keeps whole with 100 archives. */
export const largestOutput: Record<RoundGroup, number> = {core: 100 * maxBytes, compress: 100 * compressMaxBytes, peers: 100 * compressMaxBytes};

export const benchCases: readonly BenchCase[] = [
	{
		id: floorId,
		group: 'core',
		title: 'cat | cat > out (pipe floor)',
		rotlog: false,
		bytes: context => context.corpus.bytes,
		writers: context => [{input: context.corpus.path, command: ['cat'], stdout: path.join(context.dir, 'out')}],
		verify: async context => sameBytes([path.join(context.dir, 'out')], context.corpus.path),
	},
	{
		id: 'rotlog',
		group: 'core',
		title: `cat | rotlog --max ${max} --keep ${keep} --compress none`,
		rotlog: true,
		target: {ratio: 1.15, text: 'single writer: wall time within 1.15x the pipe floor'},
		bytes: context => context.corpus.bytes,
		writers: context => [rotlogWriter(context, context.corpus.path)],
		async verify(context) {
			const {files, problems} = await rotatedFiles(context.dir, log, maxBytes);
			if (problems.length > 0) {
				return {ok: false, detail: problems.join('; ')};
			}

			// Archives oldest first, then FILE: the corpus in order, nothing lost, nothing doubled.
			return sameBytes(files, context.corpus.path);
		},
	},
	{
		id: 'rotlog-x4',
		group: 'core',
		title: `4 x (cat | rotlog --compress none) -> one file`,
		rotlog: true,
		target: {ratio: 1.5, text: '4 writers on one file: aggregate within 1.5x the pipe floor'},
		bytes: context => context.corpus.bytes * (context.shared === 'full' ? 4 : 1),
		writers: context => sharedInputs(context).map(input => rotlogWriter(context, input)),
		async verify(context) {
			const {files, problems} = await rotatedFiles(context.dir, log, maxBytes);
			if (problems.length > 0) {
				return {ok: false, detail: problems.join('; ')};
			}

			// Lines interleave between writers: compare the multisets of lines.
			const want = repeatDigest(context.corpus.digest, context.shared === 'full' ? 4 : 1);
			return compareDigests(await digestFiles(files), want);
		},
	},
	{
		id: 'node-floor',
		group: 'core',
		title: 'cat | node readSync 1 MiB + writeSync (reference)',
		rotlog: false,
		bytes: context => context.corpus.bytes,
		writers: context => [{input: context.corpus.path, command: [context.node, context.nodeFloor, path.join(context.dir, 'out')], stdout: '/dev/null'}],
		verify: async context => sameBytes([path.join(context.dir, 'out')], context.corpus.path),
	},
	{
		id: 'startup',
		group: 'core',
		title: 'cat /dev/null | rotlog --compress none (start-up and exit)',
		rotlog: true,
		bytes: () => 0,
		writers: context => [rotlogWriter(context, '/dev/null')],
		async verify(context) {
			const {files, problems} = await rotatedFiles(context.dir, log, 0);
			if (problems.length > 0 || files.length !== 1) {
				return {ok: false, detail: problems.length > 0 ? problems.join('; ') : `want one empty ${log}, found ${files.length} files`};
			}

			return {ok: true, detail: `an empty ${log}`};
		},
	},
	compressCase('none'),
	compressCase('gzip'),
	{
		id: 'rotatelogs-gzip',
		group: 'peers',
		title: `cat | rotatelogs -n 100 -p HOOK out.log ${compressMax} (HOOK: gzip -n the old file)`,
		rotlog: false,
		missing: () => missingPrograms(['rotatelogs', 'gzip']),
		bytes: context => context.corpus.bytes,
		writers(context) {
			const hook = path.join(context.scratch, 'rotatelogs-gzip-hook');
			// rotatelogs runs the hook at every open: with the new file, and the old one after a rotation.
			// It does not wait for it: the hook's gzip runs on, and `settled` waits for it.
			fs.writeFileSync(hook, '#!/bin/sh\n[ -z "$2" ] || exec gzip -n -- "$2"\n', {mode: 0o755});
			return [{input: context.corpus.path, command: ['rotatelogs', '-n', '100', '-p', hook, path.join(context.dir, log), compressMax], stdout: '/dev/null'}];
		},
		pending: context => async () => rotatelogsOutput(context.dir).pending,
		async verify(context) {
			const {parts, problems, stats} = rotatelogsOutput(context.dir);
			return peerVerdict(context, parts, problems, stats, 'rotatelogs cuts files between 64 KiB reads, not at line ends: compared in order');
		},
		skipWarmup: true,
		peer: true,
		cpuNote: 'rotatelogs does not wait for its hooks: a gzip still running when it exits is reaped by init, and its CPU is not counted',
	},
	daemontoolsCase(
		's6-log-gzip', 's6-log', `s6-log -b n100 s${peerMaxBytes} '!gzip -nq' DIR`,
		context => ['s6-log', '-b', 'n100', `s${peerMaxBytes}`, '!gzip -nq', logDirectory(context)],
		'seen here: s6-log ends a line at a NUL byte and writes a newline in its place (more lines, same bytes)',
	),
	daemontoolsCase('multilog-gzip', 'multilog', `multilog s${peerMaxBytes} n100 '!gzip' DIR`, context => ['multilog', `s${peerMaxBytes}`, 'n100', '!gzip', logDirectory(context)]),
	daemontoolsCase('svlogd-gzip', 'svlogd', `svlogd -b 65536 DIR (DIR/config: s${peerMaxBytes}, n100, !gzip)`, context => {
		const directory = logDirectory(context);
		fs.mkdirSync(directory);
		fs.writeFileSync(path.join(directory, 'config'), `s${peerMaxBytes}\nn100\n!gzip\n`);
		return ['svlogd', '-b', '65536', directory];
	}),
];

function rotlogWriter(context: CaseContext, input: string): Writer {
	return {input, command: [context.rotlog, path.join(context.dir, log), '--max', max, '--keep', keep, '--compress', 'none'], stdout: '/dev/null'};
}

/** The single writer at the compress group's size, with or without gzip. */
function compressCase(codec: 'none' | 'gzip'): BenchCase {
	const compressed = codec === 'gzip';
	return {
		id: `rotlog-${codec}`,
		group: 'compress',
		title: `cat | rotlog --max ${compressMax} --keep ${keep} --compress ${codec}`,
		rotlog: true,
		bytes: context => context.corpus.bytes,
		writers: context => [{
			input: context.corpus.path,
			command: [context.rotlog, path.join(context.dir, log), '--max', compressMax, '--keep', keep, '--compress', codec],
			stdout: '/dev/null',
		}],
		// rotlog exits once its compressions are done: nothing may be pending after that.
		pending: context => async () => (await fs.promises.readdir(context.dir))
			.filter(name => name.startsWith(`.${log}.compress.`) || (compressed && /^\d+$/.test(name.slice(log.length + 1)) && name.startsWith(`${log}.`))),
		async verify(context) {
			const {parts, problems, stats} = await rotlogOutput(context.dir, log, compressed);
			const verdict = await sameParts(parts, context.corpus.path);
			for (const [index, size] of verdict.sizes.entries()) {
				if (size > compressMaxBytes) {
					problems.push(`${path.basename(parts[index]!.file)} holds ${size} bytes${compressed ? ' decompressed' : ''}, over --max ${compressMaxBytes}`);
				}
			}

			const ok = verdict.ok && problems.length === 0;
			return {ok, detail: [...problems, verdict.detail].join('; '), output: stats};
		},
	};
}

/** A daemontools-style logger (s6-log, multilog, svlogd) writing DIR = `log/` with a gzip processor. */
function daemontoolsCase(id: string, program: string, title: string, command: (context: CaseContext) => string[], note?: string): BenchCase {
	return {
		id,
		group: 'peers',
		title: `cat | ${title}`,
		rotlog: false,
		missing: () => missingPrograms([program, 'gzip']),
		bytes: context => context.corpus.bytes,
		writers: context => [{input: context.corpus.path, command: command(context), stdout: '/dev/null'}],
		pending: context => async () => daemontoolsOutput(logDirectory(context)).pending,
		async verify(context) {
			const {parts, problems, stats} = daemontoolsOutput(logDirectory(context));
			return peerVerdict(context, parts, problems, stats, note);
		},
		skipWarmup: true,
		peer: true,
	};
}

function logDirectory(context: CaseContext): string {
	return path.join(context.dir, 'log');
}

type PeerOutput = {parts: Part[]; problems: string[]; pending: string[]; stats: OutputStats};

/**
 * A daemontools-style log directory: processed archives `@TAI64N.s` (gzip: the processor's output)
 * in name order, which is time order, then `current`. Being processed: `previous` and `processed`
 * (s6-log, multilog), `@….u` and `@….t` (svlogd).
 */
function daemontoolsOutput(directory: string): PeerOutput {
	const archives: string[] = [];
	const problems: string[] = [];
	const pending: string[] = [];
	let current = false;
	let bytesOnDisk = 0;
	for (const name of listDirectory(directory)) {
		if (/^@[\da-f]{24}\.s$/.test(name)) {
			archives.push(name);
		} else if (name === 'current') {
			current = true;
		} else if (name === 'previous' || name === 'processed' || /^@[\da-f]{24}\.[ut]$/.test(name)) {
			pending.push(name);
			continue;
		} else if (!['lock', 'state', 'newstate', 'config'].includes(name)) {
			problems.push(`unexpected file '${name}'`);
		}

		bytesOnDisk += fileSize(path.join(directory, name));
	}

	archives.sort();
	const parts: Part[] = archives.map(name => ({file: path.join(directory, name), gzip: true}));
	if (current) {
		parts.push({file: path.join(directory, 'current'), gzip: false});
	}

	return {parts, problems: [...problems, ...pending.map(name => `unfinished '${name}'`)], pending, stats: {files: parts.length, compressed: archives.length, bytesOnDisk}};
}

/**
 * rotatelogs -n 100: out.log, out.log.1, out.log.2 ... in the order written; the hook gzips each
 * one but the last. Being compressed: every raw file but the newest (gzip removes it when done).
 */
function rotatelogsOutput(directory: string): PeerOutput {
	const files = new Map<number, {name: string; gzip: boolean}>();
	const problems: string[] = [];
	let bytesOnDisk = 0;
	for (const name of listDirectory(directory)) {
		const match = /^out\.log(?:\.(\d+))?(\.gz)?$/.exec(name);
		if (!match) {
			problems.push(`unexpected file '${name}'`);
			continue;
		}

		const number = Number(match[1] ?? 0);
		const gzip = match[2] !== undefined;
		const seen = files.get(number);
		// While gzip runs both names exist: the raw one is the file until gzip removes it.
		if (seen === undefined || seen.gzip) {
			files.set(number, {name, gzip});
		}

		bytesOnDisk += fileSize(path.join(directory, name));
	}

	const numbers = [...files.keys()].sort((x, y) => x - y);
	const newest = numbers.at(-1);
	const pending = numbers.filter(number => number !== newest && !files.get(number)!.gzip).map(number => files.get(number)!.name);
	const parts = numbers.map(number => ({file: path.join(directory, files.get(number)!.name), gzip: files.get(number)!.gzip}));
	return {
		parts,
		problems: [...problems, ...pending.map(name => `uncompressed '${name}'`)],
		pending,
		stats: {files: parts.length, compressed: parts.filter(part => part.gzip).length, bytesOnDisk},
	};
}

async function peerVerdict(context: CaseContext, parts: Part[], problems: string[], stats: OutputStats, note: string | undefined): Promise<Verdict> {
	const verdict = await sameParts(parts, context.corpus.path, context.corpus.digest);
	const ok = verdict.ok && problems.length === 0;
	return {ok, detail: [...problems, verdict.detail, ...(note === undefined ? [] : [note])].join('; '), output: stats};
}

function listDirectory(directory: string): string[] {
	try {
		return fs.readdirSync(directory);
	} catch {
		return [];
	}
}

function fileSize(file: string): number {
	return fs.statSync(file, {throwIfNoEntry: false})?.size ?? 0;
}

function sharedInputs(context: CaseContext): string[] {
	return context.shared === 'full' ? Array.from({length: 4}, () => context.corpus.path) : context.corpus.quarters;
}
