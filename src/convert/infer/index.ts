/**
 * Type inference and typed column builders: from text cells (UTF-8 byte ranges from the CSV/TSV
 * tokenizer) to the typed ColumnChunks the Parquet writer consumes. The product promises that a
 * value is never dropped, rounded or rewritten, so every rule below accepts a text as a typed
 * value only if the value gives the same meaning back (same integer, number, day, instant), and
 * for integers, dates and booleans the very same bytes; anything else stays STRING.
 *
 *   NULL       only an unquoted empty field. `""` is the empty string; `NULL`, `NA`, `N/A`, `null`
 *              are text (a numeric column containing them is STRING: nulling them loses the text).
 *   BOOLEAN    `true` / `false` only (cell-kind.ts): what readers print back. `TRUE`, `True` → STRING.
 *   INT64      -?(0|[1-9][0-9]*) in range (parse-int64.ts). `+5`, `007`, `-0`, out of range → not INT64.
 *   DOUBLE     decimals and exponents, `.5` and `5.` included, accepted only when they are the same
 *              number as the double's shortest text (parse-double.ts): `1.10` yes, 17+ digits
 *              that a double cannot carry no. `NaN`, `Infinity`, `inf`, `1e309` → STRING.
 *              Integer-form texts only with |n| <= 2^53; `-0` is DOUBLE -0.0 (keeps its sign).
 *   DATE       YYYY-MM-DD, valid, years 0001..9999 (parse-datetime.ts).
 *   TIMESTAMP  ISO-8601 with zone → TIMESTAMP_UTC, without → TIMESTAMP_LOCAL, microseconds.
 *   Widening   widen.ts: INT64 → DOUBLE only if all ints fit 2^53; DATE + TIMESTAMP, UTC + LOCAL,
 *              and everything else incompatible → STRING.
 *   Sample     infer-types.ts: all-null (or empty) columns → STRING.
 */

export { CellKind, classifyCell, parseBoolean } from "./cell-kind.ts";
export { ColumnBuilder, FastKind } from "./column-builder.ts";
export { inferColumnTypes, SAMPLE_BYTES, SAMPLE_ROWS, TypeInference, type CellVisitor, type SampleRows } from "./infer-types.ts";
export { parseDate, parseTimestamp } from "./parse-datetime.ts";
export { parseDouble } from "./parse-double.ts";
export { parseInt64 } from "./parse-int64.ts";
export { joinKind, widen } from "./widen.ts";
