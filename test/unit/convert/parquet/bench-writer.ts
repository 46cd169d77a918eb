/**
 * Benchmark for the streaming Parquet writer (not a test): 1,000,000 rows x 7 columns (int64 id,
 * double, ~8-char string with ~1000 distinct values, UTC timestamp, boolean, int64 with 10% nulls,
 * date) in row groups of 131,072 rows, into a sink that only counts bytes. Data generation is
 * outside the timed part. Prints time and size per codec/level; run with
 *   bun test/unit/convert/parquet/bench-writer.ts [rows]
 */

import type { ColumnChunk, ColumnSpec, Compression } from "../../../../src/convert/column-types.ts";
import { ParquetWriter } from "../../../../src/convert/parquet/parquet-writer.ts";

const TOTAL_ROWS = Number(process.argv[2] ?? 1_000_000);
const ROW_GROUP_ROWS = 131_072;
const RUNS = 3;

const schema: ColumnSpec[] = [
  { name: "id", type: "INT64" },
  { name: "amount", type: "DOUBLE" },
  { name: "category", type: "STRING" },
  { name: "at", type: "TIMESTAMP_UTC" },
  { name: "flag", type: "BOOLEAN" },
  { name: "maybe", type: "INT64" },
  { name: "day", type: "DATE" },
];

/** Deterministic xorshift so runs are comparable. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

function makeRowGroup(firstRow: number, rows: number, next: () => number): ColumnChunk[] {
  const noNulls = new Uint8Array(rows);
  const id = new BigInt64Array(rows);
  const amount = new Float64Array(rows);
  const at = new BigInt64Array(rows);
  const flag = new Uint8Array(rows);
  const maybe = new BigInt64Array(rows);
  const maybeNulls = new Uint8Array(rows);
  const day = new Int32Array(rows);
  const encoder = new TextEncoder();
  const categories = Array.from({ length: 1000 }, (_, k) => encoder.encode(`cat${String(k).padStart(5, "0")}`));
  const data = new Uint8Array(rows * 8);
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    const row = firstRow + i;
    id[i] = BigInt(row);
    amount[i] = Math.round(next() * 1e6) / 100;
    at[i] = 1_700_000_000_000_000n + BigInt(row) * 1_000_003n;
    flag[i] = next() < 0.5 ? 1 : 0;
    if (next() < 0.1) maybeNulls[i] = 1;
    else maybe[i] = BigInt(Math.floor(next() * 1e12));
    day[i] = 19_000 + Math.floor(next() * 365);
    const category = categories[Math.floor(next() * categories.length)]!;
    data.set(category, offsets[i]!);
    offsets[i + 1] = offsets[i]! + category.length;
  }
  return [
    { type: "INT64", rows, nulls: noNulls, values: id },
    { type: "DOUBLE", rows, nulls: noNulls, values: amount },
    { type: "STRING", rows, nulls: noNulls, data, offsets },
    { type: "TIMESTAMP_UTC", rows, nulls: noNulls, values: at },
    { type: "BOOLEAN", rows, nulls: noNulls, values: flag },
    { type: "INT64", rows, nulls: maybeNulls, values: maybe },
    { type: "DATE", rows, nulls: noNulls, values: day },
  ];
}

async function writeAll(rowGroups: ColumnChunk[][], compression: Compression, zstdLevel?: number): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  const writer = new ParquetWriter({
    schema,
    compression,
    zstdLevel,
    keyValueMetadata: { source: "bench" },
    write: async (chunk) => {
      bytes += chunk.length;
    },
  });
  const started = performance.now();
  for (const group of rowGroups) await writer.writeRowGroup(group);
  await writer.finish();
  return { ms: performance.now() - started, bytes };
}

const next = random(42);
const rowGroups: ColumnChunk[][] = [];
for (let first = 0; first < TOTAL_ROWS; first += ROW_GROUP_ROWS) {
  rowGroups.push(makeRowGroup(first, Math.min(ROW_GROUP_ROWS, TOTAL_ROWS - first), next));
}
console.log(`${TOTAL_ROWS} rows x ${schema.length} columns, ${rowGroups.length} row groups, ${RUNS} runs each`);
for (const [compression, level] of [["ZSTD", 1], ["ZSTD", 3], ["SNAPPY", undefined]] as const) {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const result = await writeAll(rowGroups, compression, level);
    times.push(result.ms);
    bytes = result.bytes;
  }
  const label = level === undefined ? compression : `${compression} level ${level}`;
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`${label.padEnd(14)} first ${fmt(times[0]!)}, best ${fmt(Math.min(...times))}, size ${(bytes / 1048576).toFixed(2)} MiB`);
}
