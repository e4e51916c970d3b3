// Test-only seams: injected file-system errors and crashes at named steps. Both are
// read from the environment once; unset (always, outside tests) they cost one check per call.
//
//   ROTLOG_TEST_FAULTS=write=ENOSPC*3,rename=EIO*1
//       the next 3 writes to FILE fail with ENOSPC after writing half their bytes (a short write,
//       then the error, as a filling disk does); the next rename of a rotation fails with EIO.
//   ROTLOG_TEST_CRASH_AT=rotate:3
//       SIGKILL this process right after step 3 of its first rotation (steps are counted per
//       protocol: `rotate` and `compress`).
import fs from 'node:fs';

export type FaultOperation = 'write' | 'rename';

type Fault = {code: string; left: number};

function parseFaults(text: string | undefined): Map<string, Fault> {
	const faults = new Map<string, Fault>();
	for (const item of (text ?? '').split(',')) {
		const match = /^(\w+)=([A-Z]+)(?:\*(\d+))?$/.exec(item.trim());
		if (match) {
			faults.set(match[1]!, {code: match[2]!, left: Number(match[3] ?? 1)});
		}
	}

	return faults;
}

const reasons: Record<string, string> = {
	ENOSPC: 'no space left on device',
	EDQUOT: 'disk quota exceeded',
	EIO: 'i/o error',
	EFBIG: 'file too large',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
};

const faults = parseFaults(process.env['ROTLOG_TEST_FAULTS']);
const crashAt = /^(\w+):(\d+)$/.exec(process.env['ROTLOG_TEST_CRASH_AT'] ?? '');
const stepCounts = new Map<string, number>();

/** The injected error for the next `operation`, if one is due. */
function due(operation: FaultOperation): Error | undefined {
	const fault = faults.get(operation);
	if (fault === undefined || fault.left <= 0) {
		return undefined;
	}

	fault.left -= 1;
	const reason = reasons[fault.code] ?? 'injected error';
	return Object.assign(new Error(`${fault.code}: ${reason} (ROTLOG_TEST_FAULTS), ${operation}`), {code: fault.code});
}

/** fs.writeSync, unless a fault is due: then half the bytes are written and the error thrown. */
export function writeFile(fd: number, bytes: Uint8Array, offset: number, length: number): number {
	if (faults.size > 0) {
		const error = due('write');
		if (error) {
			if (length > 1) {
				fs.writeSync(fd, bytes, offset, Math.floor(length / 2));
			}

			throw error;
		}
	}

	return fs.writeSync(fd, bytes, offset, length);
}

/** fs.renameSync, unless a fault is due. */
export function renameFile(from: string, to: string): void {
	if (faults.size > 0) {
		const error = due('rename');
		if (error) {
			throw error;
		}
	}

	fs.renameSync(from, to);
}

/** Marks the end of one step of `protocol`; SIGKILLs the process there if a test asked for it. */
export function stepDone(protocol: string): void {
	if (crashAt === null || crashAt[1] !== protocol) {
		return;
	}

	const count = (stepCounts.get(protocol) ?? 0) + 1;
	stepCounts.set(protocol, count);
	if (count === Number(crashAt[2])) {
		process.kill(process.pid, 'SIGKILL');
	}
}
