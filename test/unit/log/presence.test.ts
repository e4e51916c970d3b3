// Counting live writers from /proc/locks' text: shared locks over byte 1 of the one lock file.
import test from 'ava';
import {presenceHolders} from '../../../src/log/presence.js';

const procLocks = [
	'1: OFDLCK ADVISORY  READ  -1 fe:00:2302316 1 1',
	'1: -> OFDLCK ADVISORY  WRITE -1 fe:00:2302316 1 1',
	'2: OFDLCK ADVISORY  READ  -1 fe:00:2302316 1 1',
	'3: OFDLCK ADVISORY  WRITE -1 fe:00:2302316 0 0',
	'4: OFDLCK ADVISORY  READ  -1 fe:00:2302317 1 1',
	'5: OFDLCK ADVISORY  READ  -1 08:01:2302316 1 1',
	'6: POSIX  ADVISORY  READ  1234 fe:00:2302316 0 EOF',
	'7: OFDLCK ADVISORY  READ  -1 fe:00:2302316 2 5',
	'8: FLOCK  ADVISORY  WRITE 99 fe:00:2302316 0 EOF',
	'',
].join('\n');

test('each shared lock over byte 1 of that device and inode is one writer; waiters, other bytes and other files are not', t => {
	t.is(presenceHolders(procLocks, 'fe:00', 2_302_316n), 3);
	t.is(presenceHolders(procLocks, 'fe:00', 2_302_317n), 1);
	t.is(presenceHolders(procLocks, '08:01', 2_302_316n), 1);
	t.is(presenceHolders('', 'fe:00', 2_302_316n), 0);
});
