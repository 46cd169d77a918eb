/**
 * Round trips through two independent readers (hyparquet and DuckDB): every value written must
 * come back exactly, for every column type, null pattern, codec and encoding path.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnType, Compression } from "../../../../src/convert/column-types.ts";
import type { Cell, TestColumn } from "./parquet-test-support.ts";
import { DuckReader, expectRowsEqual, readWithHyparquet, writeTable } from "./parquet-test-support.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Edge values per type, 12 rows, with nulls in the middle and at both ends. */
const EDGE_COLUMNS: TestColumn[] = [
  { name: "flag", type: "BOOLEAN", cells: [null, true, false, true, true, null, false, false, true, false, true, null] },
  { name: "count", type: "INT64", cells: [null, 0n, 1n, -1n, INT64_MIN, INT64_MAX, null, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 42n, 4294967296n, null] },
  { name: "amount", type: "DOUBLE", cells: [null, 0, -0, NaN, Infinity, -Infinity, null, 1.5, Number.MIN_VALUE, Number.MAX_VALUE, -1e-300, null] },
  { name: "day", type: "DATE", cells: [null, 0, -1, -719162, 2932896, 19000, null, 1, -25567, 11016, 20000, null] },
  {
    name: "at_utc",
    type: "TIMESTAMP_UTC",
    cells: [null, 0n, -1n, 1n, 1700000000123456n, -62135596800000000n, null, 253402300799999999n, 999999n, -86400000001n, 1234567n, null],
  },
  {
    name: "at_local",
    type: "TIMESTAMP_LOCAL",
    cells: [null, 0n, -1n, 1n, 1700000000123456n, -62135596800000000n, null, 253402300799999999n, 999999n, -86400000001n, 1234567n, null],
  },
  {
    name: "text",
    type: "STRING",
    cells: [null, "", "a", "héllo wörld", "日本語テキスト", "emoji 😀🎉", null, "tab\tand\nnewline", "nul\u0000inside", "x".repeat(1000), "", null],
  },
  {
    name: "doc",
    type: "JSON",
    cells: [null, '{"a":1}', "[1,2,3]", '"str"', "123", "null", null, '{"nested":{"u":"é😀"}}', "[]", "{}", "true", null],
  },
];

let dir: string;
let duck: DuckReader;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dsp-parquet-roundtrip-"));
  duck = await DuckReader.open();
});

