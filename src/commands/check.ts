// `rotlog check FILE...` for cron: per file, run the maintenance step under the writers' lock
// (rotate what is due, apply retention), then compress the archives left raw (the new one, and
// any a killed writer left) and clear what killed compressions left, then the hooks. Silent on
// success; --verbose prints one line per action; a failing file is reported on one line and the
// others still run.
import fs from 'node:fs';
import path from 'node:path';
import type {Codec} from '../compress/codecs.js';
import {recoverCompressions} from '../compress/compressor.js';
import {ChildPool} from '../compress/pool.js';
import {archiveGroups} from '../decide/archives.js';
import {archiveExtensions, extensionOf} from '../decide/extensions.js';
import {hasMagic} from '../decide/glob.js';
import {renderError, warn} from '../errors.js';
import {runHook} from '../output/hooks.js';
import {describeAction, describePlanned, maintain, type MaintenancePolicy, previewMaintenance} from '../log/maintain.js';
import {expandTarget} from '../log/targets.js';

export type MaintenanceJob = {
	/** A path or a pattern, as given. */
	target: string;
	/** A plain path that names nothing is skipped without a word (--missing-ok), not reported. */
	missingOk?: boolean | undefined;
	/** The policy for one file the target names. */
	policy(file: string): MaintenancePolicy & {onRotate?: string | undefined; codec?: Codec | undefined};
};

export type MaintenanceRun = {
	jobs: MaintenanceJob[];
	/** Rotate every non-empty file now (`rotlog rotate`). */
	force: boolean;
	verbose: boolean;
	/** Print what would be done, one line per action, and change nothing (--dry-run). */
	dryRun?: boolean | undefined;
};

/** Runs every job; 0 when all went well, 1 when any file failed (each reported on one line). */
export async function runMaintenance(run: MaintenanceRun): Promise<number> {
	let status = 0;
	const report = (error: unknown) => {
		process.stderr.write(`${renderError(error)}\n`);
		status = 1;
	};

	const skipAbsent = (file: string) => {
		warn(`no log at '${file}': skipped (--missing-ok to allow)`);
		status = 1;
	};

	const done = new Set<string>();
	// One pool of compression children for every log of the run: Node's start-up is paid once,
	// not per log; a child idle for a second (the next log has nothing big) is told to end.
	const pool = new ChildPool(1000);
	try {
		await maintainAll(run, done, pool, report, skipAbsent);
	} finally {
		pool.close();
	}

	return status;
}

/**
 * A plain path with nothing of its log there (no FILE, no lock file, nothing to do) is likely a
 * typo or a log that is gone: said, and the run fails, unless --missing-ok (logrotate's
 * missingok). A pattern that matches nothing fails already (expandTarget).
 */
function absent(job: MaintenanceJob, file: string, lockPath: string): boolean {
	return !job.missingOk && !hasMagic(job.target) && fs.lstatSync(file, {throwIfNoEntry: false}) === undefined && !fs.existsSync(lockPath);
}

async function maintainAll(run: MaintenanceRun, done: Set<string>, pool: ChildPool, report: (error: unknown) => void, skipAbsent: (file: string) => void): Promise<void> {
	for (const job of run.jobs) {
		let files: string[];
		try {
			files = expandTarget(job.target, {
				onSkip: run.verbose ? (skipped, why) => process.stdout.write(`skipped '${skipped}': ${why}\n`) : undefined,
			});
		} catch (error) {
			report(error);
			continue;
		}

		for (const file of files) {
			// A file named twice (a path and a pattern) is maintained once, by its first job.
			if (done.has(path.resolve(file))) {
				continue;
			}

			done.add(path.resolve(file));
			const policy = job.policy(file);
			if (run.dryRun) {
				try {
					if (showPlan(file, policy, run.force) === 0 && absent(job, file, policy.lockPath)) {
						skipAbsent(file);
					}
				} catch (error) {
					report(error);
				}

				continue;
			}

			const hook = async (archive: string) => {
				if (policy.onRotate === undefined) {
					return;
				}

				const failure = await runHook(policy.onRotate, file, archive);
				if (failure !== undefined) {
					report(failure);
				} else if (run.verbose) {
					process.stdout.write(`ran --on-rotate for '${archive}'\n`);
				}
			};

			try {
				const finals: string[] = [];
				const {actions, names} = maintain(policy, run.force);
				for (const action of actions) {
					if (run.verbose) {
						process.stdout.write(`${describeAction(action)}\n`);
					}

					// Without compression the archive is final once the lock is released.
					if (action.kind === 'rotated' && action.archive !== undefined && policy.codec === undefined) {
						finals.push(action.archive);
					}
				}

				// Nothing of this log exists (maintain() took no lock): nothing to recover either.
				if (!fs.existsSync(policy.lockPath)) {
					if (absent(job, file, policy.lockPath)) {
						skipAbsent(file);
					}

					continue;
				}

				const recovered = await recoverCompressions({
					file,
					lockPath: policy.lockPath,
					codec: policy.codec,
					naming: policy,
					names,
					pool,
					onFinal(archive) {
						finals.push(archive);
					},
				});
				if (run.verbose) {
					for (const name of recovered.compressed) {
						process.stdout.write(`compressed '${path.join(path.dirname(file), name)}'\n`);
					}

					for (const name of [...recovered.removedRaws, ...recovered.removedTemps]) {
						process.stdout.write(`removed '${path.join(path.dirname(file), name)}': left by an interrupted compression\n`);
					}
				}

				for (const archive of finals) {
					await hook(archive);
				}
			} catch (error) {
				report(error);
			}
		}
	}
}

/**
 * --dry-run: the plan for one file, one line per action on stdout: what the lock would guard
 * (repair, rotation, renames, deletions), then the compressions and hooks that would follow.
 */
function showPlan(file: string, policy: ReturnType<MaintenanceJob['policy']>, force: boolean): number {
	const {actions, names} = previewMaintenance(policy, force, Date.now());
	const lines = actions.map(action => describePlanned(action));
	const directory = path.dirname(file);
	const rotated = actions.find(action => action.kind === 'rotated');
	const archive = rotated?.kind === 'rotated' ? rotated.archive : undefined;
	const finals: string[] = [];
	if (policy.codec === undefined) {
		if (archive !== undefined) {
			finals.push(archive);
		}
	} else {
		// The new archive and any raw one an earlier run left: recovery compresses them all.
		const present = new Set(names);
		const raws = archiveGroups(path.basename(file), policy, names).flat()
			.filter(name => extensionOf(name) === '' && !archiveExtensions.some(extension => present.has(`${name}${extension}`)));
		for (const name of raws) {
			lines.push(`would compress '${path.join(directory, name)}' (${policy.codec.name})`);
			finals.push(`${path.join(directory, name)}${policy.codec.extension}`);
		}
	}

	if (policy.onRotate !== undefined) {
		for (const final of finals) {
			lines.push(`would run --on-rotate '${policy.onRotate}' for '${final}'`);
		}
	}

	process.stdout.write(lines.map(line => `${line}\n`).join(''));
	return lines.length;
}

export async function runCheck(jobs: MaintenanceJob[], verbose: boolean, dryRun = false): Promise<number> {
	return runMaintenance({jobs, force: false, verbose, dryRun});
}
