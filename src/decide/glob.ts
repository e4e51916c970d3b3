// Pure glob matching for `rotlog check '/var/log/app/*.log'` when the shell did not expand the
// pattern (cron, quotes, a config file): `*`, `?` and `[...]` (`[!...]` negates, `a-z` ranges)
// within one path component; `/` is never matched by a wildcard. Node 20 has no fs.glob.
import {extensionOf} from './extensions.js';
import {escapeRegExp} from './regexp.js';

const magic = /[*?[]/;

/** True when the text holds a wildcard. */
export function hasMagic(text: string): boolean {
	return magic.test(text);
}


/** One path component's pattern as an anchored regular expression. */
export function componentRegExp(pattern: string): RegExp {
	let source = '';
	for (let index = 0; index < pattern.length; index++) {
		const char = pattern[index]!;
		if (char === '*') {
			source += '[^/]*';
		} else if (char === '?') {
			source += '[^/]';
		} else if (char === '[') {
			const close = pattern.indexOf(']', index + 2);
			if (close === -1) {
				source += String.raw`\[`;
				continue;
			}

			let body = pattern.slice(index + 1, close);
			const negate = body.startsWith('!') || body.startsWith('^');
			if (negate) {
				body = body.slice(1);
			}

			// Inside a class only `\`, `]` and `^` are special to RegExp; `-` keeps its range meaning.
			const escaped = body.replaceAll(/[\\\]^]/g, String.raw`\$&`);
			source += negate ? `[^/${escaped}]` : `[${escaped}]`;
			index = close;
		} else {
			source += escapeRegExp(char);
		}
	}

	return new RegExp(`^${source}$`);
}

/** Does this name match the component pattern? A leading dot must be matched literally, as in sh. */
export function matchComponent(pattern: string, name: string): boolean {
	if (name.startsWith('.') && !pattern.startsWith('.')) {
		return false;
	}

	return componentRegExp(pattern).test(name);
}

/** Does a whole path match a pattern, component by component (`/` never matched by a wildcard)? */
export function matchPath(pattern: string, file: string): boolean {
	const patterns = pattern.split('/').filter(part => part.length > 0);
	const parts = file.split('/').filter(part => part.length > 0);
	return pattern.startsWith('/') === file.startsWith('/') && patterns.length === parts.length
		&& patterns.every((part, index) => matchComponent(part, parts[index]!));
}

/**
 * Of the names a pattern matched in one directory, those that are logs: not the archives (numbered,
 * dated or compressed) or the lock file of another matched name, so `app.log*` means app.log and not
 * app.log.1, app.log.2026-11-26.gz or app.log.lock; never a compressed file or a hidden temp.
 */
export function logNames(names: readonly string[]): string[] {
	const matched = new Set(names);
	const derived = (name: string) => {
		for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1)) {
			if (matched.has(name.slice(0, dot))) {
				return true;
			}
		}

		return false;
	};

	return names.filter(name => !name.startsWith('.') && extensionOf(name) === '' && !derived(name)).sort();
}
