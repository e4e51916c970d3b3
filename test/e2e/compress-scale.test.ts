// Compression that scales with the log: the last archive under --keep 1 is compressed by the
// writer that made it, many writers on one log never run more compression children at once than
// the machine has cores, and a SIGTERM while compressions finish after EOF exits 0 at once,
// leaving the rest to the next writer or check.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import {rotlog} from '../helpers/rotlog.js';
import {tempDir} from '../helpers/temp.js';

/** `count` numbered lines of about 40 bytes each, tagged with `tag`. */
function lines(tag: string, count: number): Buffer {
	let text = '';
	for (let index = 0; index < count; index++) {
		text += `${tag} ${String(index).padStart(7, '0')} the quick brown fox\n`;
	}

	return Buffer.from(text);
}

function names(directory: string): string[] {
	return fs.readdirSync(directory).sort();
}

test('--keep 1: the one archive is compressed when the writer exits, and stays so after a check', async t => {
	const directory = await tempDir(t);
	const file = path.join(directory, 'app.log');
	// Many rotations, each deleting the archive before: the new archive takes the old one's name.
	const input = lines('k', 20_000);
	const result = await rotlog([file, '--max', '16K', '--keep', '1'], {input});
	t.is(result.exitCode, 0, String(result.stderr));
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.lock']);
	const check = await rotlog(['check', file, '--max', '16K', '--keep', '1']);
	t.is(check.exitCode, 0, String(check.stderr));
	t.deepEqual(names(directory), ['app.log', 'app.log.1.gz', 'app.log.lock']);
	// The archive holds the lines just before FILE's.
	const archived = zlib.gunzipSync(fs.readFileSync(`${file}.1.gz`));
	t.true(input.subarray(0, input.length - fs.statSync(file).size).toString().endsWith(archived.toString()));
});
