// `npm run bench [-- --size 256M --runs 3 --warmup 1 --seed 1 --shared quarter|full
//   --cases core,compress,peers,operations,producers --logs 300 --producers 16 --lines 50000]`
//
// rotlog measured with real processes, in one markdown report on stdout (progress on stderr):
// throughput against the pipe floor (the cases of cases.ts, run interleaved in rounds: core,
// compress, peers), what runs many times (operations.ts: check over many logs beside logrotate,
// start-up, peak RSS) and many producers into one log (producers.ts). Every run is checked for
// lost, doubled or torn lines. Exit 1 when a check of rotlog (or of a reference) fails, 2 on a bad
// option; a peer's differing output and a missed target are reported, not errors. Absolute speeds
// swing on shared machines: the ratios, taken side by side, are what count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {parseCount, parseSize} from '../src/cli/values.js';
import {benchCases, compressMax, floorId, largestOutput, roundGroups, type CaseContext, type RoundGroup, type SharedInput} from './cases.js';
import {loadCorpus, type Corpus} from './corpus.js';
import type {GroupContext, Section} from './group.js';
import {findTools, measure, type Tools} from './measure.js';
import {operations} from './operations.js';
import {producersGroup} from './producers.js';
import {compressionRounds, compressionTable, compressionTargets, rounds, table, targets, median, type Row} from './report.js';

/** Every group, in the order they run; all of them by default. */
const groups = [...roundGroups, 'operations', 'producers'] as const;
type Group = (typeof groups)[number];

type Options = {size: number; runs: number; warmup: number; seed: number; shared: SharedInput; cases: Group[]; logs: number; producers: number; lines: number};

const usage = 'usage: npm run bench -- [--size 256M] [--runs 3] [--warmup 1] [--seed 1] [--shared quarter|full] [--cases core,compress,peers,operations,producers] [--logs 300] [--producers 16] [--lines 50000]\nevery group runs unless --cases names some';
const smallestCorpus = 64 * 1024;

class BenchUsageError extends Error {}

function parseOptions(argv: string[]): Options {
	let values;
	try {
		({values} = parseArgs({
			args: argv,
			strict: true,
			options: {
				size: {type: 'string', default: '256M'},
				runs: {type: 'string', default: '3'},
				warmup: {type: 'string', default: '1'},
				seed: {type: 'string', default: '1'},
				shared: {type: 'string', default: 'quarter'},
				cases: {type: 'string', default: groups.join(',')},
				logs: {type: 'string', default: '300'},
				producers: {type: 'string', default: '16'},
				lines: {type: 'string', default: '50000'},
				help: {type: 'boolean', default: false},
			},
		}));
	} catch (error) {
		// parseArgs explains at length: its first line names the option.
		throw new BenchUsageError((error instanceof Error ? error.message : String(error)).split('\n')[0]);
	}

	if (values.help) {
		process.stdout.write(`${usage}\n`);
		process.exit(0);
	}

	if (values.shared !== 'quarter' && values.shared !== 'full') {
		throw new BenchUsageError(`invalid --shared '${values.shared}': expected quarter or full`);
	}

	const cases = values.cases.split(',').map(group => group.trim());
	const unknown = cases.find(group => !(groups as readonly string[]).includes(group));
	if (unknown !== undefined || cases.length === 0) {
		throw new BenchUsageError(`invalid --cases '${values.cases}': expected a comma-separated list of ${groups.join(', ')}`);
	}

	let options: Options;
	try {
		options = {
			cases: groups.filter(group => cases.includes(group)),
			size: parseSize('size', values.size),
			runs: parseCount('runs', values.runs),
			warmup: parseCount('warmup', values.warmup),
			seed: parseCount('seed', values.seed),
			shared: values.shared,
			logs: parseCount('logs', values.logs),
			producers: parseCount('producers', values.producers),
			lines: parseCount('lines', values.lines),
		};
	} catch (error) {
		throw new BenchUsageError(error instanceof Error ? error.message : String(error));
	}

	for (const name of ['runs', 'logs', 'producers', 'lines'] as const) {
		if (options[name] < 1) {
			throw new BenchUsageError(`invalid --${name} '${values[name]}': expected at least 1`);
		}
	}

	// FILE plus 100 archives of at most the group's rotation size: no run may delete any.
	const copies = options.shared === 'full' && options.cases.includes('core') ? 4 : 1;
	const largest = Math.min(...roundsOf(options).map(group => largestOutput[group] / (group === 'core' ? copies : 1)));
	if (options.size < smallestCorpus || options.size > largest) {
		throw new BenchUsageError(Number.isFinite(largest)
			? `invalid --size '${values.size}': expected 64K to ${largest / 1024 ** 2}M, so that 100 archives keep the whole output`
			: `invalid --size '${values.size}': expected at least 64K`);
	}

	return options;
}

