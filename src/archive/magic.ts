/**
 * Magic-byte signatures of the archive and compression formats dsp opens, checked on the first
 * bytes of a file or stream (HEAD_BYTES of them are enough for all, the tar checksum included).
 *
 * Invariants:
 *  - Each test needs only the bytes given; a head too short to hold a signature does not match.
 *  - Signatures are strict enough that text files do not match by accident: gzip needs its method
 *    byte (8 = deflate, the only one defined), bzip2 its block-size digit, tar a valid checksum.
 */
import { BLOCK, looksLikeTarHeader } from "./tar/tar-header.ts";

/** How many leading bytes magicFormat() wants to see (one tar header block). */
export const HEAD_BYTES = BLOCK;

export type MagicFormat = "zip" | "gzip" | "bzip2" | "xz" | "7z" | "rar" | "tar";

function startsWith(head: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (head.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (head[at + i] !== sig[i]) return false;
  return true;
}

/** gzip: 1F 8B and compression method 8 (deflate). */
export function isGzip(head: Uint8Array): boolean {
  return startsWith(head, [0x1f, 0x8b, 0x08]);
}

/** ZIP: a local file header, an empty archive's end record, or the spanned-archive marker. */
export function isZip(head: Uint8Array): boolean {
  return startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]) || startsWith(head, [0x50, 0x4b, 0x07, 0x08]);
}

/** bzip2: "BZh" and a block size digit 1-9. */
export function isBzip2(head: Uint8Array): boolean {
  return startsWith(head, [0x42, 0x5a, 0x68]) && head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39;
}

/** xz: FD "7zXZ" 00. */
export function isXz(head: Uint8Array): boolean {
  return startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
}

/** 7z: "7z" BC AF 27 1C. */
export function is7z(head: Uint8Array): boolean {
  return startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
}

/** RAR 4 ("Rar!" 1A 07 00) or RAR 5 ("Rar!" 1A 07 01 00); null when neither. */
export function rarVersion(head: Uint8Array): 4 | 5 | null {
  if (startsWith(head, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00])) return 4;
  if (startsWith(head, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00])) return 5;
  return null;
}

/**
 * TAR: "ustar" at 257 (even with a bad checksum: a damaged tar should be reported as damaged, not
 * uploaded as an opaque file), or, for v7 tars that have no magic, a valid header checksum.
 */
export function isTar(head: Uint8Array): boolean {
  return startsWith(head, [0x75, 0x73, 0x74, 0x61, 0x72], 257) || looksLikeTarHeader(head);
}

/** The format the first bytes say, or null when none matches. */
export function magicFormat(head: Uint8Array): MagicFormat | null {
  if (isZip(head)) return "zip";
  if (isGzip(head)) return "gzip";
  if (isBzip2(head)) return "bzip2";
  if (isXz(head)) return "xz";
  if (is7z(head)) return "7z";
  if (rarVersion(head) !== null) return "rar";
  if (isTar(head)) return "tar";
  return null;
}
