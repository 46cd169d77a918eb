/**
 * One 512-byte TAR header block → its fields. Pure: no I/O, no state across headers.
 *
 * Layouts recognised (the magic at 257 decides):
 *  - POSIX ustar ("ustar\0"): name may be continued by the 155-byte prefix at 345 (131 bytes when the
 *    block ends in "tar\0", star's variant, whose prefix is followed by atime/ctime);
 *  - old GNU ("ustar  \0"): same fields, but 345.. holds atime/ctime/sparse data, never a prefix;
 *  - v7 (no magic): name, mode, uid, gid, size, mtime, checksum, type, linkname only.
 *
 * Invariants:
 *  - The checksum is verified first; both the unsigned sum (POSIX) and the signed sum (old Sun and
 *    some other tars summed signed chars) are accepted, as GNU tar and libarchive do. Without magic,
 *    the checksum is the only thing telling a header from random bytes.
 *  - Numeric fields are octal ASCII (leading spaces, NUL or space terminated, all 12 digits allowed),
 *    or base-256 (GNU/star: high bit of the first byte set; 0xFF first = negative) for values that
 *    do not fit, like sizes of 8 GiB and more. Values beyond 2^53 are refused rather than rounded.
 *  - Names are returned as raw bytes up to the first NUL: encoding is the path rules' business.
 */
import { ArchiveError } from "../archive-error.ts";

export const BLOCK = 512;

export type TarMagic = "ustar" | "gnu" | "v7";

export interface TarHeader {
  /** prefix + "/" + name for ustar, raw bytes. */
  name: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  /** The typeflag byte as a character ("0", "x", "\0"...). */
  typeflag: string;
  linkname: Uint8Array;
  magic: TarMagic;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
}

const latin1 = new TextDecoder("latin1");

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** True when the block's stored checksum equals its unsigned or signed byte sum. */
export function checksumMatches(block: Uint8Array): boolean {
  const stored = parseOctal(block, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b < 128 ? b : b - 256;
  }
  return stored === unsigned || stored === signed;
}

/** A cheap test for format detection: a non-empty name and a valid checksum. */
export function looksLikeTarHeader(block: Uint8Array): boolean {
  return block.length >= BLOCK && block[0] !== 0 && checksumMatches(block);
}

/** Parses a block already known not to be all zeros. `offset` is its position, for errors. */
export function parseHeader(block: Uint8Array, offset: number): TarHeader {
  if (!checksumMatches(block)) {
    throw new ArchiveError("ARCHIVE_CORRUPT", `tar header checksum mismatch at byte ${offset} (damaged, or not a tar)`, {
      offset,
      entry: printable(cString(block, 0, 100)),
    });
  }
  const magic: TarMagic = matches(block, 257, "ustar  \0") ? "gnu" : matches(block, 257, "ustar") ? "ustar" : "v7";
  let name = cString(block, 0, 100);
  if (magic === "ustar") {
    const prefixLen = matches(block, 508, "tar\0") ? 131 : 155;
    const prefix = cString(block, 345, prefixLen);
    if (prefix.length > 0) {
      const joined = new Uint8Array(prefix.length + 1 + name.length);
      joined.set(prefix, 0);
      joined[prefix.length] = 0x2f; // "/"
      joined.set(name, prefix.length + 1);
      name = joined;
    }
  }
  const num = (start: number, len: number, field: string) => parseNumeric(block, start, len, field, offset, name);
  const ustarish = magic !== "v7";
  return {
    name,
    mode: num(100, 8, "mode"),
    uid: num(108, 8, "uid"),
    gid: num(116, 8, "gid"),
    size: num(124, 12, "size"),
    mtime: num(136, 12, "mtime"),
    typeflag: String.fromCharCode(block[156]!),
    linkname: cString(block, 157, 100),
    magic,
    uname: ustarish ? latin1.decode(cString(block, 265, 32)) : "",
    gname: ustarish ? latin1.decode(cString(block, 297, 32)) : "",
    devMajor: ustarish ? num(329, 8, "devmajor") : 0,
    devMinor: ustarish ? num(337, 8, "devminor") : 0,
  };
}

/** Octal or base-256 field; refuses garbage and values a double cannot hold exactly. */
function parseNumeric(block: Uint8Array, start: number, len: number, field: string, offset: number, name: Uint8Array): number {
  const first = block[start]!;
  let value: number | null;
  if (first & 0x80) {
    // Base-256, big-endian two's complement over the whole field; 0x80 marks a positive value.
    let big = BigInt(first === 0xff ? 0xff : first & 0x7f);
    for (let i = 1; i < len; i++) big = (big << 8n) | BigInt(block[start + i]!);
    if (first === 0xff) big -= 1n << BigInt(8 * len);
    value = big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER) ? null : Number(big);
  } else {
    value = parseOctal(block, start, len);
  }
  if (value === null || (value < 0 && field !== "mtime")) {
    const raw = latin1.decode(block.subarray(start, start + len)).replace(/[^\x20-\x7e]/g, "?");
    throw new ArchiveError("ARCHIVE_CORRUPT", `tar header at byte ${offset} has an invalid ${field} field "${raw}"`, {
      offset,
      entry: printable(name),
      field,
    });
  }
  return value;
}

/** Octal ASCII: leading spaces/NULs skipped, digits up to a NUL or space (or the field's end); null otherwise. */
function parseOctal(block: Uint8Array, start: number, len: number): number | null {
  let i = start;
  const end = start + len;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return null;
    value = value * 8 + (c - 0x30);
  }
  // Like GNU tar, what follows the terminator is not looked at (old tars left junk there).
  return value;
}

function cString(block: Uint8Array, start: number, len: number): Uint8Array {
  const field = block.subarray(start, start + len);
  const nul = field.indexOf(0);
  return (nul < 0 ? field : field.subarray(0, nul)).slice();
}

function matches(block: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (block[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

const lossy = new TextDecoder("utf-8");

/** A bounded, printable rendering of raw name bytes for messages. */
export function printable(bytes: Uint8Array): string {
  const s = lossy.decode(bytes.length > 300 ? bytes.subarray(0, 300) : bytes);
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?") + (bytes.length > 300 ? "…" : "");
}
