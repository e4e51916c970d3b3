// From parsed options to what the commands run: the policy of one log (its file, lock, size and
// time rules, naming, retention, mode, hook, codec), and for check and rotate the list of jobs
// (command-line files and patterns, then --config entries) with their policies.
import fs from 'node:fs';
import path from 'node:path';
import type {MaintenanceJob} from '../commands/check.js';
import {selectCodec, type CodecName} from '../compress/codecs.js';
import {type ArchiveOptions, namingFor} from '../decide/archives.js';
import {hasMagic, matchPath} from '../decide/glob.js';
import type {Interval} from '../decide/period.js';
import {fsFailure, UsageError} from '../errors.js';
import {readRecord} from '../log/policy-record.js';
import {parseConfig} from './config.js';
import {defaultKeep, policyOptions} from './options.js';
import {valuesOfRecord, withRecord} from './policy-text.js';

export function nonEmptyFile(file: string | undefined): string {
	if (file === undefined || file.length === 0) {
		throw new UsageError('invalid FILE \'\': expected a path');
	}

	return file;
}

export type PolicyValues = {
	max?: number | undefined;
	interval?: Interval | undefined;
	utc?: boolean | undefined;
	name?: 'numbered' | 'date' | undefined;
	'date-format'?: string | undefined;
	keep?: number | undefined;
	'max-age'?: number | undefined;
	'max-total'?: number | undefined;
	lock?: string | undefined;
	mode?: number | undefined;
	'on-rotate'?: string | undefined;
	compress?: CodecName | undefined;
	'compress-level'?: number | undefined;
};

/** Time rotation, date names and retention from the parsed options. */
export function archiveOptions(values: PolicyValues): ArchiveOptions {
	const format = values['date-format'];
	if (format !== undefined && values.name !== 'date') {
		throw new UsageError(`invalid --date-format '${format}': needs --name date`);
	}

	return {
		interval: values.interval,
		zone: values.utc ? 'UTC' : undefined,
		naming: namingFor(values.name, format, values.interval),
		maxAge: values['max-age'],
		maxTotal: values['max-total'],
	};
}

export function policyOf(file: string, values: PolicyValues) {
	return {
		file,
		lockPath: values.lock ?? `${file}.lock`,
		max: values.max,
		keep: values.keep ?? defaultKeep,
		mode: values.mode,
		onRotate: values['on-rotate'],
		codec: selectCodec(values.compress ?? 'gzip', values['compress-level']),
		...archiveOptions(values),
	};
}

/** The policy the writers of a log recorded in its lock file (none: no values). */
export function recordedValues(lockPath: string): PolicyValues {
	const record = readRecord(lockPath);
	return record === undefined ? {} : valuesOfRecord(record);
}

/** The policy entries of a --config file, each value checked by its option's parser. */
function readConfig(config: string): ReturnType<typeof parseConfig> {
	let text: string;
	try {
		text = fs.readFileSync(config, 'utf8');
	} catch (error) {
		throw fsFailure('read config', config, error);
	}

	const parsers = Object.fromEntries(Object.entries(policyOptions).map(([key, option]) => [key, option.coerce]));
	return parseConfig(text, config, parsers);
}

/**
 * A writer's options with --config: the first entry naming FILE (its path, or a pattern that
 * matches it) gives the policy, and options on the command line win over it.
 */
export function writerValues<T extends PolicyValues>(file: string, values: T & {config?: string | undefined}): T {
	if (values.config === undefined) {
		return values;
	}

	const entry = readConfig(values.config).find(({path: entryPath}) => path.resolve(entryPath) === path.resolve(file)
		|| (hasMagic(entryPath) && matchPath(path.resolve(entryPath), path.resolve(file))));
	if (entry === undefined) {
		throw new UsageError(`invalid config '${values.config}': no entry names '${file}'`);
	}

	return withRecord(entry.values as PolicyValues, values) as T;
}

/** check and rotate: the files and patterns of the command line, then those of --config. */
export function maintenanceJobs(files: readonly string[], values: PolicyValues & {config?: string | undefined}): MaintenanceJob[] {
	const jobs: MaintenanceJob[] = [];
	const add = (target: string, targetValues: PolicyValues, where: string) => {
		if (targetValues.lock !== undefined && hasMagic(target)) {
			throw new UsageError(`${where}: a lock path cannot be shared by the files of pattern '${target}'`);
		}

		// Each file's own record under the options: a bare `check` does what that log's writers do.
		jobs.push({target, policy: file => policyOf(file, withRecord(recordedValues(targetValues.lock ?? `${file}.lock`), targetValues))});
	};

	if (values.lock !== undefined && files.length > 1) {
		throw new UsageError('invalid --lock: one lock file cannot serve several FILEs');
	}

	for (const file of files) {
		if (file.length === 0) {
			throw new UsageError('invalid FILE \'\': expected a path');
		}

		add(file, values, 'invalid --lock');
	}

	if (values.config !== undefined) {
		for (const [index, entry] of readConfig(values.config).entries()) {
			// --lock names the lock of the command line's FILE, not of the config's files.
			add(entry.path, {...values, lock: undefined, ...entry.values}, `invalid config '${values.config}': files[${index}].lock`);
		}
	}

	if (jobs.length === 0) {
		throw new UsageError('no FILE given: name files or patterns, or --config FILE');
	}

	return jobs;
}
