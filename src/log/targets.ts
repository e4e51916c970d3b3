// Which files a `check` or `rotate` argument names: a path as given, or a pattern that the shell
// did not expand (cron, quotes, --config), expanded here one path component at a time, never
// through a symbolic link (or, for root, another user's directory in a sticky one) that a
// wildcard matched.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from './directory.js';
import {RuntimeFailure} from '../errors.js';
import {hasMagic, logNames, matchComponent} from '../decide/glob.js';

/** S_ISVTX, which @types/node does not list in fs.constants. */
const stickyBit = 0o1000;

/** What a pattern's expansion reports it left out, for --verbose. */
export type ExpandOptions = {
	onSkip?: ((path: string, reason: string) => void) | undefined;
	/** The effective user id; root gets the ownership rule below. Default: this process's. */
	euid?: number | undefined;
};

/**
 * Why a directory that a wildcard matched must not be entered, or undefined. A wildcard picks
 * names that anyone able to write `base` chose: a symbolic link there (`ln -s /root/private
 * shared/evil` in a 1777 directory) would lead root's check to rotate files it was never meant
 * to touch. So a matched symbolic link is never followed, and for root a directory another user
 * owns inside a sticky directory is not entered either (its owner can put links in it).
 */
function refusal(base: string, stats: fs.Stats, component: string, euid: number | undefined): string | undefined {
	if (stats.isSymbolicLink()) {
		return `a symbolic link matched by '${component}'`;
	}

	if (euid === 0 && stats.uid !== 0) {
		const parent = fs.statSync(base, {throwIfNoEntry: false});
		if (parent && (parent.mode & stickyBit) !== 0) {
			return `owned by uid ${stats.uid} in the sticky directory '${base}', and rotlog runs as root`;
		}
	}

	return undefined;
}

/**
 * The log files an argument names, sorted. A plain path is returned even when missing. Directories
 * that a wildcard matched are entered only when `refusal` allows it.
 */
export function expandTarget(pattern: string, options: ExpandOptions = {}): string[] {
	if (!hasMagic(pattern)) {
		return [pattern];
	}

	const euid = options.euid ?? process.geteuid?.();
	const absolute = path.isAbsolute(pattern);
	const components = pattern.split('/').filter(component => component.length > 0);
	let bases = [absolute ? '/' : '.'];
	for (const [position, component] of components.entries()) {
		const last = position === components.length - 1;
		const next: string[] = [];
		for (const base of bases) {
			if (!hasMagic(component)) {
				next.push(path.join(base, component));
				continue;
			}

			const matched = readNames(base, {missingOk: true}).filter(name => matchComponent(component, name));
			const kept = last ? logNames(matched) : matched;
			for (const name of kept) {
				const candidate = path.join(base, name);
				if (last) {
					if (fs.statSync(candidate, {throwIfNoEntry: false})?.isFile()) {
						next.push(candidate);
					}

					continue;
				}

				const stats = fs.lstatSync(candidate, {throwIfNoEntry: false});
				if (!stats || !(stats.isDirectory() || (stats.isSymbolicLink() && fs.statSync(candidate, {throwIfNoEntry: false})?.isDirectory()))) {
					continue;
				}

				const why = refusal(base, stats, component, euid);
				if (why === undefined) {
					next.push(candidate);
				} else {
					options.onSkip?.(candidate, why);
				}
			}
		}

		bases = next;
	}

	const files = bases.filter(file => fs.statSync(file, {throwIfNoEntry: false})?.isFile());
	if (files.length === 0) {
		throw new RuntimeFailure(`no file matches '${pattern}'`);
	}

	// path.join drops the './' a relative pattern did not have.
	return files.sort();
}
