// Where things are in the checkout, found from this module's own place (dist/test/helpers/ once
// compiled), so that no test counts `../` from its own folder.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The repository root, ending without a separator. */
export const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/** bin/rotlog, the shim that runs the compiled build. */
export const rotlogBin = path.join(root, 'bin', 'rotlog');

/** test/fixtures/ in the source tree (not compiled: the fixtures are not TypeScript). */
export const fixtures = path.join(root, 'test', 'fixtures');
