/**
 * The RLE / bit-packed hybrid encoder against hyparquet's decoder: every bit width the writer
 * can use, run-heavy and random data, lengths that are and are not multiples of 8.
 */

import { describe, expect, test } from "bun:test";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { GrowableBytes } from "../../../../src/convert/parquet/scratch-buffers.ts";
import { bitWidthFor, encodeDefinitionLevels, encodeRleBitPackedHybrid, MAX_RLE_BIT_WIDTH } from "../../../../src/convert/parquet/rle-hybrid.ts";

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

function decode(bytes: Uint8Array, bitWidth: number, count: number, withLengthPrefix: boolean): number[] {
  const output = new Array<number>(count);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  readRleBitPackedHybrid(reader, bitWidth, output, withLengthPrefix ? undefined : bytes.length);
  expect(reader.offset).toBe(bytes.length);
  return output;
}

/** Mixed data: runs of random length (some >= 8) between stretches of random values. */
function mixedValues(count: number, bitWidth: number, next: () => number): Int32Array {
  const max = 2 ** bitWidth;
  const values = new Int32Array(count);
  let i = 0;
  while (i < count) {
    const value = Math.floor(next() * max);
    const length = next() < 0.3 ? 1 + Math.floor(next() * 40) : 1;
    for (let k = 0; k < length && i < count; k++) values[i++] = length === 1 ? Math.floor(next() * max) : value;
  }
  return values;
}

describe("encodeRleBitPackedHybrid", () => {
  test("round-trips every bit width with mixed runs and odd lengths", () => {
    const next = random(7);
    for (let bitWidth = 1; bitWidth <= MAX_RLE_BIT_WIDTH; bitWidth++) {
      for (const count of [0, 1, 7, 8, 9, 63, 500, 504, 505, 2001]) {
        const values = mixedValues(count, bitWidth, next);
        const out = new GrowableBytes(16);
        encodeRleBitPackedHybrid(values, 0, count, bitWidth, out);
        expect(decode(out.view(), bitWidth, count, false)).toEqual([...values]);
      }
    }
  });

  test("encodes a window of a larger array and appends after existing bytes", () => {
    const values = Int32Array.from({ length: 100 }, (_, i) => i % 9);
    const out = new GrowableBytes(4);
    out.pushBytes(Uint8Array.of(0xaa, 0xbb));
    encodeRleBitPackedHybrid(values, 30, 50, 4, out);
    expect([...out.view().subarray(0, 2)]).toEqual([0xaa, 0xbb]);
    expect(decode(out.view().subarray(2), 4, 50, false)).toEqual([...values.subarray(30, 80)]);
  });

  test("long runs cost a few bytes", () => {
    const values = new Int32Array(100_000).fill(5);
    const out = new GrowableBytes();
    encodeRleBitPackedHybrid(values, 0, values.length, 3, out);
    expect(out.length).toBeLessThanOrEqual(5);
  });

  test("rejects bit widths it cannot pack", () => {
    expect(() => encodeRleBitPackedHybrid(new Int32Array(1), 0, 1, 0, new GrowableBytes())).toThrow(/bit width 0/);
    expect(() => encodeRleBitPackedHybrid(new Int32Array(1), 0, 1, 25, new GrowableBytes())).toThrow(/bit width 25/);
  });

  test("bitWidthFor gives the smallest width holding the largest index, never 0", () => {
    expect([0, 1, 2, 3, 4, 255, 256, (1 << 20) - 1].map(bitWidthFor)).toEqual([1, 1, 2, 2, 3, 8, 9, 20]);
  });
});

describe("encodeDefinitionLevels", () => {
  test("writes the 4-byte length prefix and levels 1 = present, 0 = null; returns the non-null count", () => {
    const next = random(11);
    const patterns: Record<string, (i: number) => number> = {
      none: () => 0,
      all: () => 1,
      sparse: () => (next() < 0.1 ? 1 : 0),
      dense: () => (next() < 0.9 ? 1 : 0),
      runs: (i) => (Math.floor(i / 37) % 2),
    };
    for (const [name, isNull] of Object.entries(patterns)) {
      for (const count of [1, 8, 13, 1000]) {
        const nulls = Uint8Array.from({ length: count + 10 }, (_, i) => isNull(i));
        const out = new GrowableBytes(8);
        const nonNull = encodeDefinitionLevels(nulls, 5, count, out, new Int32Array(count));
        const expected = [...nulls.subarray(5, 5 + count)].map((n) => 1 - n);
        expect({ name, levels: decode(out.view(), 1, count, true) }).toEqual({ name, levels: expected });
        expect(nonNull).toBe(expected.filter((l) => l === 1).length);
      }
    }
  });
});
