/**
 * A deflate stream of N zero bytes built without N bytes anywhere: one segment of 1 MiB of zeros
 * compressed with a full flush (byte-aligned, no reference to earlier data, so it can be repeated),
 * repeated N / 1 MiB times, then a remainder segment and an empty final block. 10 GiB of zeros is
 * ~10 MB of deflate (deflate's limit is ~1,032:1), which is how zip bombs and >4 GiB entries are
 * made in memory. The CRC-32 is computed on a zero buffer, ~20 GB/s with zlib's crc32.
 */
import { constants, crc32, deflateRawSync } from "node:zlib";

const SEGMENT = 1 << 20;
const zeros = new Uint8Array(SEGMENT);
/** Fixed-Huffman block, BFINAL set, holding only end-of-block. */
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00);

function segment(length: number): Uint8Array {
  return deflateRawSync(zeros.subarray(0, length), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
}

export interface ZerosDeflate {
  compressed: Uint8Array;
  crc32: number;
  size: number;
}

export function deflatedZeros(size: number): ZerosDeflate {
  const full = Math.floor(size / SEGMENT);
  const rest = size % SEGMENT;
  const seg = segment(SEGMENT);
  const tail = rest > 0 ? segment(rest) : new Uint8Array(0);
  const compressed = new Uint8Array(full * seg.length + tail.length + FINAL_EMPTY_BLOCK.length);
  for (let i = 0; i < full; i++) compressed.set(seg, i * seg.length);
  compressed.set(tail, full * seg.length);
  compressed.set(FINAL_EMPTY_BLOCK, full * seg.length + tail.length);
  return { compressed, crc32: crcOfZeros(size), size };
}

export function crcOfZeros(size: number): number {
  let crc = 0;
  for (let left = size; left > 0; left -= SEGMENT) crc = crc32(zeros.subarray(0, Math.min(SEGMENT, left)), crc);
  return crc >>> 0;
}
