// From parsed options to what the commands run: the policy of one log (its file, lock, size and
// time rules, naming, retention, mode, hook, codec), and for check and rotate the list of jobs
// (command-line files and patterns, then --config entries) with their policies.
import fs from 'node:fs';
import type {MaintenanceJob} from '../commands/check.js';
import {selectCodec, type CodecName} from '../compress/codecs.js';
import {type ArchiveOptions, namingFor} from '../decide/archives.js';
import {hasMagic} from '../decide/glob.js';
import type {Interval} from '../decide/period.js';
import {fsFailure, UsageError} from '../errors.js';
import {hookProgramProblem} from '../output/hooks.js';
import {parseConfig} from './config.js';
import {defaultKeep, policyOptions} from './options.js';

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

/** --on-rotate's program must exist and be executable: checked at start, before any input is read. */
export function checkHook(command: string | undefined, where: string): void {
	const problem = command === undefined ? undefined : hookProgramProblem(command);
	if (problem !== undefined) {
		throw new UsageError(`${where}: ${problem}`);
	}
}

/** check and rotate: the files and patterns of the command line, then those of --config. */
export function maintenanceJobs(files: readonly string[], values: PolicyValues & {config?: string | undefined}): MaintenanceJob[] {
	const jobs: MaintenanceJob[] = [];
	const add = (target: string, targetValues: PolicyValues, where: (key: string) => string) => {
		if (targetValues.lock !== undefined && hasMagic(target)) {
			throw new UsageError(`${where('lock')}: a lock path cannot be shared by the files of pattern '${target}'`);
		}

		checkHook(targetValues['on-rotate'], where('on-rotate'));

		jobs.push({target, policy: file => policyOf(file, targetValues)});
	};

	if (values.lock !== undefined && files.length > 1) {
		throw new UsageError('invalid --lock: one lock file cannot serve several FILEs');
	}

	for (const file of files) {
		if (file.length === 0) {
			throw new UsageError('invalid FILE \'\': expected a path');
		}

		add(file, values, key => `invalid --${key}${key === 'on-rotate' ? ` '${values['on-rotate']}'` : ''}`);
	}

	if (values.config !== undefined) {
		let text: string;
		try {
			text = fs.readFileSync(values.config, 'utf8');
		} catch (error) {
			throw fsFailure('read config', values.config, error);
		}

		const parsers = Object.fromEntries(Object.entries(policyOptions).map(([key, option]) => [key, option.coerce]));
		for (const [index, entry] of parseConfig(text, values.config, parsers).entries()) {
			// --lock names the lock of the command line's FILE, not of the config's files.
			const entryValues: PolicyValues = {...values, lock: undefined, ...entry.values};
			add(entry.path, entryValues, key => `invalid config '${values.config}': files[${index}].${key}${key === 'on-rotate' ? ` ${JSON.stringify(entryValues['on-rotate'])}` : ''}`);
		}
	}

	if (jobs.length === 0) {
		throw new UsageError('no FILE given: name files or patterns, or --config FILE');
	}

	return jobs;
}
