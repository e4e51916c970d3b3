// SIGTERM and SIGINT between start-up and the moment a command is ready for them.
//
// The write mode, exec and cat stop gracefully on SIGTERM/SIGINT (write what was read, exit 0),
// but their handlers exist only once the command runs: before that (loading modules, parsing,
// reading the policy record, binding a --listen socket) the signal's default action ended the
// process, so a service manager's stop during start-up looked like a crash, and nothing outside
// could tell when the handlers were in place (Node itself catches both signals from its start,
// so /proc's SigCgt says nothing). The shim holds them from its first lines; the command then
// takes them over, or hands them back to the default when it has no graceful stop.

let arrived: NodeJS.Signals | undefined;
let held = false;

const remember = (signal: NodeJS.Signals) => {
	arrived ??= signal;
};

function unhold(): NodeJS.Signals | undefined {
	if (held) {
		held = false;
		process.off('SIGTERM', remember);
		process.off('SIGINT', remember);
	}

	const signal = arrived;
	arrived = undefined;
	return signal;
}

/** From the shim's first lines: a stop is remembered until a command takes it. */
export function holdStops(): void {
	if (!held) {
		held = true;
		process.on('SIGTERM', remember);
		process.on('SIGINT', remember);
	}
}

/**
 * A command with a graceful stop takes both signals; one that came while they were held reaches
 * `handler` at the next turn of the event loop, once the caller's set-up has run.
 */
export function takeStops(handler: (signal: NodeJS.Signals) => void): void {
	process.on('SIGTERM', handler);
	process.on('SIGINT', handler);
	const signal = unhold();
	if (signal !== undefined) {
		setImmediate(() => {
			handler(signal);
		});
	}
}

/** Undoes takeStops for `handler`. */
export function dropStops(handler: (signal: NodeJS.Signals) => void): void {
	process.off('SIGTERM', handler);
	process.off('SIGINT', handler);
}

/**
 * A command without a graceful stop (check, rotate, status, a usage error): both signals act by
 * default again, and one that came while they were held ends the process now, as it would have.
 */
export function releaseStops(): void {
	const signal = unhold();
	if (signal !== undefined) {
		process.kill(process.pid, signal);
	}
}
