// The one temp-dir helper: a fresh, empty directory per test, removed when the test ends.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {ExecutionContext} from 'ava';

/**
 * A new directory in os.tmpdir(), removed by the test's teardown whether it passed or failed;
 * with ROTLOG_KEEP_TEMP set, a failed test keeps its directory and logs where it is.
 */
export async function tempDir(t: ExecutionContext): Promise<string> {
	const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'rotlog-test-'));
	t.teardown(async () => {
		if (process.env['ROTLOG_KEEP_TEMP'] && !t.passed) {
			t.log(`kept ${directory}`);
			return;
		}

		await fs.rm(directory, {recursive: true, force: true});
	});
	return directory;
}
