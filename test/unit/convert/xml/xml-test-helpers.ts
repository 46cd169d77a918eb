/**
 * Helpers for the XML reader tests:
 *  - events(): tokenizes bytes (whole, or split at given positions) into a readable event list,
 *    or the error (code, line, column), so tests can compare splits and expectations exactly;
 *  - convert(): runs convertXml over bytes in chunks, restarting on WidenNeeded with the overrides
 *    as the pipeline does (table-upload.ts), and returns the result, the Parquet bytes and the
 *    restarts;
 *  - duckRows(): the Parquet read back by DuckDB (JSON-style values: BIGINT as strings, DATE and
 *    TIMESTAMP as text), written to a temporary file first.
 */

import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { ConversionError, type TableConvertResult, WidenNeeded } from "../../../../src/convert/table-converter.ts";
import type { XmlAttributes } from "../../../../src/convert/xml/xml-attributes.ts";
import { XmlError } from "../../../../src/convert/xml/xml-error.ts";
import type { XmlSink } from "../../../../src/convert/xml/xml-scanner.ts";
import { XmlTokenizer } from "../../../../src/convert/xml/xml-tokenizer.ts";
import { convertXml } from "../../../../src/convert/xml/xml-to-parquet.ts";

export const enc = (s: string) => new TextEncoder().encode(s);
const dec = new TextDecoder();

/** Cuts `bytes` at the given positions (sorted, clamped), or into chunks of `size` bytes. */
export function split(bytes: Uint8Array, at: number[] | number): Uint8Array[] {
  if (typeof at === "number") {
    const out: Uint8Array[] = [];
    for (let p = 0; p < bytes.length; p += at) out.push(bytes.slice(p, p + at));
    return out;
  }
  const cuts = [0, ...at.map((p) => Math.max(0, Math.min(bytes.length, p))).sort((a, b) => a - b), bytes.length];
  return cuts.slice(1).map((end, k) => bytes.slice(cuts[k], end));
}

export interface EventsResult {
  events: string[];
  error?: { code: string; line: number; column: number | undefined; message: string };
}

/** Events as text: `<name a="v">` (attributes as given), `</>`, `"text"` (JSON-quoted). */
export function events(input: string | Uint8Array, at: number[] | number = []): EventsResult {
  const bytes = typeof input === "string" ? enc(input) : input;
  const out: string[] = [];
  const sink: XmlSink = {
    open(buf: Uint8Array, s: number, e: number, attrs: XmlAttributes) {
      let t = `<${dec.decode(buf.subarray(s, e))}`;
      for (let k = 0; k < attrs.count; k++) {
        const name = dec.decode(attrs.bytes.subarray(attrs.nameStart[k]!, attrs.nameEnd[k]!));
        const value = dec.decode(attrs.bytes.subarray(attrs.valueStart[k]!, attrs.valueEnd[k]!));
        t += ` ${name}=${JSON.stringify(value)}`;
      }
      out.push(`${t}>`);
    },
    close() {
      out.push("</>");
    },
    text(buf: Uint8Array, s: number, e: number) {
      // Text may arrive in several runs (around comments, CDATA): merge adjacent ones.
      const t = dec.decode(buf.subarray(s, e));
      const last = out.at(-1);
      if (last !== undefined && last.startsWith('"')) out[out.length - 1] = JSON.stringify(JSON.parse(last) + t);
      else out.push(JSON.stringify(t));
    },
  };
  try {
    const tok = new XmlTokenizer(sink);
    for (const chunk of split(bytes, at)) tok.push(chunk);
    tok.end();
    return { events: out };
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    return { events: out, error: { code: err.code, line: err.line, column: err.column, message: err.message } };
  }
}

export interface Converted {
  result: TableConvertResult;
  parquet: Uint8Array;
  /** Every WidenNeeded of the attempts before the successful one. */
  restarts: WidenNeeded[];
}

/** Converts with restarts; `chunks` splits the input (default: 64 KiB chunks). */
export async function convert(
  input: string | Uint8Array,
  options: { chunks?: number[] | number; rowGroupBytes?: number; overrides?: Map<string, ColumnType> } = {},
): Promise<Converted> {
  const bytes = typeof input === "string" ? enc(input) : input;
  const overrides = options.overrides ?? new Map<string, ColumnType>();
  const restarts: WidenNeeded[] = [];
  for (let attempt = 0; attempt < 64; attempt++) {
    const parts: Uint8Array[] = [];
    async function* source() {
      for (const c of split(bytes, options.chunks ?? 64 * 1024)) yield c;
    }
    try {
      const result = await convertXml(source(), async (c) => void parts.push(c.slice()), {
        name: "test.xml",
        compression: "ZSTD",
        rowGroupBytes: options.rowGroupBytes ?? 1 << 20,
        keyValueMetadata: {},
        typeOverrides: overrides,
      });
      return { result, parquet: new Uint8Array(Buffer.concat(parts)), restarts };
    } catch (err) {
      if (!(err instanceof WidenNeeded)) throw err;
      restarts.push(err);
      overrides.set(err.columnName, err.to);
    }
  }
  throw new Error("too many restarts");
}

/** The ConversionError a conversion throws (fails the test if it succeeds). */
export async function convertError(input: string | Uint8Array, chunks?: number[] | number): Promise<ConversionError> {
  try {
    await convert(input, { chunks });
  } catch (err) {
    if (err instanceof ConversionError) return err;
    throw err;
  }
  throw new Error("expected a ConversionError");
}

let dir: string | undefined;
let duck: DuckDBConnection | undefined;
let files = 0;

/** Call at the top of each test file that reads Parquet back: closes DuckDB and removes the files after it. */
export function cleanUpAfterAll(): void {
  afterAll(() => {
    duck?.closeSync();
    duck = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
}

export async function sql(query: string): Promise<Record<string, unknown>[]> {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await duck.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
}

/** Writes the Parquet to a temporary file; returns its path. */
export function parquetFile(parquet: Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), "dsp-xml-"));
  const path = join(dir, `t${files++}.parquet`);
  writeFileSync(path, parquet);
  return path;
}

/** All rows as DuckDB reads them. */
export async function duckRows(parquet: Uint8Array): Promise<Record<string, unknown>[]> {
  return sql(`select * from read_parquet('${parquetFile(parquet)}')`);
}

/** Column name → DuckDB type. */
export async function duckTypes(parquet: Uint8Array): Promise<Record<string, string>> {
  const rows = await sql(`describe select * from read_parquet('${parquetFile(parquet)}')`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

/** Convert, then read back: rows, DuckDB types, and the converter's result. */
export async function table(input: string | Uint8Array, options: Parameters<typeof convert>[1] = {}) {
  const c = await convert(input, options);
  return { rows: await duckRows(c.parquet), types: await duckTypes(c.parquet), ...c };
}
