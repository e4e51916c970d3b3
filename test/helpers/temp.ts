// A fresh, empty directory per test, removed when the test ends.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {ExecutionContext} from 'ava';

export async function tempDir(t: ExecutionContext): Promise<string> {
	const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'rotlog-test-'));
	t.teardown(async () => {
		// ROTLOG_KEEP_TEMP keeps the files of a failed run for a look.
		if (process.env['ROTLOG_KEEP_TEMP'] && !t.passed) {
			t.log(`kept ${directory}`);
			return;
		}

		await fs.rm(directory, {recursive: true, force: true});
	});
	return directory;
}
