// A Node Readable as a source: what `rotlog exec` reads, its child's stdout and stderr pipes as
// execa hands them over. Paused like any source, so a full disk makes the child wait in write(2).
import type {Readable} from 'node:stream';
import type {Source, SourceEvents} from './descriptor.js';

export function readStream(stream: Readable, events: SourceEvents): Source {
	let ended = false;
	const end = () => {
		if (!ended) {
			ended = true;
			events.end();
		}
	};

	stream.on('data', (chunk: Buffer) => {
		events.chunk(chunk);
	});
	stream.once('end', end);
	// The child's pipe closed under us (it was killed): what was read is kept, the rest is gone.
	stream.once('error', end);
	stream.once('close', end);
	return {
		stop() {
			stream.destroy();
		},
		pause() {
			stream.pause();
		},
		resume() {
			stream.resume();
		},
	};
}
