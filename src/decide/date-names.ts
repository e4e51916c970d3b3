// Pure naming of date archives: FILE.<stamp>[.N][.gz|.br|.zst], the stamp being the start of the
// period the archive's lines belong to. The first archive of a period takes the bare stamp, later
// ones .1, .2, ...; names never shift, so shippers can track them.
import {invalidValue} from '../errors.js';
import {archiveExtensions, extensionOf} from './extensions.js';
import {escapeRegExp} from './regexp.js';
import {dayNumber, type Interval, wallClock, type Zone} from './period.js';

export type Naming = {kind: 'numbered'} | {kind: 'date'; format: string};


export function parseNamingKind(option: string, value: string): 'numbered' | 'date' {
	const kind = value.trim().toLowerCase();
	if (kind !== 'numbered' && kind !== 'date') {
		throw invalidValue(option, value, 'expected numbered or date');
	}

	return kind;
}

/** What each directive matches in a name, and the field it fills for ordering. */
const directives: Record<string, {pattern: string; field?: keyof StampFields}> = {
	Y: {pattern: String.raw`\d{4}`, field: 'year'},
	m: {pattern: String.raw`\d{2}`, field: 'month'},
	d: {pattern: String.raw`\d{2}`, field: 'day'},
	H: {pattern: String.raw`\d{2}`, field: 'hour'},
	M: {pattern: String.raw`\d{2}`, field: 'minute'},
	S: {pattern: String.raw`\d{2}`, field: 'second'},
	j: {pattern: String.raw`\d{3}`, field: 'dayOfYear'},
	s: {pattern: String.raw`\d+`, field: 'epoch'},
	'%': {pattern: '%'},
};

type StampFields = {year: number; month: number; day: number; dayOfYear: number; hour: number; minute: number; second: number; epoch: number};

type Token = {literal: string} | {directive: string};

function tokenize(format: string): Token[] | string {
	const tokens: Token[] = [];
	for (let i = 0; i < format.length; i++) {
		const char = format[i]!;
		if (char !== '%') {
			tokens.push({literal: char});
			continue;
		}

		const directive = format[i + 1];
		if (directive === undefined || !(directive in directives)) {
			return `unknown directive '%${directive ?? ''}' (known: %Y %m %d %H %M %S %j %s %%)`;
		}

		tokens.push({directive});
		i++;
	}

	return tokens;
}

/** A strftime subset (%Y %m %d %H %M %S %j %s %%) that makes a valid file-name part. */
export function parseDateFormat(option: string, value: string): string {
	const tokens = tokenize(value);
	if (typeof tokens === 'string') {
		throw invalidValue(option, value, tokens);
	}

	if (!tokens.some(token => 'directive' in token && token.directive !== '%')) {
		throw invalidValue(option, value, 'expected at least one of %Y %m %d %H %M %S %j %s');
	}

	// Every directive yields digits: a stamp of digits only ('%s', '%Y%m%d') would read as a
	// numbered archive index, and numbered rotation would renumber or delete it.
	if (!tokens.some(token => ('literal' in token ? /\D/.test(token.literal) : token.directive === '%'))) {
		throw invalidValue(option, value, 'needs a character other than a digit (such as \'-\'), so that date names never read as numbered archives');
	}

	if (value.includes('/') || value.includes('\0')) {
		throw invalidValue(option, value, 'a name part cannot hold \'/\'');
	}

	// FILE.<stamp> would read as a compressed archive: never compressed, and unreadable by cat.
	const suffix = extensionOf(formatStamp(value, 'UTC', 0));
	if (suffix !== '') {
		throw invalidValue(option, value, `the stamp ends in '${suffix}', the suffix of compressed archives`);
	}

	return value;
}

