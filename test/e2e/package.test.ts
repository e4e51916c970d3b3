// Packaging: the tarball `npm pack` makes installs globally into a fresh prefix with no compiler
// and no install script, and the installed rotlog, its --help and its man page work; `npx rotlog`
// works from the project and from the tarball. Every install line of README.md, the man page,
// docs/ and the Dockerfile is run here as written (into a temporary prefix), and a fresh copy of
// the clone installs and builds with `npm install`.
//
// The install runs once, before the tests are declared: from the npm cache when it holds every
// dependency, else from the registry; when neither works the tests are skipped with the reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {execa, execaSync} from 'execa';
import {root} from '../helpers/paths.js';

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string; scripts: Record<string, string>};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rotlog-package-'));
process.on('exit', () => {
	fs.rmSync(work, {recursive: true, force: true});
});

const prefix = path.join(work, 'prefix');
const installed = path.join(prefix, 'bin', 'rotlog');
const quiet = ['--no-audit', '--no-fund', '--loglevel=warn'];
// A private npm cache would need the network; the user's cache is only read from with --offline.
const npmEnv = {npm_config_update_notifier: 'false'};

type Packed = {filename: string; unpackedSize: number; files: Array<{path: string}>};

// npm test has built dist/ already: pack what is there, without running prepare (a rebuild here
// would race the other test files that run the compiled code).
const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: root, env: npmEnv});
const packed = (JSON.parse(pack.stdout) as Packed[])[0]!;
const tarball = path.join(work, packed.filename);

async function install(): Promise<{ok: true; stderr: string; online: boolean} | {ok: false; reason: string}> {
	const args = ['install', '--global', '--prefix', prefix, tarball, ...quiet];
	const offline = await execa('npm', [...args, '--offline'], {cwd: work, env: npmEnv, reject: false});
	if (offline.exitCode === 0) {
		return {ok: true, stderr: offline.stderr, online: false};
	}

	const online = await execa('npm', [...args, '--prefer-offline'], {cwd: work, env: npmEnv, reject: false, timeout: 90_000});
	if (online.exitCode === 0) {
		return {ok: true, stderr: online.stderr, online: true};
	}

	const why = (text: string) => text.split('\n').find(line => /\bcode\b|ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(line)) ?? text.split('\n')[0];
	return {ok: false, reason: `offline: ${why(offline.stderr)}; registry: ${why(online.stderr)}`};
}

const installation = await install();
if (!installation.ok) {
	console.log(`package tests: cannot install the packed tarball (the npm cache lacks a dependency and the registry is unreachable); skipped: ${installation.reason}`);
}

const withInstall = installation.ok ? test : test.skip;

/**
 * Whether the npm cache holds the tarball of every package package-lock.json installs (dev ones
 * included; optional ones may be missing), by npm's cache keys: the registry's tarball URLs.
 */
function lockedPackagesCached(): boolean {
	const listed = execaSync('npm', ['cache', 'ls'], {env: npmEnv, reject: false, maxBuffer: 100_000_000});
	if (listed.exitCode !== 0) {
		return false;
	}

	const keys = new Set(listed.stdout.split('\n'));
	const registry = execaSync('npm', ['config', 'get', 'registry'], {env: npmEnv}).stdout.trim().replace(/\/?$/, '/');
	const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {packages: Record<string, {name?: string; version?: string; link?: boolean; optional?: boolean}>};
	return Object.entries(lock.packages).every(([where, locked]) => {
		if (where === '' || locked.link === true || locked.optional === true || locked.version === undefined) {
			return true;
		}

		const name = locked.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
		return keys.has(`make-fetch-happen:request-cache:${registry}${name}/-/${name.split('/').pop()!}-${locked.version}.tgz`);
	});
}

// The fresh clone's set-up (the last test) is decided here too, before any test is declared:
// outside a git checkout there is nothing to clone, and the clone's npm install needs every
// locked package, dev ones included, from the cache or the registry.
const tracked = await execa('git', ['ls-files', '-z'], {cwd: root, reject: false});
const cloneSkipped = tracked.exitCode === 0
	? (installation.ok && (installation.online || lockedPackagesCached()) ? undefined : 'the npm cache lacks a locked package and the registry is unreachable')
	: 'not a git checkout';
if (cloneSkipped !== undefined) {
	console.log(`package tests: the fresh clone's set-up is skipped: ${cloneSkipped}`);
}

