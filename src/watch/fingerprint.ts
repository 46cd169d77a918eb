/**
 * A file's fingerprint: device, inode, size and mtime in nanoseconds. Two equal fingerprints taken
 * a stability window apart mean nobody wrote the file in between (every write moves the mtime);
 * a different inode means the path now names another file (replaced by rename).
 */
import type { BigIntStats } from "node:fs";

export interface Fingerprint {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function fingerprintOf(st: BigIntStats): Fingerprint {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

export function describeFingerprint(fp: Fingerprint): string {
  return `size=${fp.size} mtime_ns=${fp.mtimeNs} ino=${fp.ino} dev=${fp.dev}`;
}
