// What a group that does not run in rounds (operations, producers) is given, and what it hands
// back to the report.
import type {Corpus} from './corpus.js';
import type {Tools} from './measure.js';

export type GroupContext = {
	corpus: Corpus;
	/** bin/rotlog, run with this Node. */
	rotlog: string;
	node: string;
	tools: Tools;
	/** A fresh directory for the group's files, removed after the run. */
	scratch: string;
	/** --runs: how many times each measurement is repeated (medians). */
	runs: number;
	progress: (text: string) => void;
};

/** A section of the report: markdown lines, and whether a check of rotlog's output failed. */
export type Section = {lines: string[]; failed: boolean};
