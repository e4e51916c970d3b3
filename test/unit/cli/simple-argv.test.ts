// The command lines read without yargs: each must give the handlers what yargs gives them, and
// every other form must be left to yargs.
import test from 'ava';
import {withDashedValues} from '../../../src/cli/main.js';
import {buildParser} from '../../../src/cli/parser.js';
import {simpleInvocation} from '../../../src/cli/simple-argv.js';

/** What yargs hands to the write, check or rotate handler for `argv`, without running it. */
async function yargsRead(argv: string[]): Promise<{command: string; args: Record<string, unknown>}> {
	let read: {command: string; args: Record<string, unknown>} | undefined;
	await buildParser(argv, () => undefined, {
		write(args) {
			read = {command: 'write', args};
		},
		maintenance(command, args) {
			read = {command, args};
		},
	}).parseAsync();
	if (read === undefined) {
		throw new Error('no handler ran');
	}

	// yargs adds its own keys (`_`, `$0`) and a camelCase copy of each dashed one: the handlers read neither.
	const args = Object.fromEntries(Object.entries(read.args).filter(([key, value]) => key !== '_' && key !== '$0' && !/[A-Z]/.test(key) && value !== undefined));
	return {command: read.command, args};
}

const simple: string[][] = [
	['app.log'],
	['app.log', '--max', '1M', '--keep', '3'],
	['--max', '1M', 'app.log'],
	['app.log', '--max', '64M', '--keep', '100', '--compress', 'none'],
	['app.log', '--interval', 'daily', '--name', 'date', '--date-format', '%Y-%m-%d'],
	['app.log', '--lock', 'app.lock', '--mode', '0640', '--max-line', '1M', '--on-full', 'drop', '--compress', 'gzip', '--compress-level', '3'],
	['app.log', '--max-age', '7d', '--max-total', '1G', '--on-rotate', 'true'],
	['app.log', '--fifo', 'in.fifo'],
	['app.log', '--listen', 'unix:/run/app.sock', '--max-record', '64K', '--socket-mode', '0600'],
	['app.log', '--config', 'rotlog.json'],
	['2024.log', '--keep', '007'],
	['check', 'x.log', '--max', '2K', '--keep', '3'],
	['check', 'logs/*.log', 'other.log', '--compress', 'none'],
	['--max', '1M', 'check', 'x.log'],
	['rotate', 'a.log', '--max', '1'],
	['rotate', 'a.log', 'b.log', '--config', 'c.json'],
];

for (const argv of simple) {
	test(`read without yargs as yargs reads it: ${argv.join(' ')}`, async t => {
		const mine = simpleInvocation(argv);
		t.not(mine, undefined);
		const theirs = await yargsRead(argv);
		t.is(mine?.command as string | undefined, theirs.command);
		t.deepEqual({...mine?.args}, theirs.args);
	});
}

const leftToYargs: string[][] = [
	[],
	['app.log', '--max=1M'],
	['app.log', '--max', '1M', '--max', '2M'],
	['app.log', '--verbose'],
	['app.log', '--tee'],
	['app.log', '-v'],
	['app.log', '--timestamp=iso'],
	['app.log', '--max', 'abc'],
	['app.log', '--max', '-1'],
	['app.log', '--max', ''],
	['app.log', '--max'],
	['app.log', '--nope', '1'],
	['app.log', '--maxAge', '1d'],
	['app.log', '--max.x', '1'],
	['app.log', 'other.log'],
	['app.log', 'check'],
	['123'],
	['0x10'],
	['check'],
	['check', 'x.log', '--dry-run'],
	['check', 'x.log', 'rotate'],
	['check', 'x.log', '--fifo', 'p'],
	['status', 'x.log'],
	['cat', 'x.log'],
	['exec', 'x.log', '--', 'true'],
	['completion'],
	['app.log', '--', 'x'],
	['app.log', '-'],
	['--version'],
	['--help'],
];

for (const argv of leftToYargs) {
	test(`left to yargs: ${JSON.stringify(argv)}`, t => {
		t.is(simpleInvocation(argv), undefined);
	});
}

test('a --date-format value that starts with a dash is joined to its option, left to yargs, and read as that value', async t => {
	for (const command of [[], ['check'], ['rotate']]) {
		const argv = withDashedValues([...command, 'app.log', '--name', 'date', '--date-format', '-%Y%m%d']);
		t.deepEqual(argv, [...command, 'app.log', '--name', 'date', '--date-format=-%Y%m%d']);
		t.is(simpleInvocation(argv), undefined);
		const theirs = await yargsRead(argv);
		t.is(theirs.args['date-format'], '-%Y%m%d');
	}

	// An option after it stays an option (yargs then says the value is missing), and nothing past `--` is touched.
	t.deepEqual(withDashedValues(['app.log', '--date-format', '--max', '1K']), ['app.log', '--date-format', '--max', '1K']);
	t.deepEqual(withDashedValues(['app.log', '--date-format', '-v']), ['app.log', '--date-format', '-v']);
	t.deepEqual(withDashedValues(['exec', 'x.log', '--', 'cmd', '--date-format', '-x']), ['exec', 'x.log', '--', 'cmd', '--date-format', '-x']);
});
