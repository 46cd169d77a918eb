/**
 * The contract between the table readers (CSV/TSV now; JSON, JSONL, XML next), the type inference
 * and column builders, and the Parquet writer. Everything between them is columnar and typed: a
 * row group is a set of column chunks of the same length, each a typed array of values plus a
 * null mask, so the writer never sees a JavaScript value per cell.
 *
 * Types (every column is nullable, Parquet OPTIONAL):
 *   BOOLEAN          Parquet BOOLEAN
 *   INT64            Parquet INT64
 *   DOUBLE           Parquet DOUBLE
 *   DATE             Parquet INT32, logical type DATE (days since 1970-01-01)
 *   TIMESTAMP_UTC    Parquet INT64, logical TIMESTAMP(isAdjustedToUTC=true, MICROS): the text had a zone
 *   TIMESTAMP_LOCAL  Parquet INT64, logical TIMESTAMP(isAdjustedToUTC=false, MICROS): wall-clock time, no zone
 *   STRING           Parquet BYTE_ARRAY, logical STRING (UTF-8)
 *   JSON             Parquet BYTE_ARRAY, logical JSON (nested objects/arrays as JSON text)
 */

export type ColumnType = "BOOLEAN" | "INT64" | "DOUBLE" | "DATE" | "TIMESTAMP_UTC" | "TIMESTAMP_LOCAL" | "STRING" | "JSON";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/**
 * One column of one row group. `nulls[i] === 1` means row i is null (its slot in `values` is
 * ignored). For BYTE_ARRAY types the values of row i are `data.subarray(offsets[i], offsets[i + 1])`
 * (UTF-8 bytes), so `offsets` has length rows + 1; a null row has an empty range.
 */
export type ColumnChunk =
  | { type: "BOOLEAN"; rows: number; nulls: Uint8Array; values: Uint8Array /* 0 or 1 */ }
  | { type: "INT64" | "TIMESTAMP_UTC" | "TIMESTAMP_LOCAL"; rows: number; nulls: Uint8Array; values: BigInt64Array }
  | { type: "DOUBLE"; rows: number; nulls: Uint8Array; values: Float64Array }
  | { type: "DATE"; rows: number; nulls: Uint8Array; values: Int32Array }
  | { type: "STRING" | "JSON"; rows: number; nulls: Uint8Array; data: Uint8Array; offsets: Int32Array };

export type Compression = "ZSTD" | "SNAPPY";

/** Where Parquet bytes go: awaited, so a slow consumer (S3) slows the writer down. */
export type ByteSinkFn = (chunk: Uint8Array) => Promise<void>;
