// Error classes inside, one line outside: every failure reaches the user as `rotlog: <what>: <why>`.

/** A bad command line: exit status 2. */
export class UsageError extends Error {
	readonly exitCode = 2;
}

/** The one-line message of a bad option value: `invalid --max 'abc': expected bytes ...`. */
export function invalidValue(option: string, value: string, why: string): UsageError {
	return new UsageError(`invalid --${option} '${value}': ${why}`);
}

/**
 * What kind of file `stats` describe, for a message ("it is a FIFO, not a regular file"): one
 * wording for every place that refuses a file for its kind.
 */
export function fileKind(stats: {isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean}): string {
	if (stats.isFile()) {
		return 'a regular file';
	}

	if (stats.isDirectory()) {
		return 'a directory';
	}

	if (stats.isFIFO()) {
		return 'a FIFO';
	}

	if (stats.isSocket()) {
		return 'a socket';
	}

	if (stats.isCharacterDevice()) {
		return 'a character device';
	}

	if (stats.isBlockDevice()) {
		return 'a block device';
	}

	return stats.isSymbolicLink() ? 'a symbolic link' : 'a special file';
}

/** Something failed while running (I/O, permissions): exit status 1. */
export class RuntimeFailure extends Error {
	readonly exitCode = 1;
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
	}
}

/** The errno name of a Node system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
	if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
		return error.code;
	}

	return undefined;
}

/** "ENOENT: no such file or directory, open 'x'" -> "no such file or directory". */
export function systemReason(error: unknown): string {
	if (!(error instanceof Error)) {
		return String(error);
	}

	const match = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
	return match?.[1] ?? error.message;
}

/** Wraps a file-system failure as a one-line runtime failure naming the action and the path. */
export function fsFailure(action: string, path: string, error: unknown): RuntimeFailure {
	return new RuntimeFailure(`cannot ${action} '${path}': ${systemReason(error)}`, {cause: error});
}

/** The one line printed for any error; a stack only when ROTLOG_DEBUG asks for it. */
export function renderError(error: unknown): string {
	if (process.env['ROTLOG_DEBUG'] && error instanceof Error && error.stack) {
		return `rotlog: ${error.stack}`;
	}

	const message = error instanceof Error ? error.message : String(error);
	return `rotlog: ${message.split('\n')[0] ?? ''}`;
}

export function exitCodeOf(error: unknown): number {
	if (error instanceof UsageError || error instanceof RuntimeFailure) {
		return error.exitCode;
	}

	return 1;
}

/** Erases the write mode's live status line on a terminal, so that a line printed after it does not run into it. */
let statusLineEraser: (() => void) | undefined;

export function setStatusLine(eraser: (() => void) | undefined): void {
	statusLineEraser = eraser;
}

export function clearStatusLine(): void {
	statusLineEraser?.();
}

/** A warning that does not stop the run: one line on stderr in rotlog's voice. */
export function warn(message: string): void {
	clearStatusLine();
	process.stderr.write(`rotlog: ${message}\n`);
}
