/**
 * A 7z of `n` empty files written directly (no 7zz, no files on disk): the signature header and a
 * plain (uncompressed) header with only a FilesInfo block: NumFiles, EmptyStream and EmptyFile bit
 * vectors (every entry is an empty file) and the names. 7zz lists and extracts it like its own.
 *
 * Why: an entry-count bomb of millions of entries. 7zz can make one only from as many files on
 * disk (a million took 50 s to create); this takes a fraction of a second. The header is not
 * compressed, so the file is ~4 bytes per entry plus the names (a compressed header would be
 * smaller; 7-Zip builds the same database from either).
 */
import { crc32 } from "node:zlib";

const SIGNATURE = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04];
const K_HEADER = 0x01;
const K_FILES_INFO = 0x05;
const K_EMPTY_STREAM = 0x0e;
const K_EMPTY_FILE = 0x0f;
const K_NAME = 0x11;
const K_END = 0x00;

/** 7z's NUMBER: the count of leading 1 bits of the first byte is the count of bytes after it (LE). */
export function sevenZipNumber(value: number): number[] {
  for (let extra = 0; extra < 8; extra++) {
    const highBits = Math.floor(value / 2 ** (8 * extra));
    if (highBits < 2 ** (7 - extra)) {
      const first = (0xff << (8 - extra)) & 0xff;
      const out = [first | highBits];
      for (let i = 0; i < extra; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
      return out;
    }
  }
  const out = [0xff];
  for (let i = 0; i < 8; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  return out;
}

/** `n` empty files named by `name(i)` (default "f<i>.txt"), in one 7z with a plain header. */
export function plainHeaderSevenZip(n: number, name: (i: number) => string = (i) => `f${i}.txt`): Uint8Array {
  const bits = new Uint8Array(Math.ceil(n / 8));
  bits.fill(0xff);
  if (n % 8 !== 0) bits[bits.length - 1] = (0xff << (8 - (n % 8))) & 0xff;
  const names: Buffer[] = [];
  let namesBytes = 1; // the "external" byte
  for (let i = 0; i < n; i++) {
    const b = Buffer.from(`${name(i)}\0`, "utf16le");
    names.push(b);
    namesBytes += b.length;
  }
  const parts: Array<number[] | Uint8Array> = [
    [K_HEADER, K_FILES_INFO, ...sevenZipNumber(n)],
    [K_EMPTY_STREAM, ...sevenZipNumber(bits.length)],
    bits,
    [K_EMPTY_FILE, ...sevenZipNumber(bits.length)],
    bits,
    [K_NAME, ...sevenZipNumber(namesBytes), 0],
    ...names,
    [K_END, K_END],
  ];
  const header = Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
  const start = new Uint8Array(20);
  const view = new DataView(start.buffer);
  view.setBigUint64(0, 0n, true); // next header offset (from byte 32)
  view.setBigUint64(8, BigInt(header.length), true);
  view.setUint32(16, crc32(header) >>> 0, true);
  const signature = new Uint8Array(32);
  signature.set(SIGNATURE);
  new DataView(signature.buffer).setUint32(8, crc32(start) >>> 0, true);
  signature.set(start, 12);
  return Buffer.concat([signature, header]);
}
