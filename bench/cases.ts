// The benchmark's cases, one table row each. A case is a set of writers started together, each
// `cat INPUT | SINK`, and a check of what they left on disk. Rounds run the cases interleaved
// (A B C A B C ...), so every ratio to the floor is taken between neighbouring runs.
//
// Issue 3 extends this table: the single writer with `--compress gzip` and `--compress none`, and
// the peers when installed (`rotatelogs -p` with a gzip hook, s6-log '!gzip', multilog '!gzip',
// svlogd with a gzip processor), each one gated by `missing()`. A case that keeps working after
// its writers exit (archives still compressing) will also need a "settled" time next to `wall`.
import path from 'node:path';
import type {Corpus} from './corpus.js';
import type {Writer} from './measure.js';
import {compareDigests, digestFiles, repeatDigest, rotatedFiles, sameBytes, type Verdict} from './verify.js';

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
};

export type BenchCase = {
	id: string;
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
};

/** The ratio column divides every case by this one. */
export const floorId = 'floor';

const max = '64M';
const maxBytes = 64 * 1024 * 1024;
const keep = '100';
const log = 'out.log';

export const benchCases: readonly BenchCase[] = [
	{
		id: floorId,
		title: 'cat | cat > out (pipe floor)',
		rotlog: false,
		bytes: context => context.corpus.bytes,
		writers: context => [{input: context.corpus.path, command: ['cat'], stdout: path.join(context.dir, 'out')}],
		verify: async context => sameBytes([path.join(context.dir, 'out')], context.corpus.path),
	},
	{
		id: 'rotlog',
		title: `cat | rotlog --max ${max} --keep ${keep}`,
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
		title: `4 x (cat | rotlog) -> one file`,
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
		title: 'cat | node readSync 1 MiB + writeSync (reference)',
		rotlog: false,
		bytes: context => context.corpus.bytes,
		writers: context => [{input: context.corpus.path, command: [context.node, context.nodeFloor, path.join(context.dir, 'out')], stdout: '/dev/null'}],
		verify: async context => sameBytes([path.join(context.dir, 'out')], context.corpus.path),
	},
	{
		id: 'startup',
		title: 'cat /dev/null | rotlog (start-up and exit)',
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
];

function rotlogWriter(context: CaseContext, input: string): Writer {
	return {input, command: [context.rotlog, path.join(context.dir, log), '--max', max, '--keep', keep], stdout: '/dev/null'};
}

function sharedInputs(context: CaseContext): string[] {
	return context.shared === 'full' ? Array.from({length: 4}, () => context.corpus.path) : context.corpus.quarters;
}
