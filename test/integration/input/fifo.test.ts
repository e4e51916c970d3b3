// The FIFO source in-process, on real FIFOs: creation, a held write end, and the drain used at SIGTERM.
import fs from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {openFifos, readFifo} from '../../../src/input/fifo.js';
import {tempDir} from '../../helpers/temp.js';

async function fifoPath(t: ExecutionContext): Promise<string> {
	return path.join(await tempDir(t), 'in.fifo');
}

test('drain reads what the FIFO holds before the event loop gets to it, then stops at EAGAIN', async t => {
	const [fifo] = await openFifos([await fifoPath(t)]);
	if (!fifo) {
		t.fail('no FIFO opened');
		return;
	}

	const chunks: Buffer[] = [];
	const source = readFifo(fifo, {
		chunk(bytes) {
			chunks.push(Buffer.from(bytes));
		},
		end() {
			t.fail('a FIFO with a held write end never ends');
		},
		error(error) {
			t.fail(String(error));
		},
	});

	// Written and drained in one synchronous stretch: libuv has had no chance to read.
	const writer = fs.openSync(fifo.path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
	const data = Buffer.alloc(60_000, 'x');
	t.is(fs.writeSync(writer, data), data.length);
	fs.closeSync(writer);
	source.drain();
	t.is(Buffer.concat(chunks).length, data.length);
	source.drain();
	t.is(Buffer.concat(chunks).length, data.length, 'an empty FIFO drains nothing, without blocking');
	source.stop();
	source.drain();
	t.is(Buffer.concat(chunks).length, data.length, 'drain after stop does nothing');
});

test('a missing FIFO is created; the last writer closing is no end of input', async t => {
	const [fifo] = await openFifos([await fifoPath(t)]);
	if (!fifo) {
		t.fail('no FIFO opened');
		return;
	}

	t.true(fs.statSync(fifo.path).isFIFO());
	const received: Buffer[] = [];
	let wake: () => void = () => undefined;
	const source = readFifo(fifo, {
		chunk(bytes) {
			received.push(Buffer.from(bytes));
			wake();
		},
		end() {
			t.fail('a FIFO with a held write end never ends');
		},
		error(error) {
			t.fail(String(error));
		},
	});

	for (const text of ['first writer\n', 'second writer\n']) {
		const arrived = new Promise<void>(resolve => {
			wake = resolve;
		});
		fs.writeFileSync(fifo.path, text);
		await arrived;
	}

	t.is(Buffer.concat(received).toString(), 'first writer\nsecond writer\n');
	source.stop();
});
