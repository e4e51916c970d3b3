// The Node I/O floor, a reference row: stdin read 1 MiB at a time with readSync and appended with
// writeSync, no framing, no lock. What any Node log pipe pays before doing anything useful
// (measured.md: 1.18x the pipe floor on 1 GiB).
// Usage: node-floor.js FILE
import fs from 'node:fs';

const [file] = process.argv.slice(2);
if (file === undefined) {
	process.stderr.write('node-floor: usage: node-floor.js FILE\n');
	process.exit(2);
}

const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o666);
const buffer = Buffer.allocUnsafe(1024 * 1024);
for (;;) {
	// fd 0 is the blocking pipe sh made; readSync waits for data instead of spinning.
	const length = fs.readSync(0, buffer, 0, buffer.length, null);
	if (length === 0) {
		break;
	}

	let done = 0;
	while (done < length) {
		done += fs.writeSync(fd, buffer, done, length - done);
	}
}

fs.closeSync(fd);