/** The chosen groups that run in rounds against the floor. */
function roundsOf(options: Options): RoundGroup[] {
	return roundGroups.filter(group => options.cases.includes(group));
}

function progress(text: string): void {
	process.stderr.write(`bench: ${text}\n`);
}

async function main(): Promise<number> {
	let options: Options;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (error) {
		if (error instanceof BenchUsageError) {
			process.stderr.write(`bench: ${error.message}\n${usage}\n`);
			return 2;
		}

		throw error;
	}

	const loadAtStart = os.loadavg();
	const here = path.dirname(fileURLToPath(import.meta.url));
	const root = path.resolve(here, '..', '..');
	const rotlog = path.join(root, 'bin', 'rotlog');
	if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) {
		process.stderr.write('bench: dist/src/cli/main.js is missing: run npm run build first\n');
		return 1;
	}

	const outDirectory = path.join(root, 'bench', 'out');
	const runDirectory = path.join(outDirectory, 'run');
	const corpus = await loadCorpus(outDirectory, options.size, options.seed, progress);
	const tools = findTools();
	fs.rmSync(runDirectory, {recursive: true, force: true});
	fs.mkdirSync(runDirectory, {recursive: true});

	const skipped: string[] = [];
	const chosen = roundsOf(options);
	const cases = benchCases.filter(benchCase => {
		if (chosen.length === 0 || (benchCase.id !== floorId && !chosen.includes(benchCase.group))) {
			return false;
		}

		const missing = benchCase.missing?.();
		if (missing !== undefined) {
			skipped.push(`${benchCase.id} (${missing})`);
			progress(`skipping ${benchCase.id}: ${missing}`);
		}

		return missing === undefined;
	});
	const rows: Row[] = cases.map(benchCase => ({benchCase, samples: [], checked: 0, failed: 0, failure: undefined}));
	const total = rows.length === 0 ? 0 : options.warmup + options.runs;
	for (let round = 1; round <= total; round++) {
		const counted = round > options.warmup;
		const label = counted ? `round ${round - options.warmup}/${options.runs}` : `warm-up ${round}/${options.warmup}`;
		let floorPerByte: number | undefined;
		const walls: string[] = [];
		for (const row of rows) {
			const {benchCase} = row;
			if (!counted && benchCase.skipWarmup) {
				continue;
			}

			const dir = path.join(runDirectory, benchCase.id);
			fs.rmSync(dir, {recursive: true, force: true});
			fs.mkdirSync(dir);
			const context: CaseContext = {corpus, dir, rotlog, node: process.execPath, nodeFloor: path.join(here, 'node-floor.js'), shared: options.shared, scratch: runDirectory};
			const bytes = benchCase.bytes(context);
			const measurement = await measure(benchCase.writers(context), tools, runDirectory, benchCase.pending?.(context));
			let verdict = await benchCase.verify(context);
			if (measurement.failures.length > 0) {
				verdict = {ok: false, detail: `${measurement.failures.join('; ')}; ${verdict.detail}`};
			}

			row.checked += 1;
			if (verdict.ok) {
				fs.rmSync(dir, {recursive: true, force: true});
			} else if (benchCase.peer) {
				// Another tool's output: described in the report, not kept (hundreds of MiB a run).
				row.failed += 1;
				row.failure = verdict.detail;
				fs.rmSync(dir, {recursive: true, force: true});
				progress(`${benchCase.id} (${label}): output differs from the corpus: ${verdict.detail}`);
			} else {
				row.failure = verdict.detail;
				row.failed += 1;
				const kept = path.join(outDirectory, `failed-${benchCase.id}-${round}`);
				fs.rmSync(kept, {recursive: true, force: true});
				fs.renameSync(dir, kept);
				progress(`CHECK FAILED: ${benchCase.id} (${label}): ${verdict.detail}; its files are kept in ${kept}`);
			}

			if (benchCase.id === floorId) {
				floorPerByte = measurement.wall / bytes;
			}

			const consumed = measurement.consumed === undefined ? 'n/a' : measurement.consumed.toFixed(3);
			walls.push(benchCase.pending === undefined
				? `${benchCase.id} ${measurement.wall.toFixed(3)} s`
				: `${benchCase.id} ${consumed}/${measurement.settled.toFixed(3)} s`);
			if (counted) {
				const ratio = bytes > 0 && floorPerByte !== undefined ? measurement.wall / bytes / floorPerByte : undefined;
				row.samples.push({round, bytes, measurement, verdict, ratio});
			}
		}

		progress(`${label}: ${walls.join(', ')}`);
	}

	fs.rmSync(runDirectory, {recursive: true, force: true});
	const sections: Section[] = [];
	const groupContext = (name: string): GroupContext => {
		const scratch = path.join(runDirectory, name);
		fs.mkdirSync(scratch, {recursive: true});
		return {corpus, rotlog, node: process.execPath, tools, scratch, runs: options.runs, progress};
	};

	try {
		if (options.cases.includes('operations')) {
			sections.push(await operations(groupContext('operations'), options.logs));
		}

		if (options.cases.includes('producers')) {
			sections.push(await producersGroup(groupContext('producers'), options.producers, options.lines));
		}
	} finally {
		fs.rmSync(runDirectory, {recursive: true, force: true});
	}

	printReport(options, corpus, tools, rows, skipped, sections, loadAtStart);
	return rows.some(row => row.failed > 0 && !row.benchCase.peer) || sections.some(section => section.failed) ? 1 : 0;
}

