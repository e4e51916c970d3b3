// Pure parsing of a `--config FILE` for check and rotate: JSON text in, validated entries out,
// or a UsageError naming the bad key. The keys are the policy options' own names, checked by
// the same parsers as the command line, so the file and the flags cannot drift.
//
//   {"defaults": {"keep": 5}, "files": ["/var/log/a.log", {"path": "/var/log/app/*.log", "max": "64M"}]}
import {UsageError} from '../errors.js';

export type ConfigEntry = {
	/** A path or a pattern. */
	path: string;
	/** Option values by option name, already parsed ("keep" -> 5); defaults merged in. */
	values: Record<string, unknown>;
};

export type KeyParsers = Readonly<Record<string, (value: unknown) => unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value parsers speak of `--keep '-1'`; in a file the key's path says it better. */
function why(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/^invalid --[\w-]+ '[^']*': /, '');
}

export function parseConfig(text: string, source: string, parsers: KeyParsers): ConfigEntry[] {
	const fail = (where: string, reason: string) => new UsageError(`invalid config '${source}': ${where}: ${reason}`);
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch (error) {
		throw new UsageError(`invalid config '${source}': ${error instanceof Error ? error.message : String(error)}`);
	}

	if (!isObject(document)) {
		throw fail('top level', 'expected an object with "files"');
	}

	for (const key of Object.keys(document)) {
		if (key !== 'defaults' && key !== 'files') {
			throw fail(key, 'unknown key (expected "defaults" or "files")');
		}
	}

	const values = (object: Record<string, unknown>, where: string, skip: string[]) => {
		const parsed: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(object)) {
			if (skip.includes(key)) {
				continue;
			}

			const parse = parsers[key];
			if (!parse) {
				throw fail(`${where}.${key}`, `unknown key (expected one of: ${[...skip, ...Object.keys(parsers)].join(', ')})`);
			}

			if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
				throw fail(`${where}.${key}`, 'expected a string, a number or true/false');
			}

			try {
				parsed[key] = parse(String(value));
			} catch (error) {
				throw fail(`${where}.${key} ${JSON.stringify(value)}`, why(error));
			}
		}

		return parsed;
	};

	let defaults: Record<string, unknown> = {};
	if (document['defaults'] !== undefined) {
		if (!isObject(document['defaults'])) {
			throw fail('defaults', 'expected an object');
		}

		defaults = values(document['defaults'], 'defaults', []);
	}

	const files = document['files'];
	if (!Array.isArray(files) || files.length === 0) {
		throw fail('files', 'expected a non-empty array of paths or objects');
	}

	return files.map((entry: unknown, index): ConfigEntry => {
		const where = `files[${index}]`;
		if (typeof entry === 'string' && entry.length > 0) {
			return {path: entry, values: {...defaults}};
		}

		if (!isObject(entry)) {
			throw fail(where, 'expected a path or an object with "path"');
		}

		if (typeof entry['path'] !== 'string' || entry['path'].length === 0) {
			throw fail(`${where}.path`, 'expected a non-empty string');
		}

		return {path: entry['path'], values: {...defaults, ...values(entry, where, ['path'])}};
	});
}
