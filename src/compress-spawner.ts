// A worker thread that starts the compression children (issue 3). Starting a child blocks the
// calling thread until the child has exec'd Node (milliseconds, tens of them on a busy machine);
// done here, that wait never stalls the writer's thread. The worker shares the process's
// descriptors, so it passes the claimed temps and raw archives on; it says 'spawned' so that the
// main thread, which opened them, closes its copies.
import {spawn} from 'node:child_process';
import os from 'node:os';
import {parentPort} from 'node:worker_threads';

export type SpawnRequest = {id: number; script: string; jobs: string; fds: number[]; niceness: number};
export type SpawnResult = {id: number; statuses: string[]; signal: string | null; error?: string};
export type SpawnMessage = ({kind: 'spawned'} & Pick<SpawnResult, 'id'>) | ({kind: 'done'} & SpawnResult);

function start(request: SpawnRequest, spawned: () => void, done: (result: Omit<SpawnResult, 'id'>) => void): void {
	let child;
	try {
		child = spawn(process.execPath, [request.script, request.jobs], {stdio: ['ignore', 'pipe', 'inherit', ...request.fds]});
		try {
			// Lower it at once, so that even Node's start-up in the child yields to the writer.
			if (child.pid !== undefined) {
				os.setPriority(child.pid, request.niceness);
			}
		} catch {
			// Exited already, or not permitted: the child lowers itself too.
		}
	} catch (error) {
		done({statuses: [], signal: null, error: error instanceof Error ? error.message : String(error)});
		return;
	} finally {
		spawned();
	}

	let output = '';
	child.stdout?.setEncoding('utf8');
	child.stdout?.on('data', (text: string) => {
		output += text;
	});
	child.once('error', error => {
		done({statuses: output.split('\n'), signal: null, error: error.message});
	});
	child.once('close', (_code, signal) => {
		done({statuses: output.split('\n'), signal});
	});
}

parentPort?.on('message', (request: SpawnRequest) => {
	let answered = false;
	start(request, () => {
		parentPort?.postMessage({kind: 'spawned', id: request.id} satisfies SpawnMessage);
	}, result => {
		if (!answered) {
			answered = true;
			parentPort?.postMessage({kind: 'done', id: request.id, ...result} satisfies SpawnMessage);
		}
	});
});
