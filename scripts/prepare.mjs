// npm's `prepare` step: build dist/ when the compiler is installed, else say what to run.
//
// npm runs `prepare` on `npm install` in a clone (the dependencies, typescript included, are there
// by then) and also when `npx rotlog` is tried in a clone before that: npx links the clone into its
// cache and runs the clone's `prepare`, where a bare `tsc` exits 127, npx prints nothing, and the
// half-made cache entry breaks every later npx run in the clone. Exiting 0 here lets npx finish, and
// bin/rotlog then says the same line. A plain script, not TypeScript: nothing is compiled yet.
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';

const directory = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let tsc;
try {
	tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
	console.error(`rotlog: not built yet: run 'npm install' in ${directory}`);
	process.exit(0);
}

// The same build as `npm run build`.
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {cwd: directory, stdio: 'inherit'});
process.exit(build.status ?? 1);