/** The default stamp: as fine as the interval (seconds when there is no interval). */
export function defaultDateFormat(interval: Interval | undefined): string {
	switch (interval?.unit) {
		case 'minute': {
			return '%Y-%m-%dT%H-%M';
		}

		case 'hour': {
			return '%Y-%m-%dT%H';
		}

		case 'day':
		case 'week': {
			return '%Y-%m-%d';
		}

		case 'month': {
			return '%Y-%m';
		}

		default: {
			return '%Y-%m-%dT%H-%M-%S';
		}
	}
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Formats instant `t` as the wall clock of `zone` shows it. */
export function formatStamp(format: string, zone: Zone, t: number): string {
	const tokens = tokenize(format);
	if (typeof tokens === 'string') {
		throw new TypeError(tokens);
	}

	const wall = wallClock(zone, t);
	const values: Record<string, string> = {
		Y: pad(wall.year, 4),
		m: pad(wall.month, 2),
		d: pad(wall.day, 2),
		H: pad(wall.hour, 2),
		M: pad(wall.minute, 2),
		S: pad(wall.second, 2),
		j: pad(dayNumber(wall.year, wall.month, wall.day) - dayNumber(wall.year, 1, 1) + 1, 3),
		s: String(Math.floor(t / 1000)),
		'%': '%',
	};
	return tokens.map(token => 'literal' in token ? token.literal : values[token.directive]).join('');
}


export type DateArchive = {
	name: string;
	stamp: string;
	/** 0 for the bare stamp, N for .N */
	sequence: number;
	extension: string;
	/** Sort key of the stamp's time, from its fields, largest unit first. */
	order: number[];
};

/** The date archives of `base` among the names in its directory, compressed ones included. */
export function findDateArchives(base: string, format: string, names: readonly string[]): DateArchive[] {
	const tokens = tokenize(format);
	if (typeof tokens === 'string') {
		throw new TypeError(tokens);
	}

	const fields: Array<keyof StampFields> = [];
	const stampPattern = tokens.map(token => {
		if ('literal' in token) {
			return escapeRegExp(token.literal);
		}

		const directive = directives[token.directive]!;
		if (directive.field) {
			fields.push(directive.field);
			return `(${directive.pattern})`;
		}

		return escapeRegExp(directive.pattern);
	}).join('');
	const extensions = archiveExtensions.map(escapeRegExp).join('|');
	const pattern = new RegExp(`^${escapeRegExp(base)}\\.(${stampPattern})(?:\\.([1-9]\\d*))?(${extensions})?$`);

	const archives: DateArchive[] = [];
	for (const name of names) {
		const match = pattern.exec(name);
		if (!match) {
			continue;
		}

		const parsed: Partial<StampFields> = {};
		for (const [position, field] of fields.entries()) {
			parsed[field] = Number(match[position + 2]);
		}

		const rest = match.slice(fields.length + 2);
		archives.push({
			name,
			stamp: match[1]!,
			sequence: Number(rest[0] ?? 0),
			extension: rest[1] ?? '',
			order: stampOrder(parsed),
		});
	}

	return archives;
}

/** Fields largest first; epoch seconds when present. Day of year stands in for month and day. */
function stampOrder(fields: Partial<StampFields>): number[] {
	if (fields.epoch !== undefined) {
		return [fields.epoch];
	}

	const dayOfYear = fields.month === undefined && fields.day === undefined ? fields.dayOfYear ?? 0 : ((fields.month ?? 0) * 32) + (fields.day ?? 0);
	return [fields.year ?? 0, dayOfYear, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0];
}

function compareArchives(a: DateArchive, b: DateArchive): number {
	for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
		const difference = (a.order[i] ?? 0) - (b.order[i] ?? 0);
		if (difference !== 0) {
			return difference;
		}
	}

	return a.sequence - b.sequence;
}

/** One logical archive: all names of one stamp and sequence (say FILE.x and FILE.x.gz mid-swap). */
export type ArchiveGroup = {names: string[]; key: string};

/** Date archives grouped and sorted newest first. */
export function dateArchivesNewestFirst(base: string, format: string, names: readonly string[]): ArchiveGroup[] {
	const archives = findDateArchives(base, format, names).sort((a, b) => compareArchives(b, a));
	const groups: ArchiveGroup[] = [];
	for (const archive of archives) {
		const key = `${archive.stamp}.${archive.sequence}`;
		const last = groups.at(-1);
		if (last?.key === key) {
			last.names.push(archive.name);
		} else {
			groups.push({names: [archive.name], key});
		}
	}

	return groups;
}

/**
 * The name FILE takes when archived with `stamp`: the bare stamp if no archive of that stamp
 * exists, else the next sequence number after the highest one present (compressed or not).
 */
export function dateArchiveName(base: string, format: string, stamp: string, names: readonly string[]): string {
	let highest = -1;
	for (const archive of findDateArchives(base, format, names)) {
		if (archive.stamp === stamp) {
			highest = Math.max(highest, archive.sequence);
		}
	}

	return highest === -1 ? `${base}.${stamp}` : `${base}.${stamp}.${highest + 1}`;
}
