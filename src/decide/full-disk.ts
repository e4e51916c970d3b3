// What the write mode does while FILE cannot be written (a full disk, an I/O error): when to try
// again, whether lines are dropped meanwhile, and what to tell the user. Pure: `now` is a
// parameter and the messages are returned for the caller to print. An episode lasts from the
// first failed write to the next one that works; one line on stderr when it starts, and in drop
// mode one when it ends (or at exit) with the number of lines dropped.
import {renderError} from '../errors.js';

/** --on-full: keep the lines and wait for space, or drop them until a write works again. */
export type OnFull = 'block' | 'drop';

/** Retries of a write that failed for want of space: 50 ms, doubling up to 5 s. */
const firstRetry = 50;
const lastRetry = 5000;

/** Lines in whole lines (each ends with a newline): for reports only, never on the hot path. */
export function countLines(lines: Uint8Array): number {
	let count = 0;
	for (let at = lines.indexOf(0x0a); at !== -1; at = lines.indexOf(0x0a, at + 1)) {
		count++;
	}

	return count;
}

export class FullDisk {
	/** --on-full drop: lines that cannot be written are dropped, not kept. */
	readonly drops: boolean;
	/** The episode under way: when the next write may be tried, and the wait before that one. */
	private episode: {retryAt: number; delay: number} | undefined;
	/** Lines dropped and not reported yet. */
	private dropped = 0;

	constructor(mode: OnFull, private readonly file: string) {
		this.drops = mode === 'drop';
	}

	/** An episode is under way: the last write failed. */
	get failing(): boolean {
		return this.episode !== undefined;
	}

	/** Lines given now are dropped unwritten: in drop mode, during an episode, until the retry is due. */
	dropsAt(now: number): boolean {
		return this.drops && this.episode !== undefined && now < this.episode.retryAt;
	}

	/** Counts whole lines as dropped. */
	drop(lines: Uint8Array): void {
		this.dropped += countLines(lines);
	}

	/** A write failed because of `why`: the retry is due after 50 ms, then twice as long each time up to 5 s. Returns the line to print when this starts an episode. */
	failed(why: unknown, now: number): string | undefined {
		let report: string | undefined;
		if (this.episode === undefined) {
			this.episode = {retryAt: 0, delay: firstRetry};
			const then = this.drops ? 'dropping lines until it works again (--on-full drop)' : 'keeping the lines and retrying until it works';
			report = `${renderError(why)}; ${then}`;
		} else {
			this.episode.delay = Math.min(this.episode.delay * 2, lastRetry);
		}

		this.episode.retryAt = now + this.episode.delay;
		return report;
	}

	/** Milliseconds from `now` until the retry is due (0 when it is, or when nothing failed). */
	retryIn(now: number): number {
		return Math.max(0, (this.episode?.retryAt ?? 0) - now);
	}

	/** A write worked: the episode, if any, is over. Returns the line to print (the lines dropped during it). */
	recovered(): string | undefined {
		if (this.episode === undefined) {
			return undefined;
		}

		this.episode = undefined;
		return this.reportDropped(`while '${this.file}' could not be written; writing again`);
	}

	/** The writer exits: returns the line to print about lines dropped and not yet reported. */
	closed(): string | undefined {
		return this.reportDropped(`while '${this.file}' could not be written`);
	}

	private reportDropped(when: string): string | undefined {
		if (this.dropped === 0) {
			return undefined;
		}

		const report = `rotlog: dropped ${this.dropped} lines ${when} (--on-full drop)`;
		this.dropped = 0;
		return report;
	}
}