test('the tarball holds the compiled code, the bin shim, the man page and nothing else large', t => {
	const files = packed.files.map(file => file.path).sort();
	for (const needed of ['bin/rotlog', 'man/rotlog.1', 'package.json', 'dist/src/cli/main.js', 'dist/src/commands/write.js', 'dist/src/compress/child.js']) {
		t.true(files.includes(needed), `missing ${needed}`);
	}

	// Only README, LICENSE-like files, package.json, the shim, the man page and compiled sources;
	// each compiled file has its source, so no stale output of a deleted module ships.
	for (const file of files) {
		if (file.startsWith('dist/src/')) {
			t.regex(file, /\.js$/, `${file}: only JavaScript from dist/src`);
			const source = path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			t.true(fs.existsSync(source), `${file} has no source ${path.relative(root, source)}: stale build output`);
		} else {
			t.true(['bin/rotlog', 'man/rotlog.1', 'package.json', 'README.md', 'LICENSE'].includes(file), `unexpected file ${file}`);
		}
	}

	// A budget that catches a stray large file (a corpus, a core dump), not the code's own growth:
	// about 410 KB with sockets, exec, the policy record and the safety checks.
	t.true(packed.unpackedSize < 600_000, `unpacked size ${packed.unpackedSize} bytes`);
	t.log(`${packed.filename}: ${files.length} files, ${packed.unpackedSize} bytes unpacked, ${fs.statSync(tarball).size} bytes packed`);
});

test('the published manifest has no install-time script', t => {
	// `prepare` builds a fresh clone on `npm install` (the README's set-up), or says what to run when
	// the compiler is not installed yet; npm never runs it for a tarball or registry install (npm 11
	// lists it as not covered by allowScripts), and its script does not ship in the tarball.
	for (const script of ['preinstall', 'install', 'postinstall']) {
		t.is(manifest.scripts[script], undefined, `"${script}" would run when the tarball is installed`);
	}

	t.is(manifest.scripts['prepare'], 'node scripts/prepare.mjs');
	t.false(packed.files.some(file => file.path.startsWith('scripts/')), 'the prepare script is not published');
});

test('before the build, bin/rotlog and the prepare step say to run npm install, in one line', async t => {
	// A copy of the package with no dist/ and no node_modules, as a fresh clone is before npm install.
	const copy = path.join(work, 'unbuilt');
	fs.cpSync(path.join(root, 'bin'), path.join(copy, 'bin'), {recursive: true});
	fs.cpSync(path.join(root, 'scripts'), path.join(copy, 'scripts'), {recursive: true});
	fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));

	const run = await execa(path.join(copy, 'bin', 'rotlog'), ['x.log'], {cwd: copy, input: '', reject: false});
	t.is(run.exitCode, 1);
	t.is(run.stderr, `rotlog: not built yet: run 'npm install' in ${copy}`);
	t.is(run.stdout, '');
	t.false(fs.existsSync(path.join(copy, 'x.log')));

	// npx runs the prepare step when it links a clone into its cache: it must succeed (a failure
	// leaves that cache entry broken) and say the same.
	const prepare = await execa(process.execPath, ['scripts/prepare.mjs'], {cwd: copy, reject: false});
	t.is(prepare.exitCode, 0);
	t.is(prepare.stderr, `rotlog: not built yet: run 'npm install' in ${copy}`);
	t.false(fs.existsSync(path.join(copy, 'dist')));
});

