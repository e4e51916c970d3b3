// Wait for a condition instead of sleeping and hoping.
import {setTimeout as delay} from 'node:timers/promises';

export async function poll(
	condition: () => boolean | Promise<boolean>,
	timeout = 10_000,
	what = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeout;
	for (;;) {
		if (await condition()) {
			return;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
		}

		await delay(10);
	}
}
