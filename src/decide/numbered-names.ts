// Pure naming and retention of numbered archives: FILE.1 is the newest, FILE.N the oldest.
// Existing names plus --keep give an ordered plan of renames and unlinks that never overwrites
// an archive, closes gaps left by an interrupted rotation, and ends with FILE -> FILE.1.
import {archiveExtensions} from './extensions.js';
import {escapeRegExp} from './regexp.js';


export type Archive = {name: string; index: number; extension: string};

export type PlanStep = {op: 'rename'; from: string; to: string} | {op: 'unlink'; name: string};


/** The numbered archives of `base` among the names in its directory. */
export function findArchives(base: string, names: readonly string[]): Archive[] {
	const pattern = new RegExp(`^${escapeRegExp(base)}\\.([1-9]\\d*)(${archiveExtensions.map(escapeRegExp).join('|')})?$`);
	const archives: Archive[] = [];
	for (const name of names) {
		const match = pattern.exec(name);
		if (match) {
			archives.push({name, index: Number(match[1]), extension: match[2] ?? ''});
		}
	}

	return archives;
}

export function archiveName(base: string, index: number, extension: string): string {
	return `${base}.${index}${extension}`;
}

/**
 * Plan a rotation of `base` keeping at most `keep` archives. Archives are renumbered 2, 3, ...
 * in order of their current index (all names of one index move together), those past `keep`
 * are deleted, and `base` becomes `base.1` (or is deleted when keep is 0).
 */
export function planRotation(base: string, names: readonly string[], keep: number): PlanStep[] {
	const byIndex = new Map<number, Archive[]>();
	for (const archive of findArchives(base, names)) {
		const group = byIndex.get(archive.index) ?? [];
		group.push(archive);
		byIndex.set(archive.index, group);
	}

	const indices = [...byIndex.keys()].sort((a, b) => a - b);
	const deletions: PlanStep[] = [];
	const moves: Array<{from: number; to: number}> = [];
	for (const [position, index] of indices.entries()) {
		const target = position + 2;
		if (target > keep) {
			for (const archive of byIndex.get(index)!) {
				deletions.push({op: 'unlink', name: archive.name});
			}
		} else if (target !== index) {
			moves.push({from: index, to: target});
		}
	}

	// Target = position + 2 and index >= position + 1, so a move goes up by exactly one (a prefix
	// 1..m, done from the top down) or down (done from the bottom up, into names already freed).
	const up = moves.filter(move => move.to > move.from).reverse();
	const down = moves.filter(move => move.to < move.from);
	const steps: PlanStep[] = [...deletions];
	for (const move of [...up, ...down]) {
		for (const archive of byIndex.get(move.from)!) {
			steps.push({op: 'rename', from: archive.name, to: archiveName(base, move.to, archive.extension)});
		}
	}

	steps.push(keep > 0 ? {op: 'rename', from: base, to: archiveName(base, 1, '')} : {op: 'unlink', name: base});
	return steps;
}
