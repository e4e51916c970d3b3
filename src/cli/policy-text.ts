// A log's policy as text, the way the command line spells it: what writers record in the lock file
// (log/policy-record.ts), and how a record becomes option values again, through the same parsers
// as the command line and --config, so that a record can never mean something the options do not.
import path from 'node:path';
import {defaultDateFormat} from '../decide/date-names.js';
import {intervalText} from '../decide/period.js';
import type {PolicyRecord} from '../log/policy-record.js';
import {defaultKeep, policyOptions, recordedKeys} from './options.js';
import type {PolicyValues} from './policies.js';


/** The effective policy of a writer with these options, defaults filled in. */
export function recordOf(values: PolicyValues, lockPath: string): PolicyRecord {
	const record: PolicyRecord = {};
	const set = (key: typeof recordedKeys[number], value: string | undefined) => {
		if (value !== undefined) {
			record[key] = value;
		}
	};

	set('max', values.max?.toString());
	set('interval', values.interval && intervalText(values.interval));
	set('utc', values.utc ? 'true' : undefined);
	set('name', values.name ?? 'numbered');
	set('date-format', values.name === 'date' ? values['date-format'] ?? defaultDateFormat(values.interval) : undefined);
	set('keep', String(values.keep ?? defaultKeep));
	set('max-age', values['max-age'] === undefined ? undefined : `${values['max-age'] / 1000}s`);
	set('max-total', values['max-total']?.toString());
	set('mode', values.mode === undefined ? undefined : `0${values.mode.toString(8)}`);
	set('compress', values.compress ?? 'gzip');
	set('compress-level', values['compress-level']?.toString());
	set('lock', path.resolve(lockPath));
	return record;
}

/**
 * Option values from a record, each parsed by its option's own parser. A key rotlog does not
 * know, or a value its parser refuses, is left out (a record from another version): the
 * command line's defaults apply there.
 */
export function valuesOfRecord(record: PolicyRecord): PolicyValues {
	const values: Record<string, unknown> = {};
	for (const key of recordedKeys) {
		const text = record[key];
		if (text === undefined || key === 'lock') {
			continue;
		}

		try {
			values[key] = policyOptions[key].coerce(text);
		} catch {
			// Not a value this version takes: as if it were not recorded.
		}
	}

	return values as PolicyValues;
}

/**
 * The recorded policy with the options given on a command line on top. Options that only make
 * sense together go together: --name drops the recorded --date-format, --compress the recorded
 * level (each codec has its own range).
 */
export function withRecord(recorded: PolicyValues, given: PolicyValues): PolicyValues {
	const base: PolicyValues = {...recorded};
	if (given.name !== undefined) {
		delete base['date-format'];
	}

	if (given.compress !== undefined) {
		delete base['compress-level'];
	}

	const merged: Record<string, unknown> = {...base};
	for (const [key, value] of Object.entries(given)) {
		if (value !== undefined) {
			merged[key] = value;
		}
	}

	return merged as PolicyValues;
}
