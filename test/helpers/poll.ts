// Wait for a condition instead of sleeping and hoping: the one poller of the tests.
import {setTimeout as delay} from 'node:timers/promises';

/**
 * Checks `condition` every `every` ms until it holds; throws after `timeout` ms, naming `what`.
 * A condition that throws fails the wait at once (see `orFalse` for conditions that may race).
 */
export async function poll(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeout = 60_000,
	every = 10,
): Promise<void> {
	const deadline = Date.now() + timeout;
	for (;;) {
		if (await condition()) {
			return;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
		}

		await delay(every);
	}
}

/**
 * `condition`, with an error counted as "not yet": for conditions that list a directory and then
 * read its files, where a file renamed or removed in between is a race, not a failure.
 */
export function orFalse(condition: () => boolean): () => boolean {
	return () => {
		try {
			return condition();
		} catch {
			return false;
		}
	};
}
