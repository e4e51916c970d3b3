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

/** The issue's targets, measured: the ratio targets of the cases, and peak RSS of every rotlog process. */
export function targets(rows: readonly Row[]): string {
	const lines = ['| target | measured | met |', '|---|---:|---|'];
	for (const row of rows) {
		const {target} = row.benchCase;
		if (target !== undefined) {
			const {ratio} = summarize(row);
			lines.push(`| ${target.text} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`} | ${met(ratio, value => value <= target.ratio)} |`);
		}
	}

	const rss = defined(rows.filter(row => row.benchCase.rotlog).map(row => summarize(row).peakRssMiB));
	const peak = rss.length === 0 ? undefined : Math.max(...rss);
	lines.push(`| peak RSS of every rotlog process under ${rssTargetMiB} MiB | ${peak === undefined ? 'n/a (no GNU time)' : `${peak.toFixed(1)} MiB`} | ${met(peak, value => value < rssTargetMiB)} |`);
	return lines.join('\n');
}

function met(value: number | undefined, test: (value: number) => boolean): string {
	if (value === undefined) {
		return 'not measured';
	}

	return test(value) ? 'yes' : '**no**';
}

/** Per-round wall times, for judging the spread behind each median. */
export function rounds(rows: readonly Row[]): string {
	return rows.map(row => `- ${row.benchCase.id}: ${row.samples.map(sample => sample.measurement.wall.toFixed(3)).join(' ')} s`).join('\n');
}
