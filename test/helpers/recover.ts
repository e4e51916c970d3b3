// Runs recoverCompressions on FILE (argv: FILE [CODEC]) and prints its report as JSON: recovery on
// its own, as `rotlog check` runs it after its maintenance, for the crash tests.
import {selectCodec, type CodecName} from '../../src/compress/codecs.js';
import {recoverCompressions} from '../../src/compress/compressor.js';

const [file, codec = 'gzip'] = process.argv.slice(2);
if (file === undefined) {
	throw new Error('usage: recover FILE [CODEC]');
}

const report = await recoverCompressions({file, lockPath: `${file}.lock`, codec: selectCodec(codec as CodecName, undefined)});
process.stdout.write(`${JSON.stringify(report)}\n`);
