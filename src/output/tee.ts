// --tee: a copy of what is logged goes to stdout. Logging comes first: when stdout closes (EPIPE)
// or fails, teeing stops and writing FILE goes on.
import fs from 'node:fs';
import {errnoCode, renderError} from '../errors.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

export class Tee {
	private open = true;

	constructor(private readonly fd = 1) {}

	write(bytes: Uint8Array): void {
		let done = 0;
		while (this.open && done < bytes.length) {
			try {
				done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
			} catch (error) {
				const code = errnoCode(error);
				if (code === 'EAGAIN') {
					// A non-blocking stdout that is full: wait for the reader, as a blocking write would.
					Atomics.wait(pause, 0, 0, 1);
					continue;
				}

				this.open = false;
				if (code !== 'EPIPE') {
					process.stderr.write(`${renderError(new Error(`--tee stopped: ${String((error as Error).message)}`))}\n`);
				}
			}
		}
	}
}
