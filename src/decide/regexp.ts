// Names become parts of regular expressions (archive names, glob components): escaped here once.

/** `text` matched literally inside a RegExp. */
export function escapeRegExp(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}
