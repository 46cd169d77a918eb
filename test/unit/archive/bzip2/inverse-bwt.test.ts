/**
 * The multi-cursor inverse BWT (white box): the same bytes as a single walk, by 16 cursors on an
 * ordinary block; periodic blocks (one link cycle per period) fall back to bzip2's single walk;
 * damaged links still give exactly nblock bytes (for the CRC to judge), without looping.
 */
import { describe, expect, test } from "bun:test";
import { END, InverseBwt, PAGE } from "../../../../src/archive/bzip2/inverse-bwt.ts";
import { naiveBwt } from "./bzip2-craft.ts";
import { randomBytes } from "./bzip2-fixtures.ts";

/** tt as block-decoder.ts leaves it (the BWT's last column), with its byte counts. */
function ttOf(last: number[]): { tt: Int32Array; counts: Int32Array } {
  const tt = new Int32Array(last.length + 100).fill(-1); // junk past nblock must not matter
  const counts = new Int32Array(256);
  last.forEach((b, i) => {
    tt[i] = b;
    counts[b]!++;
  });
  return { tt, counts };
}

/** The bytes in segment order, and how many segments there were. */
function read(bwt: InverseBwt): { bytes: number[]; segments: number } {
  const bytes: number[] = [];
  let segments = 0;
  for (let k = 0; k !== END; k = bwt.segNext[k]!) {
    segments++;
    let page = bwt.segHead[k]!;
    for (let left = bwt.segLen[k]!; left > 0; left -= PAGE) {
      for (let i = 0; i < Math.min(PAGE, left); i++) bytes.push(bwt.pool[page * PAGE + i]!);
      page = bwt.pageNext[page]!;
    }
  }
  return { bytes, segments };
}

describe("InverseBwt", () => {
  test("an ordinary block large enough for 16 cursors comes out as the original, in 16 segments", () => {
    const block = Array.from(randomBytes(70_000, 11), (b) => b & 0x3f); // 64 values: many equal contexts
    const { last, origPtr } = naiveBwt(block);
    const { tt, counts } = ttOf(last);
    const bwt = new InverseBwt();
    bwt.run(tt, block.length, origPtr, counts);
    const { bytes, segments } = read(bwt);
    expect(segments).toBe(16);
    expect(bytes.length).toBe(block.length);
    expect(bytes.every((b, i) => b === block[i])).toBe(true);
  });

  test("a small block uses one cursor; reusing the decoder for a second block works", () => {
    const bwt = new InverseBwt();
    for (const seed of [1, 2]) {
      const block = Array.from(randomBytes(3000, seed));
      const { last, origPtr } = naiveBwt(block);
      const { tt, counts } = ttOf(last);
      bwt.run(tt, block.length, origPtr, counts);
      const { bytes, segments } = read(bwt);
      expect([segments, bytes.length]).toEqual([1, block.length]);
      expect(bytes.every((b, i) => b === block[i])).toBe(true);
    }
  });

  test("periodic blocks (several link cycles) fall back to the single walk and are still right", () => {
    for (const unit of [[7], [1, 2], [5, 5, 5, 5, 0], Array.from(randomBytes(97, 3))]) {
      const block = Array.from({ length: Math.ceil(1500 / unit.length) }, () => unit).flat();
      const { last, origPtr } = naiveBwt(block);
      const { tt, counts } = ttOf(last);
      const bwt = new InverseBwt();
      bwt.run(tt, block.length, origPtr, counts);
      const { bytes, segments } = read(bwt);
      expect([unit.length, segments, bytes.length]).toEqual([unit.length, 1, block.length]);
      expect(bytes.every((b, i) => b === block[i])).toBe(true);
    }
  });

  test("damaged links (wrong origin, wrong bytes) still give exactly nblock bytes", () => {
    const block = Array.from(randomBytes(70_000, 12));
    const { last, origPtr } = naiveBwt(block);
    for (const [damage, ptr] of [
      ["origPtr + 1", (origPtr + 1) % block.length],
      ["a byte changed", origPtr],
    ] as const) {
      const column = last.slice();
      if (damage === "a byte changed") column[1234] = (column[1234]! + 1) & 0xff;
      const { tt, counts } = ttOf(column);
      const bwt = new InverseBwt();
      bwt.run(tt, block.length, ptr, counts);
      expect([damage, read(bwt).bytes.length]).toEqual([damage, block.length]);
    }
  });
});
