/**
 * The file's structure, checked independently of our own bookkeeping: page headers are walked
 * with hyparquet's thrift reader and must agree with the footer's offsets and sizes; encodings,
 * dictionary choices, statistics, schema annotations and key-value metadata are read back by
 * hyparquet and DuckDB; DuckDB filters (which prune with our statistics) must still find rows.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileMetaData, Statistics } from "hyparquet";
import { parquetMetadata } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import type { TestColumn } from "./parquet-test-support.ts";
import { arrayBufferOf, DuckReader, writeTable } from "./parquet-test-support.ts";

let dir: string;
let duck: DuckReader;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dsp-parquet-structure-"));
  duck = await DuckReader.open();
});

afterAll(() => {
  duck.close();
  rmSync(dir, { recursive: true, force: true });
});

const RAW_PARSERS = {
  timestampFromMicroseconds: (micros: bigint) => micros,
  dateFromDays: (days: number) => days,
};

interface PageSummary {
  type: string;
  encoding: string | undefined;
  values: number;
}

/** Walks every page of every column chunk; checks offsets and sizes against the footer. */
function walkPages(bytes: Uint8Array, metadata: FileMetaData): PageSummary[][][] {
  const view = new DataView(arrayBufferOf(bytes));
  let expectedNextChunk = 4; // right after "PAR1"
  return metadata.row_groups.map((rowGroup) => {
    expect(Number(rowGroup.file_offset)).toBe(expectedNextChunk);
    let rowGroupCompressed = 0;
    const chunks = rowGroup.columns.map((column) => {
      const meta = column.meta_data!;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      expect(start).toBe(expectedNextChunk);
      const end = start + Number(meta.total_compressed_size);
      const reader = { view, offset: start };
      const pages: PageSummary[] = [];
      let uncompressed = 0;
      while (reader.offset < end) {
        const headerStart = reader.offset;
        const header = parquetHeader(reader);
        if (pages.length === 1 && pages[0]!.type === "DICTIONARY_PAGE") expect(headerStart).toBe(Number(meta.data_page_offset));
        uncompressed += reader.offset - headerStart + header.uncompressed_page_size;
        reader.offset += header.compressed_page_size;
        const dataHeader = header.data_page_header ?? header.dictionary_page_header;
        pages.push({ type: header.type, encoding: dataHeader?.encoding, values: dataHeader?.num_values ?? -1 });
      }
      expect(reader.offset).toBe(end);
      expect(uncompressed).toBe(Number(meta.total_uncompressed_size));
      const dataValues = pages.filter((p) => p.type === "DATA_PAGE").reduce((sum, p) => sum + p.values, 0);
      expect(dataValues).toBe(Number(meta.num_values));
      expect(Number(meta.num_values)).toBe(Number(rowGroup.num_rows));
      expectedNextChunk = end;
      rowGroupCompressed += Number(meta.total_compressed_size);
      return pages;
    });
    expect(Number(rowGroup.total_compressed_size)).toBe(rowGroupCompressed);
    return chunks;
  });
}

