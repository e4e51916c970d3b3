// Which files a `check` or `rotate` argument names: a path as given, or a pattern that the shell
// did not expand (cron, quotes, --config), expanded here one path component at a time.
import fs from 'node:fs';
import path from 'node:path';
import {readNames} from './directory.js';
import {RuntimeFailure} from '../errors.js';
import {hasMagic, logNames, matchComponent} from '../decide/glob.js';

/** The log files an argument names, sorted. A plain path is returned even when missing. */
export function expandTarget(pattern: string): string[] {
	if (!hasMagic(pattern)) {
		return [pattern];
	}

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
				const stats = fs.statSync(candidate, {throwIfNoEntry: false});
				if (stats && (last ? stats.isFile() : stats.isDirectory())) {
					next.push(candidate);
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
