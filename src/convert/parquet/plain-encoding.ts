/**
 * PLAIN encoding of page values, straight from the column chunk's typed arrays.
 *
 * Fixed-width values (INT32, INT64, DOUBLE) are handled as 32-bit words so they are copied bit
 * for bit: no BigInt per value, and a NaN's payload and the sign of -0.0 survive, which a read
 * through a Float64Array would not guarantee. BYTE_ARRAY is a 4-byte little-endian length then
 * the bytes. BOOLEAN is bit-packed, least significant bit first. Nulls are skipped: they exist
 * only in the definition levels. All functions append to `out` at `out.length`.
 */

import type { GrowableBytes, Int32Scratch } from "./scratch-buffers.ts";
import { writeUint32LE } from "./scratch-buffers.ts";

/** Copies below this length are done byte by byte: cheaper than creating a subarray view. */
const SHORT_COPY = 32;

/** Rows [start, start + count) of a fixed-width column; `nonNullCount` of them are present. */
export function encodePlainFixedWidth(
  words: Int32Array,
  wordsPerValue: 1 | 2,
  nulls: Uint8Array,
  start: number,
  count: number,
  nonNullCount: number,
  out: GrowableBytes,
  scratch: Int32Scratch,
): void {
  const byteLength = nonNullCount * wordsPerValue * 4;
  out.ensure(byteLength);
  if (nonNullCount === count) {
    const source = new Uint8Array(words.buffer, words.byteOffset + start * wordsPerValue * 4, byteLength);
    out.bytes.set(source, out.length);
  } else {
    const compact = scratch.get(nonNullCount * wordsPerValue);
    let w = 0;
    const end = start + count;
    if (wordsPerValue === 2) {
      for (let i = start; i < end; i++) {
        if (nulls[i] !== 0) continue;
        compact[w++] = words[2 * i]!;
        compact[w++] = words[2 * i + 1]!;
      }
    } else {
      for (let i = start; i < end; i++) if (nulls[i] === 0) compact[w++] = words[i]!;
    }
    out.bytes.set(new Uint8Array(compact.buffer, 0, byteLength), out.length);
  }
  out.length += byteLength;
}

/** The values at the given rows (a dictionary's entries), in that order. */
export function encodePlainFixedWidthRows(
  words: Int32Array,
  wordsPerValue: 1 | 2,
  rows: Int32Array,
  rowCount: number,
  out: GrowableBytes,
  scratch: Int32Scratch,
): void {
  const compact = scratch.get(rowCount * wordsPerValue);
  if (wordsPerValue === 2) {
    for (let k = 0; k < rowCount; k++) {
      const row = rows[k]!;
      compact[2 * k] = words[2 * row]!;
      compact[2 * k + 1] = words[2 * row + 1]!;
    }
  } else {
    for (let k = 0; k < rowCount; k++) compact[k] = words[rows[k]!]!;
  }
  out.pushBytes(new Uint8Array(compact.buffer, 0, rowCount * wordsPerValue * 4));
}

export function encodePlainBoolean(
  values: Uint8Array,
  nulls: Uint8Array,
  start: number,
  count: number,
  nonNullCount: number,
  out: GrowableBytes,
): void {
  out.ensure((nonNullCount + 7) >>> 3);
  const b = out.bytes;
  let p = out.length;
  let acc = 0;
  let bits = 0;
  const end = start + count;
  for (let i = start; i < end; i++) {
    if (nulls[i] !== 0) continue;
    acc |= (values[i] !== 0 ? 1 : 0) << bits;
    if (++bits === 8) {
      b[p++] = acc;
      acc = 0;
      bits = 0;
    }
  }
  if (bits > 0) b[p++] = acc;
  out.length = p;
}

export function encodePlainByteArray(
  data: Uint8Array,
  offsets: Int32Array,
  nulls: Uint8Array,
  start: number,
  count: number,
  nonNullCount: number,
  out: GrowableBytes,
): void {
  const end = start + count;
  // Null rows have empty ranges, so the value bytes of the rows are exactly this span.
  out.ensure(offsets[end]! - offsets[start]! + 4 * nonNullCount);
  let p = out.length;
  for (let i = start; i < end; i++) {
    if (nulls[i] !== 0) continue;
    p = appendByteArray(out.bytes, p, data, offsets[i]!, offsets[i + 1]!);
  }
  out.length = p;
}

/** The values at the given rows (a dictionary's entries), in that order. */
export function encodePlainByteArrayRows(
  data: Uint8Array,
  offsets: Int32Array,
  rows: Int32Array,
  rowCount: number,
  out: GrowableBytes,
): void {
  let total = 0;
  for (let k = 0; k < rowCount; k++) total += 4 + offsets[rows[k]! + 1]! - offsets[rows[k]!]!;
  out.ensure(total);
  let p = out.length;
  for (let k = 0; k < rowCount; k++) {
    const row = rows[k]!;
    p = appendByteArray(out.bytes, p, data, offsets[row]!, offsets[row + 1]!);
  }
  out.length = p;
}

function appendByteArray(b: Uint8Array, p: number, data: Uint8Array, from: number, to: number): number {
  const length = to - from;
  writeUint32LE(b, p, length);
  p += 4;
  if (length < SHORT_COPY) {
    for (let k = from; k < to; k++) b[p++] = data[k]!;
    return p;
  }
  b.set(data.subarray(from, to), p);
  return p + length;
}
