// Holding the lock for the rest of an event-loop turn: a writer that finds the lock free takes it,
// so that the reads that follow in the same turn are written at once without taking it again, and
// lets it go at the end of the turn (when to try at all: decide/lock-turns.ts).
import type {LockTurns} from '../decide/lock-turns.js';

/** The part of the Appender a hold uses. */
export type Holdable = {
	readonly holding: boolean;
	tryLock(): boolean;
	release(): void;
};

export type TurnHoldOptions = {
	appender: Holdable;
	turns: LockTurns;
	/** Milliseconds, as Date.now(). */
	clock: () => number;
	/**
	 * Runs `end` at the end of this event-loop turn: setImmediate. Immediates run before the loop
	 * waits for input again, so the lock is never held while the writer waits.
	 */
	schedule: (end: () => void) => void;
	/**
	 * Never hold (--tee): the copy to stdout waits for whoever reads stdout, and that must not keep
	 * other writers waiting for the lock.
	 */
	never: boolean;
};

export class TurnHold {
	private readonly appender: Holdable;
	private readonly turns: LockTurns;
	private readonly clock: () => number;
	private readonly schedule: (end: () => void) => void;
	private readonly never: boolean;
	/** The end of this turn is scheduled. */
	private ending = false;
	// One function for every turn, not one per hold.
	private readonly endTurn = (): void => {
		this.ending = false;
		this.turns.endTurn();
		this.appender.release();
	};

	constructor(options: TurnHoldOptions) {
		this.appender = options.appender;
		this.turns = options.turns;
		this.clock = options.clock;
		this.schedule = options.schedule;
		this.never = options.never;
	}

	/** Takes the lock for the rest of this turn if it is free (and this turn may try); true while it is held. */
	holdIfFree(): boolean {
		if (this.appender.holding) {
			return true;
		}

		if (this.never) {
			return false;
		}

		const now = this.clock();
		if (!this.turns.mayTry(now)) {
			return false;
		}

		const taken = this.appender.tryLock();
		this.turns.record(now, taken);
		if (!this.ending) {
			this.ending = true;
			this.schedule(this.endTurn);
		}

		return taken;
	}
}