function printReport(options: Options, corpus: Corpus, tools: Tools, rows: Row[], skipped: string[], sections: Section[], loadAtStart: number[]): void {
	const load = (averages: number[]) => averages.map(average => average.toFixed(2)).join(' ');
	const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1);
	const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
	const sharedText = options.shared === 'quarter'
		? 'each of the 4 writers gets a quarter of the corpus (cut at line boundaries), so together they carry the same bytes as the floor and the ratio compares equal work; check: the multiset of lines equals the corpus'
		: 'each of the 4 writers gets the whole corpus (4x the bytes); the ratio is per byte; check: the multiset of lines equals 4x the corpus';
	const out = [
		'## rotlog benchmark',
		'',
		`- machine: nproc ${os.availableParallelism()}, ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, load average ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end`,
		`- node ${process.version}; CPU from /proc/self/stat: ${tools.clockTicks === undefined ? 'unavailable' : 'yes'}; peak RSS per sink: ${tools.gnuTime ?? 'unavailable (no GNU time)'}`,
		`- corpus: ${corpus.bytes} bytes (${mib(corpus.bytes)} MiB), ${corpus.lines} lines, ${(corpus.bytes / corpus.lines).toFixed(0)} bytes per line on average, longest ${corpus.longestLine}, ${corpus.invalidLines} lines with invalid UTF-8; seed ${options.seed}`,
		`- groups: ${options.cases.join(', ')}`,
		...(rows.length > 0 ? roundReport(options, rows, skipped, sharedText) : []),
		...sections.flatMap(section => section.lines),
	];
	process.stdout.write(`${out.join('\n')}\n`);
}

