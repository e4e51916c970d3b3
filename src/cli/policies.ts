// From parsed options to what the commands run: the policy of one log (its file, lock, size and
// time rules, naming, retention, mode, hook, codec), and for check and rotate the list of jobs
// (command-line files and patterns, then --config entries) with their policies.
import fs from 'node:fs';
import path from 'node:path';
import type {MaintenanceJob} from '../commands/check.js';
import {selectCodec, type CodecName} from '../compress/codecs.js';
import {archiveGroups, type ArchiveOptions, namingFor} from '../decide/archives.js';
import type {Naming} from '../decide/date-names.js';
import {hasMagic, matchPath} from '../decide/glob.js';
import type {Interval} from '../decide/period.js';
import {fsFailure, UsageError} from '../errors.js';
import {readRecord} from '../log/policy-record.js';
import {hookProgramProblem} from '../output/hooks.js';
import {parseConfig} from './config.js';
import {defaultKeep, maintenanceOptions, policyOptions} from './options.js';
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

	// "missing-ok" is a key too: check and rotate skip that entry's missing files without a word.
	const parsers = Object.fromEntries([...Object.entries(policyOptions), ['missing-ok', maintenanceOptions['missing-ok']] as const].map(([key, option]) => [key, option.coerce]));
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

/**
 * A writer's (the write mode's or exec's) values, --config applied, and its policy, with the lock
 * path and the --on-rotate program checked before anything is opened.
 */
export function writerPolicy<T extends PolicyValues>(file: string, args: T & {config?: string | undefined}): {values: T; policy: ReturnType<typeof policyOf>} {
	const values = writerValues(file, args);
	checkLock(file, values.lock, archiveOptions(values).naming ?? {kind: 'numbered'}, `invalid --lock '${values.lock}'`);
	checkHook(values['on-rotate'], `invalid --on-rotate '${values['on-rotate']}'`);
	return {values, policy: policyOf(file, values)};
}

/** --on-rotate's program must exist and be executable: checked at start, before any input is read. */
export function checkHook(command: string | undefined, where: string): void {
	const problem = command === undefined ? undefined : hookProgramProblem(command);
	if (problem !== undefined) {
		throw new UsageError(`${where}: ${problem}`);
	}
}

/** check and rotate: the files and patterns of the command line, then those of --config. */
export function maintenanceJobs(files: readonly string[], values: PolicyValues & {config?: string | undefined; 'missing-ok'?: boolean | undefined}): MaintenanceJob[] {
	const jobs: MaintenanceJob[] = [];
	// `where(key)` names the option or config key; `where(key, value)` quotes its value too.
	type Where = (key: 'lock' | 'on-rotate', value?: string) => string;
	const add = (target: string, targetValues: PolicyValues & {'missing-ok'?: boolean | undefined}, where: Where) => {
		if (targetValues.lock !== undefined && hasMagic(target)) {
			throw new UsageError(`${where('lock')}: a lock path cannot be shared by the files of pattern '${target}'`);
		}

		const lock = targetValues.lock;
		checkLock(target, lock, archiveOptions(targetValues).naming ?? {kind: 'numbered'}, where('lock', lock));
		const hook = targetValues['on-rotate'];
		checkHook(hook, where('on-rotate', hook));
		// Each file's own record under the options: a bare `check` does what that log's writers do.
		jobs.push({
			target,
			missingOk: targetValues['missing-ok'] ?? false,
			policy: file => policyOf(file, withRecord(recordedValues(targetValues.lock ?? `${file}.lock`), targetValues)),
		});
	};

	if (values.lock !== undefined && files.length > 1) {
		throw new UsageError('invalid --lock: one lock file cannot serve several FILEs');
	}

	for (const file of files) {
		if (file.length === 0) {
			throw new UsageError('invalid FILE \'\': expected a path');
		}

		add(file, values, (key, value) => (value === undefined ? `invalid --${key}` : `invalid --${key} '${value}'`));
	}

	if (values.config !== undefined) {
		for (const [index, entry] of readConfig(values.config).entries()) {
			// --lock names the lock of the command line's FILE, not of the config's files.
			const entryValues: PolicyValues & {'missing-ok'?: boolean | undefined} = {...values, lock: undefined, ...entry.values};
			add(entry.path, entryValues, (key, value) => `invalid config '${values.config}': files[${index}].${key}${value === undefined ? '' : ` ${JSON.stringify(value)}`}`);
		}
	}

	if (jobs.length === 0) {
		throw new UsageError('no FILE given: name files or patterns, or --config FILE');
	}

	return jobs;
}

/**
 * Why a lock path cannot serve FILE, or undefined: FILE itself, or a name that `naming` takes for
 * one of FILE's archives (numbered or dated, compressed or not), which rotation would shift,
 * compress or delete while writers hold their lock on it.
 */
export function lockConflict(file: string, lockPath: string, naming: Naming): string | undefined {
	const resolvedFile = path.resolve(file);
	const resolvedLock = path.resolve(lockPath);
	if (resolvedLock === resolvedFile) {
		return 'the lock file cannot be FILE itself';
	}

	if (path.dirname(resolvedLock) === path.dirname(resolvedFile)
		&& archiveGroups(path.basename(resolvedFile), {naming}, [path.basename(resolvedLock)]).length > 0) {
		return `the lock file would be taken for an archive of '${file}'`;
	}

	return undefined;
}

/** A usage error when an explicit --lock conflicts with FILE (see lockConflict). */
export function checkLock(file: string, lockPath: string | undefined, naming: Naming, where: string): void {
	const conflict = lockPath === undefined ? undefined : lockConflict(file, lockPath, naming);
	if (conflict !== undefined) {
		throw new UsageError(`${where}: ${conflict}`);
	}
}
