/**
 * flock(2) through bun:ffi. Bun has no API for it, and a lock the kernel drops on any death of the
 * process (kill -9, OOM, power loss) is exactly what cron-started single instances need. bun:ffi
 * loads the system libc already mapped into the process: nothing is written to disk.
 */
import { dlopen, FFIType, read } from "bun:ffi";

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const EWOULDBLOCK = 11;

type Libc = {
  flock: (fd: number, op: number) => number;
  errno: () => number;
};

let libc: Libc | undefined;

function load(): Libc {
  const symbols = {
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  } as const;
  let lastError: unknown;
  // glibc names its library libc.so.6; musl (Alpine) libc.so.
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      const lib = dlopen(name, symbols);
      return {
        flock: (fd, op) => lib.symbols.flock(fd, op),
        errno: () => {
          const p = lib.symbols.__errno_location();
          return p === null ? 0 : read.i32(p, 0);
        },
      };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`cannot load the C library for flock: ${(lastError as Error)?.message}`);
}

/** Returns 0 on success or the errno value. */
export function flock(fd: number, op: number): number {
  libc ??= load();
  return libc.flock(fd, op) === 0 ? 0 : libc.errno();
}
