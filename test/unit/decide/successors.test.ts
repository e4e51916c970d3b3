// Which archives a follower has not read yet: by its file's key while an archive is raw, by its
// place and mtime once compression made it a new file. Keys here are `inode:birth` (archiveKey in
// compress/protocol.ts also has the size and mtime).
import test from 'ava';
import {type ListedArchive, type ReadFile, sameTime, successors} from '../../../src/decide/successors.js';

/** A file's key: its inode, born at `birth`. */
const key = (ino: number, birth = 0) => `${ino}:${birth}`;
/** A raw archive with inode `ino`, last written at `mtimeMs`. */
const raw = (ino: number, mtimeMs: number, birth = 0): ListedArchive => ({keys: [key(ino, birth)], raw: true, mtimeMs});
/** A compressed archive (inode `ino`) whose raw was last written at `mtimeMs`: Node rounds it. */
const gz = (ino: number, mtimeMs: number, birth = 0): ListedArchive => ({keys: [key(ino, birth)], raw: false, mtimeMs: Math.round(mtimeMs)});
/** A file read with inode `ino`, last written at `mtimeMs`. */
const read = (ino: number, mtimeMs: number, birth = 0): ReadFile => ({keys: [key(ino, birth)], mtimeMs});

type Row = [title: string, listing: ListedArchive[], read: ReadFile[], expected: {unread: number; found: boolean; gap: boolean}];

const rows: Row[] = [
	['nothing read yet: every archive', [gz(3, 300), raw(2, 200)], [], {unread: 2, found: false, gap: false}],
	['the followed file still raw at FILE.2: FILE.1 is new', [raw(8, 200), raw(7, 100), gz(5, 50)], [read(5, 50), read(7, 100)], {unread: 1, found: true, gap: false}],
	['the followed file compressed since, one archive after it', [gz(9, 200.3), gz(8, 100.6)], [read(7, 100.6)], {unread: 1, found: true, gap: false}],
	['the followed file compressed at FILE.1: nothing new yet', [gz(8, 100.6), gz(5, 50)], [read(5, 50), read(7, 100.6)], {unread: 0, found: true, gap: false}],
	['everything compressed, three after it', [gz(12, 400), gz(11, 300), gz(10, 200), gz(9, 100), gz(5, 50)], [read(5, 50), read(7, 100)], {unread: 3, found: true, gap: false}],
	['an archive made in the same clock tick as the followed one', [gz(9, 100.2), gz(8, 100.2)], [read(7, 100.2)], {unread: 1, found: true, gap: false}],
	['the followed file and the one before it in one tick, one more after', [gz(9, 100), gz(8, 100), gz(6, 100)], [read(5, 100), read(7, 100)], {unread: 1, found: true, gap: false}],
	['an archive read compressed anchors the count', [gz(12, 100), gz(11, 100), gz(10, 100), gz(5, 100)], [read(5, 100), read(6, 100), read(7, 100)], {unread: 1, found: true, gap: false}],
	['a raw archive nobody read is new even with an older mtime (clock set back)', [raw(8, 90), raw(7, 100)], [read(7, 100)], {unread: 1, found: true, gap: false}],
	['mid-swap: the raw name and the .gz of one archive', [{keys: [key(8), key(9)], raw: true, mtimeMs: 200}, raw(7, 100)], [read(7, 100)], {unread: 1, found: true, gap: false}],
	// Seen with three writers on ext4: the .gz of the file read just before the last one took the
	// inode of a raw archive read earlier and compressed since. By inode it was that archive.
	['a .gz born in an inode that an archive read earlier had', [gz(30, 400.2), gz(31, 300.6), gz(5, 200.4, 9), gz(6, 100.3)], [read(5, 100.3), read(20, 200.4), read(21, 300.6)], {unread: 1, found: true, gap: false}],
	['a new raw archive born in an inode that an archive read earlier had', [raw(5, 400, 9), gz(21, 300.6), gz(20, 200.4), gz(6, 100.3)], [read(5, 100.3), read(20, 200.4), read(21, 300.6)], {unread: 1, found: true, gap: false}],
	['retention deleted the followed file: the rest is new, maybe with a gap', [gz(12, 400), gz(11, 300)], [read(5, 50), read(7, 100)], {unread: 2, found: false, gap: true}],
	['the followed file deleted by hand: nothing new, no gap', [gz(5, 50)], [read(5, 50), read(7, 100)], {unread: 0, found: false, gap: false}],
	['no archives at all', [], [read(7, 100)], {unread: 0, found: false, gap: false}],
];

for (const [title, listing, files, expected] of rows) {
	test(`successors: ${title}`, t => {
		t.deepEqual(successors(listing, files), expected);
	});
}

test('sameTime: a copy made through a Date matches the raw mtime, a tick later does not', t => {
	t.true(sameTime(1_700_000_000_176, 1_700_000_000_175.5874));
	t.true(sameTime(1_700_000_000_175, 1_700_000_000_175.4));
	t.true(sameTime(1_700_000_000_175.4, 1_700_000_000_175.4));
	t.false(sameTime(1_700_000_000_176, 1_700_000_000_175.4));
	t.false(sameTime(1_700_000_000_179, 1_700_000_000_175));
});
