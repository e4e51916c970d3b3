// The three kernel lock calls rotlog makes (wait, try, unlock; exclusive, whole file), from
// fs-native-extensions. Its entry point finds its binary through `require-addon`, which costs
// about 20 ms of every writer's start-up here; the prebuilt binary itself loads in about 3 ms.
// So the binary is loaded straight from the package's `prebuilds/<platform>-<arch>/` when it is
// there, and through the package's entry point otherwise. The package is pinned to one version
// (package.json): the binary's calls are its internals, and a test checks that both paths lock
// the same way.
import {createRequire} from 'node:module';
import path from 'node:path';

type Binding = {
	waitForLockSync(fd: number, offset: number, length: number, exclusive: boolean): void;
	/** Throws EAGAIN when somebody else holds the lock. */
	tryLock(fd: number, offset: number, length: number, exclusive: boolean): void;
	unlock(fd: number, offset: number, length: number): void;
};

export type KernelLock = {
	/** Waits for the exclusive lock on the whole file. */
	waitForLockSync(fd: number): void;
	/** Takes the exclusive lock if nobody holds it; true when taken. */
	tryLock(fd: number): boolean;
	unlock(fd: number): void;
};

const require = createRequire(import.meta.url);

function fromBinary(binding: Binding): KernelLock {
	return {
		waitForLockSync(fd) {
			binding.waitForLockSync(fd, 0, 0, true);
		},
		tryLock(fd) {
			try {
				binding.tryLock(fd, 0, 0, true);
				return true;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
					return false;
				}

				throw error;
			}
		},
		unlock(fd) {
			binding.unlock(fd, 0, 0);
		},
	};
}

/** The prebuilt binary for this platform, or undefined when the package has none (or it fails to load). */
function loadBinary(): Binding | undefined {
	const root = path.dirname(require.resolve('fs-native-extensions/package.json'));
	const binary = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'fs-native-extensions.node');
	try {
		const binding = require(binary) as Partial<Binding>;
		if (typeof binding.waitForLockSync === 'function' && typeof binding.tryLock === 'function' && typeof binding.unlock === 'function') {
			return binding as Binding;
		}
	} catch {
		// No binary for this platform, or one this system cannot load: the package finds its own.
	}

	return undefined;
}

function load(): {lock: KernelLock; source: 'prebuilt binary' | 'package entry point'} {
	const binding = loadBinary();
	if (binding !== undefined) {
		return {lock: fromBinary(binding), source: 'prebuilt binary'};
	}

	return {lock: require('fs-native-extensions') as KernelLock, source: 'package entry point'};
}

const loaded = load();

export const kernelLock: KernelLock = loaded.lock;
/** How the lock calls were loaded (tested: on Linux x64 the fast path must be the one taken). */
export const kernelLockSource = loaded.source;
