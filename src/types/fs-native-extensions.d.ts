// The part of fs-native-extensions rotlog uses: open-file-description fcntl locks on Linux on a
// byte range (length 0: to the end of the file), released by the kernel when the holder's
// descriptor closes or it dies. macOS has flock there, which locks the whole file whatever range.
declare module 'fs-native-extensions' {
	export function tryLock(fd: number, offset?: number, length?: number, options?: {shared?: boolean}): boolean;
	export function waitForLockSync(fd: number, offset?: number, length?: number, options?: {shared?: boolean}): void;
	export function unlock(fd: number, offset?: number, length?: number): void;
}
