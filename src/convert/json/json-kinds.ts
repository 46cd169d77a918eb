/**
 * What a JSON value is, and which column types hold it. The JSON readers know each value's
 * syntactic kind (null, true/false, number, string, object/array) from the tokenizer, so unlike
 * CSV a value's type never comes from guessing at text alone:
 *
 *   null            NULL in every column.
 *   true / false    BOOLEAN.
 *   number          its source text through the infer rules (infer/index.ts): INT64 when the
 *                   text is an integer in range, DOUBLE when a double gives the same number back
 *                   (`1.10` yes, `1e400` or 17+ significant digits no), else STRING (the digits
 *                   as written: 2^63, 20-digit ids). `-0` is DOUBLE -0.0, as for CSV.
 *   string          DATE / TIMESTAMP_UTC / TIMESTAMP_LOCAL when its decoded text is one by the
 *                   infer rules (what DuckDB's read_json does too); otherwise STRING. A string is
 *                   never a number or a boolean: `"123"` and `"true"` stay STRING.
 *   object / array  JSON: the value's JSON text.
 *
 * Columns join their values with the infer lattice (widen.ts), plus: JSON joins only JSON (and
 * nulls). Incompatible kinds make the column STRING, where every value is its text: a string its
 * decoded text, a number its source text, a boolean `true`/`false`, an object or array its JSON
 * text. So `123` and `"123"` both read back as the text 123 there (the column says they are text).
 *
 * Invariant: ACCEPTS and the ColumnBuilder's own parsing together admit exactly the values whose
 * joined type is the column's type, so a value either lands unchanged or asks for a restart.
 */

import type { ColumnType } from "../column-types.ts";
import { CellKind, joinKind, parseDate, parseDouble, parseInt64, parseTimestamp } from "../infer/index.ts";
import { TIMESTAMP_LOCAL, TIMESTAMP_UTC } from "../infer/parse-datetime.ts";
import { INT_BIG, INT_SAFE } from "../infer/parse-int64.ts";

/** The syntactic kind of a JSON value, as the record parser stages it. */
export const JsonKind = {
  NULL: 0,
  BOOLEAN: 1,
  NUMBER: 2,
  STRING: 3,
  NESTED: 4,
} as const;
export type JsonKind = (typeof JsonKind)[keyof typeof JsonKind];

/** The CellKind of a nested value (the infer lattice has no such kind; see joinJson). */
export const NESTED_CELL = 9;
/** A CellKind, or NESTED_CELL. */
export type JsonCellKind = CellKind | typeof NESTED_CELL;

const scratch = new Int32Array(2);

/** The cell kind of a value of `kind` whose text (number: source; string: decoded) is buf[start, end). */
export function classifyJson(kind: number, buf: Uint8Array, start: number, end: number): JsonCellKind {
  switch (kind) {
    case JsonKind.NULL:
      return CellKind.NULL;
    case JsonKind.BOOLEAN:
      return CellKind.BOOLEAN;
    case JsonKind.NUMBER: {
      const int = parseInt64(buf, start, end, scratch, 0);
      if (int === INT_SAFE) return CellKind.INT_SAFE;
      if (int === INT_BIG) return CellKind.INT_BIG;
      const x = parseDouble(buf, start, end);
      return x === x ? CellKind.DOUBLE : CellKind.STRING;
    }
    case JsonKind.STRING:
      return classifyString(buf, start, end);
    default:
      return NESTED_CELL;
  }
}

/** DATE, TIMESTAMP_* or STRING: the only kinds a JSON string can be. */
function classifyString(buf: Uint8Array, start: number, end: number): JsonCellKind {
  const n = end - start;
  const c = buf[start]!;
  if (n < 10 || c < 48 || c > 57 || buf[start + 4] !== 45 /* - */) return CellKind.STRING;
  if (n === 10) {
    const days = parseDate(buf, start, end);
    return days === days ? CellKind.DATE : CellKind.STRING;
  }
  const ts = parseTimestamp(buf, start, end, scratch, 0);
  return ts === TIMESTAMP_UTC ? CellKind.TIMESTAMP_UTC : ts === TIMESTAMP_LOCAL ? CellKind.TIMESTAMP_LOCAL : CellKind.STRING;
}

/**
 * The narrowest type holding a column typed `type` (null: only nulls so far) plus a cell of
 * `kind`; `intsFitDouble`: every integer of the column so far has |n| <= 2^53.
 */
export function joinJson(type: ColumnType | null, kind: JsonCellKind, intsFitDouble: boolean): ColumnType | null {
  if (kind === CellKind.NULL) return type;
  if (kind === NESTED_CELL) return type === null || type === "JSON" ? "JSON" : "STRING";
  if (type === "JSON") return "STRING";
  return joinKind(type, kind, intsFitDouble);
}

/** The type of a column whose only value so far is of `kind` (an all-null column is STRING). */
export function typeOfJson(kind: JsonCellKind): ColumnType {
  return joinJson(null, kind, true) ?? "STRING";
}

/**
 * Which JSON kinds a column type may take at all, indexed [typeCode(type) * 8 + kind]; the
 * ColumnBuilder then checks the text itself (an INT64 column refuses `1.5`, a DATE column
 * `"2024-13-01"`). Without this gate a builder would read the string `"123"` as a number.
 */
export const ACCEPTS: Uint8Array = (() => {
  const t = new Uint8Array(8 * 8);
  const allow = (type: ColumnType, ...kinds: JsonKind[]) => {
    for (const k of kinds) t[typeCode(type) * 8 + k] = 1;
  };
  allow("BOOLEAN", JsonKind.BOOLEAN);
  allow("INT64", JsonKind.NUMBER);
  allow("DOUBLE", JsonKind.NUMBER);
  allow("DATE", JsonKind.STRING);
  allow("TIMESTAMP_UTC", JsonKind.STRING);
  allow("TIMESTAMP_LOCAL", JsonKind.STRING);
  allow("STRING", JsonKind.BOOLEAN, JsonKind.NUMBER, JsonKind.STRING, JsonKind.NESTED);
  allow("JSON", JsonKind.NESTED);
  return t;
})();

/** A small integer per column type, for ACCEPTS. */
export function typeCode(type: ColumnType): number {
  switch (type) {
    case "BOOLEAN":
      return 0;
    case "INT64":
      return 1;
    case "DOUBLE":
      return 2;
    case "DATE":
      return 3;
    case "TIMESTAMP_UTC":
      return 4;
    case "TIMESTAMP_LOCAL":
      return 5;
    case "STRING":
      return 6;
    case "JSON":
      return 7;
  }
}