withInstall('the packed tarball installs globally without install scripts; rotlog --version, --help and man rotlog work', async t => {
	if (!installation.ok) {
		return;
	}

	// Nothing is compiled or built at install time (the prepare warning of npm 11 is only a notice).
	t.notRegex(installation.stderr, /gyp|prebuild|tsc/i);
	t.false(fs.existsSync(path.join(prefix, 'lib', 'node_modules', 'rotlog', 'src')), 'TypeScript sources are not installed');

	const version = await execa(installed, ['--version'], {cwd: work});
	t.is(version.stdout, manifest.version);

	const help = await execa(installed, ['--help'], {cwd: work});
	t.regex(help.stdout, /rotlog check FILE\.\.\./);
	t.regex(help.stdout, /--max/);

	// The installed writer works end to end (the native lock module loaded from the prefix).
	const log = path.join(work, 'installed.log');
	const written = await execa(installed, [log, '--max', '64', '--keep', '2'], {cwd: work, input: 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n'});
	t.is(written.exitCode, 0);
	t.true(fs.existsSync(log));

	const page = path.join(prefix, 'share', 'man', 'man1', 'rotlog.1');
	t.regex(fs.readFileSync(page, 'utf8'), /^\.TH "?ROTLOG"? "?1"?/m);
	const man = await execa('man', ['-M', path.join(prefix, 'share', 'man'), 'rotlog'], {cwd: work, reject: false, env: {MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80'}});
	if (man.failed && (man as {code?: string}).code === 'ENOENT') {
		t.log('man is not installed: checked only that share/man/man1/rotlog.1 is a man page');
	} else {
		t.is(man.exitCode, 0, man.stderr);
		t.regex(man.stdout, /rotlog\s+-\s+append standard input/);
	}
});

withInstall('npx runs rotlog from the packed tarball', async t => {
	const result = await execa('npx', ['--yes', '--offline', `--package=${tarball}`, 'rotlog', '--version'], {cwd: work, env: npmEnv, reject: false});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout.trim(), manifest.version);
});

/** Each compiled file under dist/src with its modification time. */
function builtFiles(): Map<string, number> {
	const directory = path.join(root, 'dist', 'src');
	const entries = fs.readdirSync(directory, {recursive: true, withFileTypes: true}).filter(entry => entry.isFile());
	return new Map(entries.map(entry => {
		const file = path.join(entry.parentPath, entry.name);
		return [path.relative(directory, file), fs.statSync(file).mtimeMs];
	}));
}

test('npx rotlog runs the project\'s own rotlog from the project directory, without rewriting a current build', async t => {
	// The first `npx rotlog` in a clone links the project into npm's npx cache and runs its
	// `prepare` (the build). That build is incremental: with dist/ current it writes nothing, so
	// writers already running from dist/ (several `npx rotlog` started at once) never load a
	// half-rewritten module.
	const before = builtFiles();
	const result = await execa('npx', ['--offline', 'rotlog', '--version'], {cwd: root, env: npmEnv, reject: false});
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout.trim(), manifest.version);
	t.deepEqual(builtFiles(), before, 'npx rewrote dist/src');
});

test('the tarball ships the MIT LICENSE', t => {
	t.true(packed.files.some(file => file.path === 'LICENSE'), 'LICENSE is not in the tarball');
	const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
	t.regex(license, /^MIT License\n\nCopyright \(c\) 2026 rotlog contributors\n/);
	t.is((manifest as {license?: string}).license, 'MIT');
});

/** Every line of the user documentation (the man page included) that installs or fetches rotlog, with where it is. */
function installLines(): Array<{where: string; line: string}> {
	const docs = fs.readdirSync(path.join(root, 'docs'), {recursive: true, encoding: 'utf8'})
		.filter(name => fs.statSync(path.join(root, 'docs', name)).isFile())
		.map(name => path.join('docs', name));
	const found: Array<{where: string; line: string}> = [];
	for (const file of ['README.md', path.join('man', 'rotlog.1.md'), ...docs]) {
		for (const [index, text] of fs.readFileSync(path.join(root, file), 'utf8').split('\n').entries()) {
			// A command, not prose: at the start of a line (after RUN in a Dockerfile), with its comment cut.
			const line = text.replace(/^\s*(RUN\s+)?/, '').replace(/\s+#.*$/, '').trim();
			if (/^(npm (install|i|pack|ci|link)|npx|yarn|pnpm)\b/.test(line)) {
				found.push({where: `${file}:${index + 1}`, line});
			}
		}
	}

	return found;
}

test('every install line in the docs is one the tests run', t => {
	const lines = installLines();
	t.true(lines.some(({line}) => /^npm install --global \S+\.tgz/.test(line)), 'the docs say how to install the tarball');
	for (const {where, line} of lines) {
		const known = line === 'npm install' || line === 'npm pack' || line.startsWith('npx rotlog ')
			|| /^(npm pack && )?npm install --global \S*rotlog-[\d.]+\.tgz( && rm \S+)?( && npm cache clean --force)?( && man rotlog)?$/.test(line)
			|| /^npx --package=\S*rotlog-[\d.]+\.tgz rotlog /.test(line);
		t.true(known, `${where}: '${line}' is an install line no test runs`);
		t.notRegex(line, /^npm (install|i)\b.*\srotlog(@\S*)?(\s|$)/, `${where}: rotlog is not on the registry`);
	}
});

withInstall('each documented `npm install --global TARBALL` line installs a working rotlog', async t => {
	const installs = (line: string) => line.split(' && ').find(command => command.startsWith('npm install --global '));
	const lines = [...new Set(installLines().map(({line}) => line).filter(line => installs(line) !== undefined))];
	t.true(lines.length >= 3, lines.join('; '));
	for (const line of lines) {
		// As written, with the tarball npm pack made here (`npm pack` is not run again: its prepare
		// would rebuild dist/ under the other tests) in place of the documented path, a private prefix
		// in place of the system's, and npm's cache left alone.
		const command = installs(line)!;
		const documented = command.split(' ').at(-1)!;
		t.is(path.basename(documented), packed.filename, `${line}: npm pack makes ${packed.filename}`);
		const linePrefix = fs.mkdtempSync(path.join(work, 'doc-prefix-'));
		const args = [...command.split(' ').slice(1, -1), '--prefix', linePrefix, tarball, ...quiet];
		const result = await execa('npm', [...args, '--prefer-offline'], {cwd: work, env: npmEnv, reject: false, timeout: 90_000});
		t.is(result.exitCode, 0, `${line}: ${result.stderr}`);
		const version = await execa(path.join(linePrefix, 'bin', 'rotlog'), ['--version'], {cwd: work, reject: false});
		t.is(version.stdout, manifest.version, line);
		if (line.endsWith(' && man rotlog')) {
			const man = await execa('man', ['-M', path.join(linePrefix, 'share', 'man'), 'rotlog'], {cwd: work, reject: false, env: {MANPAGER: 'cat', PAGER: 'cat'}});
			if ((man as {code?: string}).code === 'ENOENT') {
				t.log(`${line}: man is not installed; the page is checked to be in place only`);
				t.true(fs.existsSync(path.join(linePrefix, 'share', 'man', 'man1', 'rotlog.1')), line);
			} else {
				t.is(man.exitCode, 0, `${line}: ${man.stderr}`);
				t.regex(man.stdout, /rotlog\s+-\s+append standard input/, line);
			}
		}
	}
});

withInstall('each documented `npx --package=TARBALL rotlog` line runs', async t => {
	const lines = [...new Set(installLines().map(({line}) => line).filter(line => line.startsWith('npx --package=')))];
	for (const line of lines) {
		const [, documented, rest] = /^npx --package=(\S+) rotlog (.*)$/.exec(line)!;
		t.is(path.basename(documented!), packed.filename);
		const result = await execa('npx', ['--yes', '--offline', `--package=${tarball}`, 'rotlog', ...rest!.split(' ')], {cwd: work, env: npmEnv, reject: false});
		t.is(result.exitCode, 0, `${line}: ${result.stderr}`);
		t.regex(result.stdout, /rotlog/);
	}
});

// The README's set-up: in a fresh clone, `npm install` installs and builds, and then the clone's
// rotlog runs. (`npm test` there would run this whole suite again: not repeated here.) The clone
// is a copy of the files git tracks, as they are now.
(cloneSkipped === undefined ? test : test.skip)('a fresh clone sets up with npm install, after which its bin/rotlog runs the README\'s pipeline', async t => {
	const clone = path.join(work, 'clone');
	for (const file of tracked.stdout.split('\0').filter(name => name !== '')) {
		const source = path.join(root, file);
		if (fs.lstatSync(source, {throwIfNoEntry: false})?.isFile()) {
			fs.mkdirSync(path.dirname(path.join(clone, file)), {recursive: true});
			fs.copyFileSync(source, path.join(clone, file));
			fs.chmodSync(path.join(clone, file), fs.statSync(source).mode);
		}
	}

	// Before npm install nothing is built, and rotlog says so. (npx is not tried here: it would leave
	// an npx cache entry for a directory that goes.)
	const before = await execa(process.execPath, ['bin/rotlog', '--version'], {cwd: clone, reject: false});
	t.is(before.exitCode, 1);
	t.is(before.stderr, `rotlog: not built yet: run 'npm install' in ${clone}`);

	const npmInstall = async (mode: string) => execa('npm', ['install', ...quiet, mode], {cwd: clone, env: npmEnv, reject: false, timeout: 180_000});
	const offline = await npmInstall('--offline');
	const install = offline.exitCode === 0 ? offline : await npmInstall('--prefer-offline');
	t.is(install.exitCode, 0, install.stderr);
	t.true(fs.existsSync(path.join(clone, 'dist', 'src', 'cli', 'main.js')), 'npm install built dist/');
	const version = await execa(process.execPath, ['bin/rotlog', '--version'], {cwd: clone, reject: false});
	t.is(version.stdout, manifest.version, version.stderr);
	// The README's pipeline, through the clone's bin/rotlog. (`npx rotlog` in a clone is the test
	// above, on this checkout: here it would leave an npx cache entry for a directory that goes.)
	const piped = await execa('sh', ['-c', 'seq 1 1000 | ./bin/rotlog app.log --max 1K --keep 5'], {cwd: clone, reject: false});
	t.is(piped.exitCode, 0, piped.stderr);
	t.true(fs.existsSync(path.join(clone, 'app.log.1.gz')) || fs.existsSync(path.join(clone, 'app.log.1')));
});
