// When a writer tries the lock without waiting, per event-loop turn (the write command's policy;
// pure bookkeeping, no I/O). A writer that finds the lock free writes each read at once and keeps
// the lock to the end of the turn. One that finds it taken reads on and writes a batch later. An
// occasional failure means a brief holder (a compression child's claim or swap, `rotlog rotate`);
// failures again and again mean other busy writers: then the writer stops trying for a while and
// batches, so that the lock does not change hands per read and nobody waits for a holder that is
// busy reading. (4 writers on 1 GiB: about 15% slower without this.)

/** Failures within `window` ms that make the writer count as contended... */
const failuresForContention = 3;
const window = 100;
/** ...and how long it then goes without trying [ms]. */
const contendedFor = 100;

export class LockTurns {
	private triedThisTurn = false;
	/** The times of the last failures, oldest first. */
	private failures: number[] = [];
	private quietUntil = Number.NEGATIVE_INFINITY;

	/** May this turn try the lock? Once per turn, and not while contended. */
	mayTry(now: number): boolean {
		return !this.triedThisTurn && now >= this.quietUntil;
	}

	/** This turn's try: `taken` when the lock was free. */
	record(now: number, taken: boolean): void {
		this.triedThisTurn = true;
		if (taken) {
			return;
		}

		this.failures.push(now);
		if (this.failures.length > failuresForContention) {
			this.failures.shift();
		}

		if (this.failures.length === failuresForContention && now - this.failures[0]! < window) {
			this.failures = [];
			this.quietUntil = now + contendedFor;
		}
	}

	/** The event-loop turn ended. */
	endTurn(): void {
		this.triedThisTurn = false;
	}
}
