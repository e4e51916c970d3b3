// A real full disk: a small tmpfs mounted for one test (Linux, as root), and a filler file that
// leaves only a few bytes free. The one copy for every test that needs ENOSPC from the kernel
// rather than from the ROTLOG_TEST_FAULTS seam.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {ExecutionContext} from 'ava';
import {tempDir} from './temp.js';

let problem: string | undefined | null = null;

/** Why a tmpfs cannot be mounted here (undefined: it can), found once per process by trying. */
export function tmpfsProblem(): string | undefined {
	if (problem === null) {
		problem = findProblem();
	}

	return problem;
}

function findProblem(): string | undefined {
	if (process.platform !== 'linux') {
		return `tmpfs mounts are Linux-only (this is ${process.platform})`;
	}

	if (process.getuid?.() !== 0) {
		return 'mounting a tmpfs needs root';
	}

	const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-mount-probe-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], {stdio: 'pipe'});
		execFileSync('umount', [probe], {stdio: 'pipe'});
		return undefined;
	} catch (error) {
		const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim();
		return `mount -t tmpfs failed: ${stderr || (error as Error).message}`;
	} finally {
		fs.rmdirSync(probe);
	}
}

/** A fresh tmpfs of `size` (mount's syntax: `16m`), unmounted when the test ends. */
export async function tmpfs(t: ExecutionContext, size: string): Promise<string> {
	const directory = await tempDir(t);
	execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]);
	// Registered after tempDir's teardown, so it runs first (ava runs teardowns in reverse).
	t.teardown(() => {
		execFileSync('umount', ['-l', directory]);
	});
	return directory;
}

/** Fills the file system of `directory` with a filler file, leaving about `free` bytes; its path. */
export function fill(directory: string, free: number): string {
	const filler = path.join(directory, 'filler');
	const fd = fs.openSync(filler, 'w');
	const block = Buffer.alloc(64 * 1024, 0x78);
	try {
		for (;;) {
			fs.writeSync(fd, block);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
			throw error;
		}
	} finally {
		fs.closeSync(fd);
	}

	fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - free));
	return filler;
}