afterAll(() => {
  duck.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectRoundTrip(name: string, columns: TestColumn[], options: Parameters<typeof writeTable>[2] = {}): Promise<Uint8Array> {
  const path = join(dir, `${name}.parquet`);
  const bytes = await writeTable(path, columns, options);
  expectRowsEqual(await readWithHyparquet(bytes), columns, "hyparquet");
  expectRowsEqual(await duck.rows(path), columns, "duckdb");
  return bytes;
}

describe("ParquetWriter round trip", () => {
  for (const compression of ["ZSTD", "SNAPPY"] as Compression[]) {
    test(`every type with edge values, ${compression}`, async () => {
      await expectRoundTrip(`edges-${compression}`, EDGE_COLUMNS, { compression });
    });
  }

  test("null patterns per type: none, all, alternating, leading and trailing runs", async () => {
    const patterns: Record<string, (i: number) => boolean> = {
      none: () => false,
      all: () => true,
      alternating: (i) => i % 2 === 0,
      runs: (i) => i < 20 || i >= 180 || (i >= 90 && i < 110),
    };
    const rows = 200;
    const columns: TestColumn[] = [];
    for (const base of EDGE_COLUMNS) {
      const nonNull = base.cells.filter((c) => c !== null);
      for (const [pattern, isNull] of Object.entries(patterns)) {
        const cells = Array.from({ length: rows }, (_, i) => (isNull(i) ? null : nonNull[(i * 7) % nonNull.length]!));
        columns.push({ name: `${base.name}_${pattern}`, type: base.type, cells });
      }
    }
    await expectRoundTrip("null-patterns", columns);
  });

  test("empty strings stay empty strings, distinct from nulls, on the dictionary and the PLAIN path", async () => {
    const lowCardinality: Cell[] = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? "" : i % 3 === 1 ? null : "x"));
    const unique: Cell[] = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? "" : i % 3 === 1 ? null : `v${i}`));
    await expectRoundTrip("empty-strings", [
      { name: "dict", type: "STRING", cells: lowCardinality },
      { name: "plain", type: "STRING", cells: unique },
      { name: "json", type: "JSON", cells: lowCardinality.map((c) => (c === "x" ? "{}" : c === "" ? '""' : c)) },
    ]);
  });

  test("several row groups with many pages each, high and low cardinality, both codecs", async () => {
    const rows = 5000;
    const columns: TestColumn[] = [
      { name: "id", type: "INT64", cells: Array.from({ length: rows }, (_, i) => BigInt(i) * 1_000_003n - 7n) },
      { name: "status", type: "INT64", cells: Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? null : BigInt(i % 5))) },
      { name: "ratio", type: "DOUBLE", cells: Array.from({ length: rows }, (_, i) => (i % 13 === 0 ? null : Math.sin(i) * 1e6)) },
      { name: "level", type: "DOUBLE", cells: Array.from({ length: rows }, (_, i) => [0.5, -0, 2.25, NaN][i % 4]!) },
      { name: "day", type: "DATE", cells: Array.from({ length: rows }, (_, i) => (i % 17 === 0 ? null : 18000 + (i % 30))) },
      { name: "at", type: "TIMESTAMP_UTC", cells: Array.from({ length: rows }, (_, i) => 1_600_000_000_000_000n + BigInt(i) * 1_000_001n) },
      { name: "flag", type: "BOOLEAN", cells: Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : i % 3 === 0)) },
      { name: "city", type: "STRING", cells: Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? null : `city-${i % 40}-ü`)) },
      { name: "uuid", type: "STRING", cells: Array.from({ length: rows }, (_, i) => `id-${i.toString(36)}-${"z".repeat(i % 50)}`) },
      { name: "payload", type: "JSON", cells: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : JSON.stringify({ i, s: "é".repeat(i % 4) }))) },
    ];
    for (const compression of ["ZSTD", "SNAPPY"] as Compression[]) {
      // 1,300-row groups leave a short last one; 512-byte pages make dozens of pages per chunk.
      await expectRoundTrip(`multi-${compression}`, columns, { compression, rowGroupRows: 1300, pageSizeBytes: 512 });
    }
  });

  test("a dictionary larger than the dictionary page limit falls back to PLAIN and still round-trips", async () => {
    const rows = 2000;
    const columns: TestColumn[] = [
      { name: "s", type: "STRING", cells: Array.from({ length: rows }, (_, i) => `value-${i % 300}-${"p".repeat(20)}`) },
      { name: "n", type: "INT64", cells: Array.from({ length: rows }, (_, i) => BigInt(i % 300) * 3n) },
    ];
    await expectRoundTrip("dictionary-limit", columns, { dictionaryPageSizeBytes: 1024 });
  });

  test("one row, one column of each type", async () => {
    const columns = EDGE_COLUMNS.map((c) => ({ ...c, cells: [c.cells[3]!] }));
    await expectRoundTrip("one-row", columns);
  });

  test("a file without row groups is valid and empty", async () => {
    const path = join(dir, "empty.parquet");
    const columns = EDGE_COLUMNS.map((c) => ({ ...c, cells: [] }));
    const bytes = await writeTable(path, columns, { keyValueMetadata: { rows: "none" } });
    expect(await readWithHyparquet(bytes)).toEqual([]);
    expect(await duck.rows(path)).toEqual([]);
    expect(Object.keys(await duck.types(path))).toEqual(columns.map((c) => c.name));
  });

  test("DuckDB reports the logical type of every column", async () => {
    const path = join(dir, "types.parquet");
    await writeTable(path, EDGE_COLUMNS);
    const expected: Record<ColumnType, string> = {
      BOOLEAN: "BOOLEAN",
      INT64: "BIGINT",
      DOUBLE: "DOUBLE",
      DATE: "DATE",
      TIMESTAMP_UTC: "TIMESTAMP WITH TIME ZONE",
      TIMESTAMP_LOCAL: "TIMESTAMP",
      STRING: "VARCHAR",
      JSON: "JSON",
    };
    expect(await duck.types(path)).toEqual(Object.fromEntries(EDGE_COLUMNS.map((c) => [c.name, expected[c.type]])));
  });
});
