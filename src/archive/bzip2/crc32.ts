/**
 * bzip2's CRC-32: polynomial 0x04C11DB7 processed MSB first (not the reflected CRC-32 of gzip and
 * zip), initial value 0xFFFFFFFF, final complement. Each block stores the CRC of its decompressed
 * bytes; the stream stores the combination of its block CRCs (see combineStreamCrc).
 *
 * Invariants:
 *  - CRC values are carried as int32 (what JS bit operators produce); compare them with `| 0` or
 *    `>>> 0` on both sides.
 *  - crcUpdate() is slice-by-8: it reads 8 bytes per step with 8 tables (8 KiB), ~3.5× the speed
 *    of a byte at a time, which matters since every output byte goes through it.
 */

const POLY = 0x04c11db7;

function makeTables(): Int32Array[] {
  const t0 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ POLY : c << 1;
    t0[i] = c;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const next = new Int32Array(256);
    // T_k[i] is the CRC of byte i followed by k zero bytes.
    for (let i = 0; i < 256; i++) next[i] = (prev[i]! << 8) ^ t0[prev[i]! >>> 24]!;
    tables.push(next);
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = makeTables() as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];

/** The CRC register before any byte. */
export const CRC_INIT = -1;

/** Folds bytes[start, end) into a running CRC register (start from CRC_INIT; finish with crcFinal). */
export function crcUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  let c = crc | 0;
  let i = start;
  const end8 = end - 7;
  while (i < end8) {
    const a = c ^ ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
    const b = (bytes[i + 4]! << 24) | (bytes[i + 5]! << 16) | (bytes[i + 6]! << 8) | bytes[i + 7]!;
    c =
      T7[a >>> 24]! ^
      T6[(a >>> 16) & 0xff]! ^
      T5[(a >>> 8) & 0xff]! ^
      T4[a & 0xff]! ^
      T3[b >>> 24]! ^
      T2[(b >>> 16) & 0xff]! ^
      T1[(b >>> 8) & 0xff]! ^
      T0[b & 0xff]!;
    i += 8;
  }
  while (i < end) c = (c << 8) ^ T0[(c >>> 24) ^ bytes[i++]!]!;
  return c;
}

/** The CRC of the bytes folded so far, as bzip2 stores it (uint32). */
export function crcFinal(crc: number): number {
  return ~crc >>> 0;
}

/** A stream's CRC after one more block: rotate left by one, then xor the block's CRC (uint32). */
export function combineStreamCrc(streamCrc: number, blockCrc: number): number {
  return (((streamCrc << 1) | (streamCrc >>> 31)) ^ blockCrc) >>> 0;
}
