// The three kernel lock calls rotlog makes (wait, try, unlock, on one byte of the lock file), from
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

/** The package's own entry point: the same calls, with the lock kind as an option. */
type PackageApi = {
	waitForLockSync(fd: number, offset: number, length: number, options: {shared: boolean}): void;
	tryLock(fd: number, offset: number, length: number, options: {shared: boolean}): boolean;
	unlock(fd: number, offset: number, length: number): void;
};

/**
 * The bytes of a lock file that rotlog locks: the writers' lock on byte 0 (exclusive), byte 1,
 * on which each live writer holds a shared lock for its whole life, so that others can tell
 * whether writers are live (an exclusive probe of byte 1 fails while any is), and byte 2, held
 * (exclusive, tried without waiting) by the one process that compresses the log's archives
 * (src/compress/compressor.ts).
 */
export type LockByte = 0 | 1 | 2;

export type KernelLock = {
	/** Waits for the lock on `byte` (the writers' lock: byte 0, exclusive). */
	waitForLockSync(fd: number, byte?: LockByte, shared?: boolean): void;
	/** Takes the lock on `byte` if nobody holds a conflicting one; true when taken. */
	tryLock(fd: number, byte?: LockByte, shared?: boolean): boolean;
	unlock(fd: number, byte?: LockByte): void;
};

const require = createRequire(import.meta.url);

function fromBinary(binding: Binding): KernelLock {
	return {
		waitForLockSync(fd, byte = 0, shared = false) {
			binding.waitForLockSync(fd, byte, 1, !shared);
		},
		tryLock(fd, byte = 0, shared = false) {
			try {
				binding.tryLock(fd, byte, 1, !shared);
				return true;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
					return false;
				}

				throw error;
			}
		},
		unlock(fd, byte = 0) {
			binding.unlock(fd, byte, 1);
		},
	};
}

function fromPackage(api: PackageApi): KernelLock {
	return {
		waitForLockSync(fd, byte = 0, shared = false) {
			api.waitForLockSync(fd, byte, 1, {shared});
		},
		tryLock(fd, byte = 0, shared = false) {
			return api.tryLock(fd, byte, 1, {shared});
		},
		unlock(fd, byte = 0) {
			api.unlock(fd, byte, 1);
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

	return {lock: fromPackage(require('fs-native-extensions') as PackageApi), source: 'package entry point'};
}

const loaded = load();

export const kernelLock: KernelLock = loaded.lock;
/** How the lock calls were loaded (tested: on Linux x64 the fast path must be the one taken). */
export const kernelLockSource = loaded.source;
