// --config (cli/config.ts): parseConfig merges defaults into each entry and names a bad key or value.
import test from 'ava';
import {parseConfig} from '../../../src/cli/config.js';

const parsers = {
	keep: (value: unknown) => {
		if (!/^\d+$/.test(String(value))) {
			throw new Error(`invalid --keep '${String(value)}': expected a whole number of 0 or more`);
		}

		return Number(value);
	},
};

test('parseConfig merges defaults into each entry', t => {
	t.deepEqual(parseConfig('{"defaults": {"keep": 2}, "files": ["a.log", {"path": "b/*.log", "keep": "7"}]}', 'c.json', parsers), [
		{path: 'a.log', values: {keep: 2}},
		{path: 'b/*.log', values: {keep: 7}},
	]);
});

const badConfigs: Array<[string, string]> = [
	['[]', 'invalid config \'c.json\': top level: expected an object with "files"'],
	['{"files": ["a"], "x": 1}', 'invalid config \'c.json\': x: unknown key (expected "defaults" or "files")'],
	['{"files": [{"path": "a", "kep": 1}]}', 'invalid config \'c.json\': files[0].kep: unknown key (expected one of: path, keep)'],
	['{"files": [{"path": "a", "keep": "x"}]}', 'invalid config \'c.json\': files[0].keep "x": expected a whole number of 0 or more'],
	['{"files": [{"path": "a", "keep": [1]}]}', 'invalid config \'c.json\': files[0].keep: expected a string, a number or true/false'],
	['{"files": [{"keep": 1}]}', 'invalid config \'c.json\': files[0].path: expected a non-empty string'],
	['{"defaults": [], "files": ["a"]}', 'invalid config \'c.json\': defaults: expected an object'],
	['{"files": [3]}', 'invalid config \'c.json\': files[0]: expected a path or an object with "path"'],
];

for (const [text, message] of badConfigs) {
	test(`parseConfig rejects ${text}`, t => {
		t.throws(() => parseConfig(text, 'c.json', parsers), {message});
	});
}
