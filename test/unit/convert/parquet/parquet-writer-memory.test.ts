/**
 * The writer keeps only footer metadata between row groups: writing 50 row groups of 131,072 rows
 * x 7 columns (~5 MiB of values each) into a sink that discards the bytes must not grow RSS
 * (after a GC) by more than 64 MiB after warm-up; retained pages or chunks would add ~100 MiB.
 * The peak between GCs is bounded more loosely: it includes compressed pages that are already
 * garbage but not yet collected (measured ~40 MiB above the start).
 */

import { expect, test } from "bun:test";
import type { ColumnChunk, ColumnSpec } from "../../../../src/convert/column-types.ts";
import { ParquetWriter } from "../../../../src/convert/parquet/parquet-writer.ts";

const ROWS = 131_072;
const MiB = 1024 * 1024;

function makeRowGroup(): ColumnChunk[] {
  const noNulls = new Uint8Array(ROWS);
  const someNulls = Uint8Array.from({ length: ROWS }, (_, i) => (i % 10 === 3 ? 1 : 0));
  const strings = new TextEncoder().encode(Array.from({ length: ROWS }, (_, i) => `s${(i * 7919) % 100_000}`.padEnd(8, "x")).join(""));
  const offsets = Int32Array.from({ length: ROWS + 1 }, (_, i) => i * 8);
  return [
    { type: "INT64", rows: ROWS, nulls: noNulls, values: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i) * 977n) },
    { type: "DOUBLE", rows: ROWS, nulls: noNulls, values: Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i) * 1e9) },
    { type: "STRING", rows: ROWS, nulls: noNulls, data: strings, offsets },
    { type: "TIMESTAMP_UTC", rows: ROWS, nulls: noNulls, values: BigInt64Array.from({ length: ROWS }, (_, i) => 1_700_000_000_000_000n + BigInt(i) * 1013n) },
    { type: "BOOLEAN", rows: ROWS, nulls: noNulls, values: Uint8Array.from({ length: ROWS }, (_, i) => i & 1) },
    { type: "INT64", rows: ROWS, nulls: someNulls, values: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt((i * 2654435761) % 1_000_000)) },
    { type: "DATE", rows: ROWS, nulls: noNulls, values: Int32Array.from({ length: ROWS }, (_, i) => 18_000 + (i % 400)) },
  ];
}

const SCHEMA: ColumnSpec[] = ["id", "amount", "code", "at", "flag", "maybe", "day"].map((name, c) => ({
  name,
  type: (["INT64", "DOUBLE", "STRING", "TIMESTAMP_UTC", "BOOLEAN", "INT64", "DATE"] as const)[c]!,
}));

function rssAfterGc(): number {
  Bun.gc(true);
  return process.memoryUsage().rss;
}

test("RSS stays bounded over 50 row groups into a discarding sink", async () => {
  const group = makeRowGroup();
  let received = 0;
  const writer = new ParquetWriter({
    schema: SCHEMA,
    compression: "ZSTD",
    keyValueMetadata: {},
    write: async (chunk) => {
      received += chunk.length;
    },
  });
  for (let g = 0; g < 3; g++) await writer.writeRowGroup(group); // warm-up: scratch buffers reach their size
  const before = rssAfterGc();
  let peak = before;
  for (let g = 3; g < 50; g++) {
    await writer.writeRowGroup(group);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  await writer.finish();
  const after = rssAfterGc();
  console.log(`rss before ${(before / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, after ${(after / MiB).toFixed(1)} MiB, ${(received / MiB).toFixed(1)} MiB written`);
  expect(writer.rowsWritten).toBe(50 * ROWS);
  expect(received).toBe(writer.bytesWritten);
  expect(after - before).toBeLessThan(64 * MiB);
  expect(peak - before).toBeLessThan(128 * MiB);
}, 60_000);
