/**
 * Little-endian field readers over a byte view, as ZIP stores every integer. 64-bit fields come back
 * as a JS number: ZIP64 sizes and offsets above 2^53 cannot describe a real file (9 PB), so they are
 * reported as corrupt rather than rounded.
 *
 * Invariant: callers check bounds before reading (these functions read what they are told to).
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";

export function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

export function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A 64-bit unsigned field; above Number.MAX_SAFE_INTEGER it is corrupt (`what` names the field). */
export function u64(b: Uint8Array, at: number, what: string, context: ArchiveErrorContext): number {
  const lo = u32(b, at);
  const hi = u32(b, at + 4);
  if (hi > 0x1fffff) {
    throw new ArchiveError("ARCHIVE_CORRUPT", `${what} is larger than any real file (high word 0x${hi.toString(16)})`, context);
  }
  return hi * 0x1_0000_0000 + lo;
}

/** Equality of two byte ranges, for names and signatures. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
