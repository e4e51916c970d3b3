// One short-write loop for every synchronous writer: the log file, --tee to a file or terminal,
// and the gzip blocks of an archive. It sits beside errors.ts, on the bottom floor, because all
// three layers (log, output, compress) need it and none may import another for it.
import fs from 'node:fs';

/** fs.writeSync's shape; the log file passes the fault-injecting seam of log/faults.ts instead. */
export type WriteSync = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/**
 * Writes every byte of `bytes` to `fd`: writeSync may write fewer bytes than asked (to a pipe, or
 * on a full disk), so it loops. An error is thrown as it comes; bytes written before it stay written.
 */
export function writeAll(fd: number, bytes: Uint8Array, write: WriteSync = fs.writeSync): void {
	let done = 0;
	while (done < bytes.length) {
		done += write(fd, bytes, done, bytes.length - done);
	}
}
