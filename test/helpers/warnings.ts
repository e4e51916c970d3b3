// Loaded into every ava worker before its test file (package.json, ava.require): a process warning
// in the test process (a deprecation, a MaxListenersExceededWarning from a leaked listener, an
// experimental API) fails the test file, instead of scrolling past in the output. Warnings printed
// by a rotlog child are caught by the runner (test/helpers/rotlog.ts).
process.on('warning', warning => {
	// Thrown from the listener it becomes an uncaught exception, which ava reports against the
	// test file and counts as a failure of the run.
	throw new Error(`a process warning fails the run: ${warning.name}: ${warning.message}`, {cause: warning});
});
