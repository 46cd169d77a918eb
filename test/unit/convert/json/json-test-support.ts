/**
 * Helpers for the JSON converter tests: run convertJson / convertJsonl over text or bytes fed in
 * chunks of a chosen size, collect the Parquet bytes, and read them back with DuckDB into plain
 * cells (BIGINT bigint, DOUBLE number, DATE days, TIMESTAMP micros, text string, null); restart
 * on WidenNeeded with the overrides, as the pipeline does (src/pipeline/table-upload.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { convertJson, convertJsonl } from "../../../../src/convert/json/json-to-parquet.ts";
import { ConversionError, WidenNeeded, type TableConvertResult } from "../../../../src/convert/table-converter.ts";
import { DuckReader, type Cell } from "../parquet/parquet-test-support.ts";

export type { Cell };

// Made on first use. Bun runs the test files of one invocation in one process and loads this
// module once, so an afterAll here would belong to the first file only: each test file registers
// afterAll(cleanUp) itself, and the next file makes a new folder.
let dir: string | undefined;
let reader: DuckReader | undefined;
let files = 0;

/** Removes the scratch folder and closes DuckDB: every test file using these helpers calls it in afterAll. */
export function cleanUp(): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  const r = reader;
  reader = undefined;
  r?.close();
}

/** A path in the scratch folder. */
export function scratchPath(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), "dsp-json-test-"));
  return join(dir, `${files++}-${name}`);
}

export interface ConvertOptions {
  /** .jsonl (default) or .json. */
  json?: boolean;
  /** Bytes per pushed chunk (default: everything in one chunk). */
  chunk?: number;
  overrides?: Map<string, ColumnType>;
  rowGroupBytes?: number;
  parallelEncoding?: boolean;
}

export interface Converted {
  result: TableConvertResult;
  parquet: Uint8Array;
}

export function bytesOf(input: string | Uint8Array): Uint8Array {
  return typeof input === "string" ? new TextEncoder().encode(input) : input;
}

/** One conversion attempt (WidenNeeded and ConversionError are thrown as they come). */
export async function convertOnce(input: string | Uint8Array, options: ConvertOptions = {}): Promise<Converted> {
  const bytes = bytesOf(input);
  const chunk = Math.max(1, options.chunk ?? bytes.length);
  async function* source() {
    // A reused buffer, like the pipeline's reader: the converter must copy what it keeps.
    const buffer = new Uint8Array(chunk);
    for (let at = 0; at < bytes.length; at += chunk) {
      const n = Math.min(chunk, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n));
      yield buffer.subarray(0, n);
    }
  }
  const parts: Uint8Array[] = [];
  const convert = options.json ? convertJson : convertJsonl;
  const result = await convert(source(), async (c) => void parts.push(c.slice()), {
    name: options.json ? "t.json" : "t.jsonl",
    compression: "ZSTD",
    rowGroupBytes: options.rowGroupBytes ?? 1 << 20,
    keyValueMetadata: {},
    typeOverrides: options.overrides,
    parallelEncoding: options.parallelEncoding,
  });
  return { result, parquet: new Uint8Array(Buffer.concat(parts)) };
}

export interface Restarted extends Converted {
  widenings: WidenNeeded[];
}

/** Converts, restarting with the widened type or the new column after each WidenNeeded. */
export async function convertWithRestarts(input: string | Uint8Array, options: ConvertOptions = {}): Promise<Restarted> {
  const overrides = new Map(options.overrides ?? []);
  const widenings: WidenNeeded[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return { ...(await convertOnce(input, { ...options, overrides })), widenings };
    } catch (err) {
      if (!(err instanceof WidenNeeded)) throw err;
      widenings.push(err);
      overrides.set(err.columnName, err.to);
    }
  }
  throw new Error("more than 50 restarts");
}

/** The ConversionError a conversion throws (fails the test if it throws nothing or something else). */
export async function conversionError(input: string | Uint8Array, options: ConvertOptions = {}): Promise<ConversionError> {
  try {
    await convertOnce(input, options);
  } catch (err) {
    if (err instanceof ConversionError) return err;
    throw err;
  }
  throw new Error("expected a ConversionError, the conversion succeeded");
}

export interface Table {
  columns: { name: string; type: ColumnType }[];
  /** DuckDB's type name of each column, as DESCRIBE says. */
  duckTypes: Record<string, string>;
  rows: Record<string, Cell>[];
}

/** Writes the Parquet bytes to a file and reads them back with DuckDB. */
export async function readParquet(parquet: Uint8Array): Promise<Omit<Table, "columns">> {
  const path = scratchPath("t.parquet");
  writeFileSync(path, parquet);
  reader ??= await DuckReader.open();
  return { duckTypes: await reader.types(path), rows: await reader.rows(path) };
}

/** Converts (with restarts) and reads the table back. */
export async function table(input: string | Uint8Array, options: ConvertOptions = {}): Promise<Table & { result: TableConvertResult; widenings: WidenNeeded[] }> {
  const converted = await convertWithRestarts(input, options);
  return { columns: converted.result.columns, ...(await readParquet(converted.parquet)), result: converted.result, widenings: converted.widenings };
}

/** Column name → type. */
export function typesOf(t: { columns: { name: string; type: ColumnType }[] }): Record<string, ColumnType> {
  return Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
}

/** The values of one column, row by row. */
export function column(t: Table, name: string): Cell[] {
  return t.rows.map((r) => r[name] ?? null);
}

/** Shared DuckDB connection for SQL over files (differential tests). */
export async function duckQuery(sql: string): Promise<Record<string, unknown>[]> {
  reader ??= await DuckReader.open();
  return reader.query(sql);
}

/** Days since 1970-01-01 of an ISO date. */
export function days(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
}

/** Microseconds since the epoch of an ISO timestamp (Date's millisecond part plus extra digits). */
export function micros(iso: string, extraMicros = 0): bigint {
  return BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros);
}
