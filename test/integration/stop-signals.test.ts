// SIGTERM/SIGINT held from start-up until a command takes them or gives them back. Each case runs
// in a Node process of its own, which signals itself: the test's own process must not be stopped.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';

const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/stop-signals.js');

async function run(body: string) {
	const script = `const stops = await import(${JSON.stringify(module)});\n${body}`;
	return execa(process.execPath, ['--input-type=module', '-e', script], {reject: false, timeout: 60_000});
}

test('a stop that came while held reaches the command that takes the stops, once, after its set-up', async t => {
	const result = await run(`
		stops.holdStops();
		process.kill(process.pid, 'SIGTERM');
		process.kill(process.pid, 'SIGINT');
		await new Promise(resolve => setTimeout(resolve, 50));
		const seen = [];
		stops.takeStops(signal => seen.push(signal));
		seen.push('set-up done');
		await new Promise(resolve => setTimeout(resolve, 50));
		process.kill(process.pid, 'SIGINT');
		await new Promise(resolve => setTimeout(resolve, 50));
		console.log(seen.join(' '));
	`);
	t.is(result.signal, undefined);
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, 'set-up done SIGTERM SIGINT');
});

test('releasing ends the process by a stop that came while held, as the default would have', async t => {
	const result = await run(`
		stops.holdStops();
		process.kill(process.pid, 'SIGINT');
		await new Promise(resolve => setTimeout(resolve, 50));
		console.log('still here');
		stops.releaseStops();
		console.log('not reached');
	`);
	t.is(result.signal, 'SIGINT');
	t.is(result.stdout, 'still here');
});

test('after releasing with no stop, both signals act by default again', async t => {
	const result = await run(`
		stops.holdStops();
		stops.releaseStops();
		console.log('released');
		process.kill(process.pid, 'SIGTERM');
		await new Promise(resolve => setTimeout(resolve, 1000));
		console.log('not reached');
	`);
	t.is(result.signal, 'SIGTERM');
	t.is(result.stdout, 'released');
});

test('a command that drops the stops leaves the default to them', async t => {
	const result = await run(`
		stops.holdStops();
		const handler = () => console.log('handled');
		stops.takeStops(handler);
		stops.dropStops(handler);
		process.kill(process.pid, 'SIGTERM');
		await new Promise(resolve => setTimeout(resolve, 1000));
		console.log('not reached');
	`);
	t.is(result.signal, 'SIGTERM');
	t.is(result.stdout, '');
});
