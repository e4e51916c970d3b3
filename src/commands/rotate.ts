// `rotlog rotate FILE...`: rotate now, under the writers' lock, with the same policy options as
// the write mode. An empty or missing FILE is left alone (exit 0).
import {type MaintenanceJob, runMaintenance} from './check.js';

export async function runRotate(jobs: MaintenanceJob[], verbose: boolean, dryRun = false): Promise<number> {
	return runMaintenance({jobs, force: true, verbose, dryRun});
}
