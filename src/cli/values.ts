// Pure parsers for option values: text in, a value or a UsageError naming the option and the value.
import type {OnFull} from '../commands/write.js';
import {invalidValue} from '../errors.js';
import type {TimestampFormat} from '../output/timestamp.js';

const sizeUnits: Record<string, number> = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4};


/** '65536', '64K', '1.5G', '10MiB', '512b' -> bytes (binary units). Must be at least 1 byte. */
export function parseSize(option: string, value: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|b)?\s*$/i.exec(value);
	const why = 'expected bytes with an optional K, M, G or T suffix';
	if (!match) {
		throw invalidValue(option, value, why);
	}

	const bytes = Math.floor(Number(match[1]) * (sizeUnits[(match[2] ?? '').toLowerCase()] ?? Number.NaN));
	if (!Number.isSafeInteger(bytes)) {
		throw invalidValue(option, value, why);
	}

	if (bytes < 1) {
		throw invalidValue(option, value, 'must be at least 1 byte');
	}

	return bytes;
}

/**
 * --max-line: a size of at least 1 MiB, the largest read. Lines are measured only while they are
 * held incomplete (never line by line), so a smaller limit could let a shorter line that arrived
 * within one read pass whole while a longer one held across reads is cut.
 */
export function parseLineLimit(option: string, value: string): number {
	const bytes = parseSize(option, value);
	if (bytes < 1024 * 1024) {
		throw invalidValue(option, value, 'must be at least 1M (the largest single read)');
	}

	return bytes;
}

/** A whole number of at least 0, written in decimal digits only. */
export function parseCount(option: string, value: string): number {
	if (!/^\s*\d+\s*$/.test(value)) {
		throw invalidValue(option, value, 'expected a whole number of 0 or more');
	}

	const count = Number(value);
	if (!Number.isSafeInteger(count)) {
		throw invalidValue(option, value, 'too large');
	}

	return count;
}

/** A path option must not be empty. */
export function parsePath(option: string, value: string): string {
	if (value.length === 0) {
		throw invalidValue(option, value, 'expected a path');
	}

	return value;
}

/** A file mode in octal, as chmod takes it: '0640', '640', '0o600'; permission bits only. */
export function parseMode(option: string, value: string): number {
	const match = /^\s*(?:0o?)?([0-7]{1,4})\s*$/i.exec(value);
	if (!match) {
		throw invalidValue(option, value, 'expected an octal file mode such as 0640');
	}

	const mode = Number.parseInt(match[1]!, 8);
	// A log file has no use for them, and a setuid or setgid file that anyone can append to is a
	// way into the owner's account.
	if (mode > 0o777) {
		throw invalidValue(option, value, 'setuid, setgid and sticky bits are refused: expected permission bits within 0777');
	}

	return mode;
}

/** A command line for a hook: the program and its arguments, split on spaces, never a shell. */
export function parseCommand(option: string, value: string): string {
	if (value.trim().length === 0) {
		throw invalidValue(option, value, 'expected a command');
	}

	return value;
}

/** A yes/no value, as yargs gives a boolean flag or a config file spells it. */
export function parseFlag(option: string, value: string): boolean {
	if (value === 'true' || value === 'false') {
		return value === 'true';
	}

	throw invalidValue(option, value, 'expected true or false');
}

/** --on-full: block (keep the lines and wait) or drop. */
export function parseOnFull(option: string, value: string): OnFull {
	if (value === 'block' || value === 'drop') {
		return value;
	}

	throw invalidValue(option, value, 'expected block or drop');
}

/** --timestamp's value: iso (also when given bare) or unix. */
export function parseTimestampFormat(option: string, value: string): TimestampFormat {
	if (value === '' || value === 'iso') {
		return 'iso';
	}

	if (value === 'unix') {
		return 'unix';
	}

	throw invalidValue(option, value, 'expected iso or unix');
}
