/**
 * Helpers for the Parquet writer tests: build ColumnChunks from plain JS cells, write a table
 * through ParquetWriter into a file, and read it back with hyparquet and with DuckDB into the same
 * normalized cells (BOOLEAN boolean, INT64 bigint, DOUBLE number, DATE days since epoch as number,
 * TIMESTAMP_* microseconds as bigint, STRING/JSON text as string, null for null), so tests can
 * compare every value exactly (Object.is: -0 and NaN included).
 */

import { DuckDBConnection, DuckDBDateValue, DuckDBInstance, DuckDBTimestampTZValue, DuckDBTimestampValue } from "@duckdb/node-api";
import { expect } from "bun:test";
import { parquetReadObjects } from "hyparquet";
import type { ColumnChunk, ColumnSpec, ColumnType, Compression } from "../../../../src/convert/column-types.ts";
import { ParquetWriter } from "../../../../src/convert/parquet/parquet-writer.ts";

export type Cell = boolean | bigint | number | string | null;

export interface TestColumn {
  name: string;
  type: ColumnType;
  cells: Cell[];
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function columnChunk(type: ColumnType, cells: readonly Cell[]): ColumnChunk {
  const rows = cells.length;
  const nulls = Uint8Array.from(cells, (c) => (c === null ? 1 : 0));
  switch (type) {
    case "BOOLEAN":
      return { type, rows, nulls, values: Uint8Array.from(cells, (c) => (c === true ? 1 : 0)) };
    case "INT64":
    case "TIMESTAMP_UTC":
    case "TIMESTAMP_LOCAL":
      return { type, rows, nulls, values: BigInt64Array.from(cells, (c) => (c === null ? 0n : (c as bigint))) };
    case "DOUBLE":
      return { type, rows, nulls, values: Float64Array.from(cells, (c) => (c === null ? 0 : (c as number))) };
    case "DATE":
      return { type, rows, nulls, values: Int32Array.from(cells, (c) => (c === null ? 0 : (c as number))) };
    case "STRING":
    case "JSON": {
      const encoded = cells.map((c) => utf8Encoder.encode(c === null ? "" : (c as string)));
      const offsets = new Int32Array(rows + 1);
      for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length;
      const data = new Uint8Array(offsets[rows]!);
      encoded.forEach((bytes, i) => data.set(bytes, offsets[i]!));
      return { type, rows, nulls, data, offsets };
    }
  }
}

export interface WriteTableOptions {
  rowGroupRows?: number;
  compression?: Compression;
  pageSizeBytes?: number;
  dictionaryPageSizeBytes?: number;
  keyValueMetadata?: Record<string, string>;
  createdBy?: string;
}

/** Writes `columns` (all the same length) to `path` in row groups; returns the file's bytes. */
export async function writeTable(path: string, columns: TestColumn[], options: WriteTableOptions = {}): Promise<Uint8Array> {
  const rows = columns[0]?.cells.length ?? 0;
  const rowGroupRows = options.rowGroupRows ?? Math.max(rows, 1);
  const schema: ColumnSpec[] = columns.map(({ name, type }) => ({ name, type }));
  const parts: Uint8Array[] = [];
  const writer = new ParquetWriter({
    schema,
    compression: options.compression ?? "ZSTD",
    keyValueMetadata: options.keyValueMetadata ?? {},
    createdBy: options.createdBy,
    pageSizeBytes: options.pageSizeBytes,
    dictionaryPageSizeBytes: options.dictionaryPageSizeBytes,
    write: async (chunk) => {
      parts.push(chunk);
    },
  });
  for (let start = 0; start < rows; start += rowGroupRows) {
    const end = Math.min(rows, start + rowGroupRows);
    await writer.writeRowGroup(columns.map((c) => columnChunk(c.type, c.cells.slice(start, end))));
  }
  await writer.finish();
  const bytes = new Uint8Array(Buffer.concat(parts));
  expect(writer.bytesWritten).toBe(bytes.length);
  await Bun.write(path, bytes);
  return bytes;
}

export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** All rows via hyparquet, with raw parsers so nothing is rounded (timestamps stay microseconds). */
export async function readWithHyparquet(bytes: Uint8Array): Promise<Record<string, Cell>[]> {
  const rows = await parquetReadObjects({
    file: arrayBufferOf(bytes),
    compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(Bun.zstdDecompressSync(input)) },
    parsers: {
      timestampFromMicroseconds: (micros: bigint) => micros,
      dateFromDays: (days: number) => days,
      jsonFromBytes: (b: Uint8Array) => utf8Decoder.decode(b),
    },
  });
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === undefined ? null : (v as Cell)])));
}

/** One in-memory DuckDB per test file; `close()` in afterAll. */
export class DuckReader {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckReader> {
    const instance = await DuckDBInstance.create(":memory:");
    return new DuckReader(instance, await instance.connect());
  }

  async rows(path: string): Promise<Record<string, Cell>[]> {
    const result = await this.connection.runAndReadAll(`select * from read_parquet('${path}')`);
    return result.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normalizeDuckValue(v)])));
  }

  /** Column name to DuckDB type name, as DESCRIBE reports it. */
  async types(path: string): Promise<Record<string, string>> {
    const result = await this.connection.runAndReadAll(`describe select * from read_parquet('${path}')`);
    return Object.fromEntries(result.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function normalizeDuckValue(value: unknown): Cell {
  if (value instanceof DuckDBDateValue) return value.days;
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return value.micros;
  if (value === null || typeof value === "boolean" || typeof value === "bigint" || typeof value === "number" || typeof value === "string") {
    return value;
  }
  throw new Error(`unexpected DuckDB value ${String(value)}`);
}

/** Expects `actual` rows to equal the table, cell by cell, with Object.is semantics. */
export function expectRowsEqual(actual: Record<string, Cell>[], columns: TestColumn[], reader: string): void {
  const rows = columns[0]?.cells.length ?? 0;
  expect(actual.length).toBe(rows);
  for (const column of columns) {
    for (let i = 0; i < rows; i++) {
      const got = actual[i]![column.name];
      const want = column.cells[i];
      if (!Object.is(got, want)) {
        throw new Error(`${reader}: column "${column.name}" row ${i}: got ${describe(got)}, want ${describe(want)}`);
      }
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
