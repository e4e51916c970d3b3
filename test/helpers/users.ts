// Running the real bin as the unprivileged user `nobody`, for the tests of a log shared between
// users: rotlog as a service user next to a cron job run by root, and an attacker planting files.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import type {ExecutionContext} from 'ava';
import {execa} from 'execa';
import {rotlogBin} from './rotlog.js';
import {tempDir} from './temp.js';

/** True when these tests can switch users: they run as root. */
export const isRoot = process.getuid?.() === 0;

/** Why the tests that need root are skipped otherwise. */
export const needsRoot = 'needs root: runs rotlog as root and as nobody';

const dropPrivileges = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** nobody's user and group ids. */
export const nobody = isRoot
	? {uid: Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'})), gid: Number(execFileSync('id', ['-g', 'nobody'], {encoding: 'utf8'}))}
	: {uid: -1, gid: -1};

/** Runs a command as nobody and returns its result (never rejects). */
export async function runAsNobody(command: string, args: readonly string[]) {
	return execa('setpriv', [...dropPrivileges, command, ...args], {reject: false, timeout: 60_000});
}

/**
 * Starts `rotlog ...args` as nobody, with a stdin to feed (execa subprocess; never rejects). Its
 * time limit is ava's, 120 s: execa's SIGTERM at the limit is a graceful stop for a writer (exit
 * 0, short of the lines not read yet), so a writer stopped early on a loaded machine would look
 * like lost lines; callers check `timedOut` to tell the two apart.
 */
export function rotlogAsNobody(args: readonly string[]) {
	return execa('setpriv', [...dropPrivileges, process.execPath, rotlogBin, ...args], {
		reject: false,
		stdin: 'pipe',
		timeout: 120_000,
		stripFinalNewline: false,
	});
}

/** A fresh directory anyone can create files in, like /tmp or a shared log directory (1777). */
export async function sharedDir(t: ExecutionContext): Promise<string> {
	const directory = await tempDir(t);
	fs.chmodSync(directory, 0o1777);
	return directory;
}
