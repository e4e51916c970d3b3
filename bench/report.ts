// Medians over rounds, and the markdown the benchmark prints: the table, the targets, the notes.
import type {BenchCase} from './cases.js';
import type {Measurement} from './measure.js';
import type {Verdict} from './verify.js';

/** One run of one case in one round. */
export type Sample = {
	round: number;
	bytes: number;
	measurement: Measurement;
	verdict: Verdict;
	/** Wall time per byte over the pipe floor's in the same round; undefined for no bytes. */
	ratio: number | undefined;
};

export type Row = {
	benchCase: BenchCase;
	samples: Sample[];
	/** Runs checked, warm-up included, and how many failed the check. */
	checked: number;
	failed: number;
	/** The detail of the last failed check, if any. */
	failure: string | undefined;
};

export const rssTargetMiB = 64;

export function median(values: readonly number[]): number | undefined {
	if (values.length === 0) {
		return undefined;
	}

	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function defined<T>(values: ReadonlyArray<T | undefined>): T[] {
	return values.filter((value): value is T => value !== undefined);
}

/** Text for a table cell: a literal '|' would end the cell. */
function cell(text: string): string {
	return text.replaceAll('|', '\\|');
}

function fixed(value: number | undefined, digits: number): string {
	return value === undefined ? 'n/a' : value.toFixed(digits);
}

export type Summary = {
	mbPerSecond: number | undefined;
	wall: number | undefined;
	ratio: number | undefined;
	cpu: number | undefined;
	sinkCpu: number | undefined;
	peakRssMiB: number | undefined;
};

export function summarize(row: Row): Summary {
	const {samples} = row;
	const withSinks = samples.filter(sample => sample.measurement.sinks.length > 0);
	return {
		mbPerSecond: median(samples.filter(sample => sample.bytes > 0).map(sample => sample.bytes / sample.measurement.wall / 1e6)),
		wall: median(samples.map(sample => sample.measurement.wall)),
		ratio: median(defined(samples.map(sample => sample.ratio))),
		cpu: median(defined(samples.map(sample => sample.measurement.cpu))),
		sinkCpu: median(withSinks.map(sample => sample.measurement.sinks.reduce((sum, sink) => sum + sink.cpu, 0))),
		peakRssMiB: withSinks.length === 0 ? undefined : Math.max(...withSinks.flatMap(sample => sample.measurement.sinks.map(sink => sink.rssMiB))),
	};
}

export function verifiedText(row: Row): string {
	return row.failed === 0 ? `yes (${row.checked}/${row.checked})` : `**NO** (${row.failed} of ${row.checked} failed)`;
}

export function table(rows: readonly Row[]): string {
	const lines = [
		'| case | MB/s (median) | wall s (median) | ratio to floor (median) | CPU s, all processes (median) | CPU s, sink (median) | peak RSS MiB, sink (max) | verified |',
		'|---|---:|---:|---:|---:|---:|---:|---|',
	];
	for (const row of rows) {
		const summary = summarize(row);
		const ratio = summary.ratio === undefined ? 'n/a' : `${summary.ratio.toFixed(2)}x`;
		lines.push(`| ${cell(row.benchCase.title)} | ${fixed(summary.mbPerSecond, 0)} | ${fixed(summary.wall, 3)} | ${ratio} | ${fixed(summary.cpu, 2)} | ${fixed(summary.sinkCpu, 2)} | ${fixed(summary.peakRssMiB, 1)} | ${verifiedText(row)} |`);
	}

	return lines.join('\n');
}

/** The targets, measured: each case's wall time against the floor (its ratio target), and peak RSS of every rotlog process (all groups). */
export function targets(rows: readonly Row[]): string {
	const lines = ['| target | measured | met |', '|---|---:|---|'];
	for (const row of rows) {
		const {target} = row.benchCase;
		if (target !== undefined) {
			const {ratio} = summarize(row);
			lines.push(`| ${target.text} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`} | ${met(ratio, value => value <= target.ratio)} |`);
		}
	}

	// GNU time's peak RSS is the largest of the sink and every descendant it reaped (compression children).
	const rss = rows.filter(row => row.benchCase.rotlog).flatMap(row => {
		const peakRssMiB = summarize(row).peakRssMiB;
		return peakRssMiB === undefined ? [] : [{id: row.benchCase.id, peakRssMiB}];
	});
	const peak = rss.length === 0 ? undefined : rss.reduce((largest, each) => (each.peakRssMiB > largest.peakRssMiB ? each : largest));
	const measured = peak === undefined ? 'n/a (no GNU time)' : `${peak.peakRssMiB.toFixed(1)} MiB (${peak.id})`;
	lines.push(`| peak RSS of every rotlog process under ${rssTargetMiB} MiB (with its compression children) | ${measured} | ${met(peak?.peakRssMiB, value => value < rssTargetMiB)} |`);
	return lines.join('\n');
}

export function met(value: number | undefined, test: (value: number) => boolean): string {
	if (value === undefined) {
		return 'not measured';
	}

	return test(value) ? 'yes' : '**no**';
}

/** Per-round wall times, for judging the spread behind each median. */
export function rounds(rows: readonly Row[]): string {
	return rows.map(row => `- ${row.benchCase.id}: ${row.samples.map(sample => sample.measurement.wall.toFixed(3)).join(' ')} s`).join('\n');
}

/** The median over the rounds both rows ran of `value(this round's sample, the other's)`. */
export function roundRatio(row: Row, other: Row, value: (sample: Sample, otherSample: Sample) => number | undefined): number | undefined {
	return median(defined(row.samples.map(sample => {
		const otherSample = other.samples.find(each => each.round === sample.round);
		return otherSample === undefined ? undefined : value(sample, otherSample);
	})));
}

const consumedOf = (sample: Sample) => sample.measurement.consumed;
const settledOf = (sample: Sample) => sample.measurement.settled;

function divide(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

function times(value: number | undefined): string {
	return value === undefined ? 'n/a' : `${value.toFixed(2)}x`;
}

/**
 * The compression table: per case, the writer's pipe time (until cat had put all the input into the
 * pipe) and the time until every archive was final, with ratios taken round by round.
 */
export function compressionTable(rows: readonly Row[], floor: Row | undefined, rotlogGzip: Row | undefined): string {
	const lines = [
		'| case | input consumed s (median) | writer MB/s | writer time / floor | all archives final s (median) | rotlog gzip final / this | files (gzip) | on disk MiB | CPU s, all processes | peak RSS MiB, sink | verified |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
	];
	for (const row of rows) {
		const summary = summarize(row);
		const consumed = median(defined(row.samples.map(consumedOf)));
		const settled = median(row.samples.map(settledOf));
		const mbPerSecond = median(defined(row.samples.map(sample => divide(sample.bytes / 1e6, consumedOf(sample)))));
		const vsFloor = floor === undefined ? undefined : roundRatio(row, floor, (sample, floorSample) => divide(consumedOf(sample), consumedOf(floorSample)));
		// Only a peer compares with rotlog gzip; rotlog's own rows would compare with themselves.
		const vsRotlog = rotlogGzip === undefined || row.benchCase.peer === undefined
			? undefined
			: roundRatio(row, rotlogGzip, (sample, rotlogSample) => divide(settledOf(rotlogSample), settledOf(sample)));
		const output = row.samples.at(-1)?.verdict.output;
		const files = output === undefined ? 'n/a' : `${output.files} (${output.compressed})`;
		const onDisk = output === undefined ? 'n/a' : (output.bytesOnDisk / 1024 ** 2).toFixed(1);
		const cpu = `${fixed(summary.cpu, 2)}${row.benchCase.cpuNote === undefined ? '' : ' (part)'}`;
		lines.push(`| ${cell(row.benchCase.title)} | ${fixed(consumed, 3)} | ${fixed(mbPerSecond, 0)} | ${times(vsFloor)} | ${fixed(settled, 3)} | ${times(vsRotlog)} | ${files} | ${onDisk} | ${cpu} | ${fixed(summary.peakRssMiB, 1)} | ${peerVerified(row)} |`);
	}

	return lines.join('\n');
}

/** A peer's failed check is that tool's behaviour: reported, not a failure of the benchmark. */
function peerVerified(row: Row): string {
	if (row.benchCase.peer === undefined || row.failed === 0) {
		return verifiedText(row);
	}

	return `differs (${row.failed} of ${row.checked}): see notes`;
}

/** The compression targets: the writer's slowdown with gzip, and rotlog's archives final before every peer's. */
export function compressionTargets(none: Row | undefined, gzip: Row | undefined, peers: readonly Row[]): string {
	const lines = ['| target | measured | met |', '|---|---:|---|'];
	if (none !== undefined && gzip !== undefined) {
		const slowdown = roundRatio(gzip, none, (sample, noneSample) => divide(consumedOf(sample), consumedOf(noneSample)));
		lines.push(`| gzip slows the writer's pipe by at most 10% (input consumed, gzip / none, per round) | ${times(slowdown)} | ${met(slowdown, value => value <= 1.1)} |`);
	}

	if (gzip === undefined) {
		return lines.join('\n');
	}

	for (const peer of peers) {
		const ratio = roundRatio(gzip, peer, (sample, peerSample) => divide(settledOf(sample), settledOf(peerSample)));
		lines.push(`| all archives final: rotlog gzip / ${peer.benchCase.id} (per round) | ${times(ratio)} | ${met(ratio, value => value < 1)} |`);
	}

	if (peers.length > 0) {
		// Per round: rotlog against whichever peer finished first in that round.
		const fastest = median(defined(gzip.samples.map(sample => {
			const peerTimes = defined(peers.map(peer => peer.samples.find(each => each.round === sample.round)?.measurement.settled));
			return peerTimes.length === peers.length ? divide(sample.measurement.settled, Math.min(...peerTimes)) : undefined;
		})));
		lines.push(`| all archives final sooner than the fastest peer (rotlog gzip / fastest peer, per round) | ${times(fastest)} | ${met(fastest, value => value < 1)} |`);
	} else {
		lines.push('| all archives final sooner than the fastest peer | no peer ran (group not chosen, or none installed) | not measured |');
	}

	return lines.join('\n');
}

/** Per-round times of the compression rows: input consumed / all archives final. */
export function compressionRounds(rows: readonly Row[]): string {
	return rows.map(row => `- ${row.benchCase.id}: ${row.samples.map(sample => `${fixed(sample.measurement.consumed, 3)}/${sample.measurement.settled.toFixed(3)}`).join(' ')} s`).join('\n');
}
