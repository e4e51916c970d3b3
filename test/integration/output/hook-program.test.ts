// hookProgramProblem: whether --on-rotate's program can be run, asked once at start.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {hookProgramProblem} from '../../../src/output/hooks.js';
import {tempDir} from '../../helpers/temp.js';

test('a program by path: executable, missing, not executable, a directory', async t => {
	const directory = await tempDir(t);
	const ship = path.join(directory, 'ship');
	fs.writeFileSync(ship, '#!/bin/sh\n', {mode: 0o755});
	const plain = path.join(directory, 'plain');
	fs.writeFileSync(plain, '#!/bin/sh\n', {mode: 0o644});
	t.is(hookProgramProblem(`${ship} --tag x`), undefined);
	t.is(hookProgramProblem(path.join(directory, 'missing')), `program '${path.join(directory, 'missing')}' not found`);
	t.is(hookProgramProblem(plain), `program '${plain}' is not executable`);
	t.is(hookProgramProblem(directory), `program '${directory}' is not executable`);
	t.is(hookProgramProblem(''), 'empty command');
});

test('a bare name is looked up in PATH', async t => {
	const directory = await tempDir(t);
	fs.writeFileSync(path.join(directory, 'ship'), '#!/bin/sh\n', {mode: 0o755});
	fs.writeFileSync(path.join(directory, 'plain'), '#!/bin/sh\n', {mode: 0o644});
	t.is(hookProgramProblem('ship', {PATH: `/nonexistent:${directory}`}), undefined);
	t.is(hookProgramProblem('ship', {PATH: '/nonexistent'}), 'program \'ship\' not found in PATH');
	t.is(hookProgramProblem('plain', {PATH: directory}), 'program \'plain\' not found in PATH');
	t.is(hookProgramProblem('true'), undefined);
});

test('a relative path is taken from the working directory, as spawn does', async t => {
	const directory = await tempDir(t);
	fs.mkdirSync(path.join(directory, 'bin'));
	fs.writeFileSync(path.join(directory, 'bin', 'ship'), '#!/bin/sh\n', {mode: 0o755});
	t.is(hookProgramProblem('bin/ship', {}, directory), undefined);
	t.is(hookProgramProblem('./bin/nothing', {}, directory), 'program \'./bin/nothing\' not found');
});
