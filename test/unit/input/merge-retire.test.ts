// LineMerge.retire: the framer of an ended source (a closed connection) is dropped once its lines
// are taken, and not before; the other sources are untouched.
import test from 'ava';
import {LineMerge} from '../../../src/input/merge.js';

test('a retired framer keeps its lines until taken, then is forgotten', t => {
	const merge = new LineMerge(1024);
	const kept = merge.add(64);
	const ended = merge.add(64);
	ended.push(Buffer.from('last\n'));
	merge.retire(ended);
	// A full disk: nothing taken, so the retired framer must stay with its line.
	t.false(merge.offer(() => 0));
	let out = '';
	t.true(merge.offer(lines => {
		out += lines.toString();
		return lines.length;
	}));
	t.is(out, 'last\n');
	// Pushing into a forgotten framer reaches nobody: proof that it was dropped from the merge.
	ended.push(Buffer.from('ghost\n'));
	kept.push(Buffer.from('alive\n'));
	out = '';
	merge.finish(lines => {
		out += lines.toString();
	});
	t.is(out, 'alive\n');
});