/** The groups run in rounds against the pipe floor: core, compress, peers. */
function roundReport(options: Options, rows: Row[], skipped: string[], sharedText: string): string[] {
	return [
		`- 4 writers: ${sharedText}`,
		`- rounds: ${options.runs} round(s) after ${options.warmup} warm-up round(s) (peers skip the warm-up), the floor with any of core, compress, peers, interleaved in this order: ${rows.map(row => row.benchCase.id).join(', ')}`,
		...(skipped.length > 0 ? [`- skipped, not installed: ${skipped.join(', ')}`] : []),
		'- MB/s = 10^6 bytes per second of wall time; ratio = wall time per byte over the pipe floor\'s in the same round (median of the rounds); sink = the process reading the pipe (rotlog, or cat/node in the references); verified counts every run, warm-up included',
		'',
		table(rows.filter(row => row.benchCase.group === 'core')),
		'',
		'### Targets (the core)',
		'',
		targets(rows),
		...compressionReport(rows),
		'',
		'### Notes',
		'',
		...notes(rows),
		...rows.filter(row => row.benchCase.group !== 'core' && row.failure !== undefined)
			.map(row => `- ${row.benchCase.id}: ${row.failed} of ${row.checked} run(s) differ; last: ${row.failure ?? ''}`),
		...rows.filter(row => row.benchCase.cpuNote !== undefined).map(row => `- ${row.benchCase.id}: ${row.benchCase.cpuNote ?? ''}.`),
		'',
		'Wall times per round:',
		'',
		rounds(rows.filter(row => row.benchCase.group === 'core')),
		...(rows.some(row => row.benchCase.group !== 'core') ? ['', 'Compression rows per round, input consumed / all archives final:', '', compressionRounds(rows.filter(row => row.benchCase.group !== 'core'))] : []),
	];
}

/**
 * The compression section: how much gzip slows the writer's pipe and how soon every archive is
 * final, against the peers' (the compress and peers rows, and their targets); nothing when neither ran.
 */
function compressionReport(rows: Row[]): string[] {
	const byId = (id: string) => rows.find(row => row.benchCase.id === id);
	const compression = rows.filter(row => row.benchCase.group !== 'core');
	if (compression.length === 0) {
		return [];
	}

	const peers = rows.filter(row => row.benchCase.group === 'peers');
	return [
		'',
		'### Compression',
		'',
		`- every case rotates at ${compressMax} (multilog's largest size is 16 MiB - 1) and keeps 100 archives; gzip level 6 everywhere (rotlog's default, gzip's own)`,
		'- input consumed = from the spawn until `cat` had put the whole corpus into the pipe (a `date` run after it): the writer\'s pipe time, all but the last 64 KiB pipe buffer read by the sink',
		'- all archives final = until the sink exited, every process holding its stderr (hooks, processors) closed it, and no archive was left uncompressed or half-processed (polled every 10 ms); rotlog exits only after its compressions',
		'- verified: the archives, decompressed (node:zlib streaming gunzip) in order and followed by the live file, are byte-identical to the corpus; when they are not, the multiset of lines says what changed',
		'',
		compressionTable(compression, byId(floorId), byId('rotlog-gzip')),
		'',
		'#### Targets (compression)',
		'',
		compressionTargets(byId('rotlog-none'), byId('rotlog-gzip'), peers),
	];
}

/** How much of the single writer's ratio is start-up: rotlog's fixed cost, measured on empty input. */
function notes(rows: Row[]): string[] {
	const byId = (id: string) => rows.find(row => row.benchCase.id === id);
	const floor = byId(floorId);
	const single = byId('rotlog');
	const startup = byId('startup');
	if (!floor || !single || !startup) {
		return [];
	}

	const steady = median(single.samples.flatMap(sample => {
		const floorWall = floor.samples.find(each => each.round === sample.round)?.measurement.wall;
		const startupWall = startup.samples.find(each => each.round === sample.round)?.measurement.wall;
		return floorWall === undefined || startupWall === undefined ? [] : [(sample.measurement.wall - startupWall) / floorWall];
	}));
	const startupWall = median(startup.samples.map(sample => sample.measurement.wall));
	const floorWall = median(floor.samples.map(sample => sample.measurement.wall));
	if (steady === undefined || startupWall === undefined || floorWall === undefined) {
		return [];
	}

	return [
		`- rotlog start-up and exit on empty input: ${startupWall.toFixed(3)} s, ${(startupWall / floorWall).toFixed(2)}x the floor's whole wall time at this corpus size.`,
		`- single writer without one start-up ((rotlog - start-up) / floor, per round): ${steady.toFixed(2)}x. Informational: the target counts the whole wall time.`,
	];
}

try {
	process.exitCode = await main();
} catch (error) {
	process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
