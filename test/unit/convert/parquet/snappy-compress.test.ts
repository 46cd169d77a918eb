/**
 * The Snappy block compressor against hyparquet's decompressor: boundary sizes around the input
 * margin and the 64 KiB fragments, incompressible, repetitive and text data.
 */

import { describe, expect, test } from "bun:test";
import { snappyUncompress } from "hyparquet";
import { maxCompressedLength, snappyCompress } from "../../../../src/convert/parquet/snappy-compress.ts";

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

function roundTrip(input: Uint8Array): Uint8Array {
  const compressed = snappyCompress(input);
  expect(compressed.length).toBeLessThanOrEqual(maxCompressedLength(input.length));
  const output = new Uint8Array(input.length);
  snappyUncompress(compressed, output);
  expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
  return compressed;
}

describe("snappyCompress", () => {
  test("round-trips small and boundary sizes", () => {
    const next = random(3);
    for (const size of [0, 1, 2, 3, 4, 5, 14, 15, 16, 17, 60, 61, 255, 256, 257, 65535, 65536, 65537, 131072, 200_001]) {
      roundTrip(Uint8Array.from({ length: size }, () => Math.floor(next() * 256)));
      roundTrip(Uint8Array.from({ length: size }, (_, i) => i % 13));
    }
  });

  test("compresses repetitive data well, including copies longer than 64 bytes", () => {
    const zeros = roundTrip(new Uint8Array(1 << 20));
    expect(zeros.length).toBeLessThan(60_000);
    const pattern = roundTrip(Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));
    expect(pattern.length).toBeLessThan(30_000);
  });

  test("round-trips text and mixed literal/copy data", () => {
    const next = random(5);
    const text = new TextEncoder().encode(
      Array.from({ length: 20_000 }, (_, i) => `row ${i}, city ${["Zürich", "東京", "Lyon"][i % 3]}, ${next().toFixed(6)}`).join("\n"),
    );
    const compressed = roundTrip(text);
    expect(compressed.length).toBeLessThan(text.length * 0.7);
    const mixed = new Uint8Array(500_000);
    for (let i = 0; i < mixed.length; i++) mixed[i] = next() < 0.5 ? Math.floor(next() * 256) : mixed[Math.max(0, i - 1 - Math.floor(next() * 5000))]!;
    roundTrip(mixed);
  });
});
