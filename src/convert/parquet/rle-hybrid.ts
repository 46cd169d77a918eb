/**
 * The RLE / bit-packed hybrid encoding (Parquet "RLE"), used for definition levels (bit width 1)
 * and for dictionary indices (bit width = bits of the largest index).
 *
 * Runs of 8 or more equal values become RLE runs; everything else goes into bit-packed runs of
 * whole groups of 8 values (at most 63 groups, so the run header is one byte). Only the last
 * group of the whole sequence may be padded with zeros: readers stop at the value count they know.
 * Invariant: every value fits in `bitWidth` bits and `bitWidth <= 24`, so the packing accumulator
 * never needs more than 31 bits.
 */

import type { GrowableBytes } from "./scratch-buffers.ts";
import { writeUint32LE } from "./scratch-buffers.ts";

export const MAX_RLE_BIT_WIDTH = 24;

/** Smallest bit width that holds every value in [0, maxValue]; at least 1 so readers never see 0. */
export function bitWidthFor(maxValue: number): number {
  return maxValue <= 1 ? 1 : 32 - Math.clz32(maxValue);
}

/** Appends `values[start, start + count)` encoded with `bitWidth` to `out` (no length prefix). */
export function encodeRleBitPackedHybrid(
  values: Int32Array,
  start: number,
  count: number,
  bitWidth: number,
  out: GrowableBytes,
): void {
  if (bitWidth < 1 || bitWidth > MAX_RLE_BIT_WIDTH) throw new Error(`RLE bit width ${bitWidth} out of range 1..${MAX_RLE_BIT_WIDTH}`);
  // Worst case per 8 values: an RLE run (varint header <= 5 bytes + value <= 3 bytes) or a packed group.
  out.ensure(Math.ceil(count / 8) * Math.max(bitWidth + 1, 8) + 16);
  const b = out.bytes;
  let p = out.length;
  const end = start + count;
  const valueBytes = (bitWidth + 7) >>> 3;
  let i = start;
  while (i < end) {
    const v = values[i]!;
    let run = 1;
    while (i + run < end && values[i + run] === v) run++;
    if (run >= 8) {
      p = writeVarint(b, p, run * 2);
      for (let k = 0; k < valueBytes; k++) b[p++] = (v >>> (8 * k)) & 0xff;
      i += run;
      continue;
    }
    const headerAt = p++;
    let groups = 0;
    do {
      let acc = 0;
      let bits = 0;
      for (let k = 0; k < 8; k++) {
        const at = i + k;
        acc |= (at < end ? values[at]! : 0) << bits;
        bits += bitWidth;
        while (bits >= 8) {
          b[p++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
      i += 8;
      groups++;
    } while (i < end && groups < 63 && !startsRunOf8(values, i, end));
    b[headerAt] = (groups << 1) | 1;
  }
  out.length = p;
}

/**
 * Appends the definition levels of rows [start, start + count) (1 = present, 0 = null) as a
 * data page v1 expects them: a 4-byte little-endian length, then the hybrid encoding at bit
 * width 1. Returns how many of those rows are not null. `scratch` must hold `count` values.
 */
export function encodeDefinitionLevels(
  nulls: Uint8Array,
  start: number,
  count: number,
  out: GrowableBytes,
  scratch: Int32Array,
): number {
  const end = start + count;
  let nullCount = 0;
  for (let i = start; i < end; i++) if (nulls[i] !== 0) nullCount++;
  const lengthAt = out.length;
  out.ensure(4 + 16);
  out.length += 4;
  if (nullCount === 0 || nullCount === count) {
    // The common cases are one RLE run: no scratch pass needed.
    out.length = writeVarint(out.bytes, out.length, count * 2);
    out.bytes[out.length++] = nullCount === 0 ? 1 : 0;
  } else {
    for (let i = 0; i < count; i++) scratch[i] = nulls[start + i] === 0 ? 1 : 0;
    encodeRleBitPackedHybrid(scratch, 0, count, 1, out);
  }
  writeUint32LE(out.bytes, lengthAt, out.length - lengthAt - 4);
  return count - nullCount;
}

function startsRunOf8(values: Int32Array, i: number, end: number): boolean {
  if (i + 8 > end) return false;
  const v = values[i];
  for (let k = 1; k < 8; k++) if (values[i + k] !== v) return false;
  return true;
}

/** Varint of a non-negative integer below 2^31 at `p`; returns the position after it. */
function writeVarint(b: Uint8Array, p: number, value: number): number {
  while (value >= 0x80) {
    b[p++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  b[p++] = value;
  return p;
}