describe("ParquetWriter file structure", () => {
  test("pages, offsets and sizes agree with the footer; dictionary only where it pays", async () => {
    const rows = 3000;
    const columns: TestColumn[] = [
      { name: "low_string", type: "STRING", cells: Array.from({ length: rows }, (_, i) => `c${i % 20}`) },
      { name: "unique_string", type: "STRING", cells: Array.from({ length: rows }, (_, i) => `u${i}`) },
      { name: "low_int", type: "INT64", cells: Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : BigInt(i % 7))) },
      { name: "unique_int", type: "INT64", cells: Array.from({ length: rows }, (_, i) => BigInt(i)) },
      { name: "low_double", type: "DOUBLE", cells: Array.from({ length: rows }, (_, i) => (i % 3) * 0.5) },
      { name: "low_date", type: "DATE", cells: Array.from({ length: rows }, (_, i) => 19000 + (i % 12)) },
      { name: "flag", type: "BOOLEAN", cells: Array.from({ length: rows }, (_, i) => i % 2 === 0) },
      { name: "all_null", type: "STRING", cells: Array.from({ length: rows }, () => null) },
    ];
    const path = join(dir, "structure.parquet");
    const bytes = await writeTable(path, columns, { rowGroupRows: 1000, pageSizeBytes: 1024 });
    const metadata = parquetMetadata(arrayBufferOf(bytes));
    expect(metadata.row_groups.length).toBe(3);
    const pages = walkPages(bytes, metadata);

    const dictionaryColumns = new Set(["low_string", "low_int", "low_double", "low_date"]);
    for (const rowGroupPages of pages) {
      rowGroupPages.forEach((chunkPages, c) => {
        const name = columns[c]!.name;
        const dataPages = chunkPages.filter((p) => p.type === "DATA_PAGE");
        if (dictionaryColumns.has(name)) {
          expect(chunkPages[0]!.type).toBe("DICTIONARY_PAGE");
          expect(chunkPages[0]!.encoding).toBe("PLAIN");
          expect(new Set(dataPages.map((p) => p.encoding))).toEqual(new Set(["RLE_DICTIONARY"]));
        } else {
          expect(chunkPages.some((p) => p.type === "DICTIONARY_PAGE")).toBe(false);
          expect(new Set(dataPages.map((p) => p.encoding))).toEqual(new Set(["PLAIN"]));
        }
        // 1 KiB pages: 1,000 plain int64 or unique strings need several.
        if (name === "unique_int" || name === "unique_string") expect(dataPages.length).toBeGreaterThan(4);
      });
    }
    const encodings = await duck.query(`select path_in_schema, encodings from parquet_metadata('${path}') where row_group_id = 0`);
    expect(Object.fromEntries(encodings.map((r) => [r.path_in_schema, r.encodings]))).toEqual({
      low_string: "PLAIN, RLE, RLE_DICTIONARY",
      unique_string: "PLAIN, RLE",
      low_int: "PLAIN, RLE, RLE_DICTIONARY",
      unique_int: "PLAIN, RLE",
      low_double: "PLAIN, RLE, RLE_DICTIONARY",
      low_date: "PLAIN, RLE, RLE_DICTIONARY",
      flag: "PLAIN, RLE",
      all_null: "PLAIN, RLE",
    });
  });

  test("statistics: null counts and exact min/max per type; long strings and all-NaN omit bounds", async () => {
    const columns: TestColumn[] = [
      { name: "i", type: "INT64", cells: [5n, null, -(2n ** 63n), 2n ** 63n - 1n, 0n] },
      { name: "i_small", type: "INT64", cells: [-3n, 7n, null, -4294967296n, 4294967295n] },
      { name: "d", type: "DOUBLE", cells: [NaN, 0, 2.5, null, -7.25] },
      { name: "d_zero", type: "DOUBLE", cells: [0, -0, null, 0, NaN] },
      { name: "d_nan", type: "DOUBLE", cells: [NaN, null, NaN, NaN, NaN] },
      { name: "day", type: "DATE", cells: [-719162, 0, 2932896, null, -1] },
      { name: "ts", type: "TIMESTAMP_UTC", cells: [null, -1n, 1700000000123456n, 0n, 5n] },
      { name: "b", type: "BOOLEAN", cells: [true, true, null, true, true] },
      { name: "s", type: "STRING", cells: ["b", "", null, "é", "ab"] },
      { name: "s_long", type: "STRING", cells: ["a", "y".repeat(65), null, "b", "c"] },
      { name: "s_null", type: "STRING", cells: [null, null, null, null, null] },
    ];
    const path = join(dir, "stats.parquet");
    const bytes = await writeTable(path, columns);
    const metadata = parquetMetadata(arrayBufferOf(bytes), { parsers: RAW_PARSERS });
    const stats: Record<string, Statistics> = Object.fromEntries(
      metadata.row_groups[0]!.columns.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!.statistics!]),
    );
    const bounds = (name: string) => [stats[name]!.min_value, stats[name]!.max_value];
    expect(bounds("i")).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    expect(bounds("i_small")).toEqual([-4294967296n, 4294967295n]);
    expect(bounds("d")).toEqual([-7.25, 2.5]);
    expect(Object.is(stats.d_zero!.min_value, -0)).toBe(true);
    expect(Object.is(stats.d_zero!.max_value, 0)).toBe(true);
    expect(bounds("d_nan")).toEqual([undefined, undefined]);
    expect(bounds("day")).toEqual([-719162, 2932896]);
    expect(bounds("ts")).toEqual([-1n, 1700000000123456n]);
    expect(bounds("b")).toEqual([true, true]);
    expect(bounds("s")).toEqual(["", "é"]);
    expect(bounds("s_long")).toEqual([undefined, undefined]);
    expect(bounds("s_null")).toEqual([undefined, undefined]);
    const nullCounts = Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, Number(s.null_count)]));
    expect(nullCounts).toEqual({ i: 1, i_small: 1, d: 1, d_zero: 1, d_nan: 1, day: 1, ts: 1, b: 1, s: 1, s_long: 1, s_null: 5 });

    // DuckDB prunes row groups with these statistics: wrong bounds would lose these rows.
    const count = async (where: string) =>
      Number((await duck.query(`select count(*) as n from read_parquet('${path}') where ${where}`))[0]!.n);
    expect(await count("i = -9223372036854775808")).toBe(1);
    expect(await count("i = 9223372036854775807")).toBe(1);
    expect(await count("i_small = -4294967296")).toBe(1);
    expect(await count("d = -7.25")).toBe(1);
    expect(await count("day = DATE '0001-01-01'")).toBe(1);
    expect(await count("ts = make_timestamptz(1700000000123456)")).toBe(1);
    expect(await count("s = 'é'")).toBe(1);
    expect(await count("s = ''")).toBe(1);
    expect(await count("s_null is null")).toBe(5);
  });

  test("schema annotations, key-value metadata and created_by", async () => {
    const path = join(dir, "schema.parquet");
    const columns: TestColumn[] = [
      { name: "b", type: "BOOLEAN", cells: [true] },
      { name: "i", type: "INT64", cells: [1n] },
      { name: "d", type: "DOUBLE", cells: [1] },
      { name: "day", type: "DATE", cells: [1] },
      { name: "utc", type: "TIMESTAMP_UTC", cells: [1n] },
      { name: "local", type: "TIMESTAMP_LOCAL", cells: [1n] },
      { name: "s", type: "STRING", cells: ["s"] },
      { name: "j", type: "JSON", cells: ["{}"] },
    ];
    const keyValueMetadata = { "dsp.source": "in/data.csv", "dsp.note": "unicode ✓", empty: "" };
    const bytes = await writeTable(path, columns, { keyValueMetadata, createdBy: "dsp version 9.9.9 (test)" });
    const metadata = parquetMetadata(arrayBufferOf(bytes));
    expect(metadata.version).toBe(2);
    expect(metadata.created_by).toBe("dsp version 9.9.9 (test)");
    expect(metadata.key_value_metadata).toEqual(Object.entries(keyValueMetadata).map(([key, value]) => ({ key, value })));
    const leaves = metadata.schema.slice(1).map((e) => [e.name, e.type, e.repetition_type, e.converted_type, e.logical_type]);
    expect(leaves).toEqual([
      ["b", "BOOLEAN", "OPTIONAL", undefined, undefined],
      ["i", "INT64", "OPTIONAL", undefined, undefined],
      ["d", "DOUBLE", "OPTIONAL", undefined, undefined],
      ["day", "INT32", "OPTIONAL", "DATE", { type: "DATE" }],
      ["utc", "INT64", "OPTIONAL", "TIMESTAMP_MICROS", { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" }],
      ["local", "INT64", "OPTIONAL", undefined, { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" }],
      ["s", "BYTE_ARRAY", "OPTIONAL", "UTF8", { type: "STRING" }],
      ["j", "BYTE_ARRAY", "OPTIONAL", "JSON", { type: "JSON" }],
    ]);
    const kv = await duck.query(`select decode(key) as key, decode(value) as value from parquet_kv_metadata('${path}')`);
    expect(kv).toEqual(Object.entries(keyValueMetadata).map(([key, value]) => ({ key, value })));
    const [file] = await duck.query(`select created_by, format_version from parquet_file_metadata('${path}')`);
    expect(file).toEqual({ created_by: "dsp version 9.9.9 (test)", format_version: 2n });
  });
});
