// The part of fs-native-extensions rotlog uses: open-file-description fcntl locks on Linux
// (flock on macOS), released by the kernel when the holder's descriptor closes or it dies.
declare module 'fs-native-extensions' {
	export function tryLock(fd: number, options?: {shared?: boolean}): boolean;
	export function waitForLockSync(fd: number, options?: {shared?: boolean}): void;
	export function unlock(fd: number): void;
}
