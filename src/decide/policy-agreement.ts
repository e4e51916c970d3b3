// Do two writers of one log agree? A writer starting beside live writers compares its policy with
// the one they recorded. Different naming or a different lock cannot work together (each would
// prune or miss the other's archives, or write without excluding the other), so those refuse;
// anything else is said and allowed (the record, and so `check`, keeps the live writers' policy).

/** Keys on which writers of one log must agree. */
const mustAgree = new Set(['name', 'date-format', 'lock']);

export type Disagreement = {key: string; recorded: string | undefined; ours: string | undefined};

/** Where `ours` differs from `recorded`, key by key in the order of `ours` then `recorded`. */
export function disagreements(recorded: Readonly<Record<string, string>>, ours: Readonly<Record<string, string>>): Disagreement[] {
	const keys = [...new Set([...Object.keys(ours), ...Object.keys(recorded)])];
	return keys.filter(key => recorded[key] !== ours[key]).map(key => ({key, recorded: recorded[key], ours: ours[key]}));
}

/** Disagreements that make a writer refuse to start. */
export function refusals(found: readonly Disagreement[]): Disagreement[] {
	return found.filter(each => mustAgree.has(each.key));
}

/**
 * `--keep 50 (the live writers recorded 10)`, one item of a one-line message. A key missing from
 * the record is said as such: "recorded none" would read like the value `none` (`--compress none`).
 */
export function describeDisagreement({key, recorded, ours}: Disagreement): string {
	return `--${key} ${ours ?? '(not given)'} (${recorded === undefined ? 'not recorded by the live writers' : `the live writers recorded ${recorded}`})`;
}
