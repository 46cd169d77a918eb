/**
 * What one text cell is, for inference: the narrowest kind whose rule accepts it (the rules live
 * in parse-*.ts; the BOOLEAN rule is here because it is four comparisons).
 *
 * NULL is only the unquoted empty field. A quoted empty field `""` is the empty string, and every
 * other text (`NULL`, `null`, `NA`, `N/A`, `-`, ` `) is text: turning it into a null would lose
 * what the file said, so in a numeric column it makes the column STRING instead.
 *
 * BOOLEAN is only lower-case `true` / `false`, the text every Parquet reader prints back for a
 * boolean. `TRUE`, `True`, `t`, `yes` would be rewritten, and `0`/`1` are integers.
 *
 * Quoting does not change a non-empty value: `"42"` is the integer 42 (quotes are CSV syntax).
 */

import { parseDate, parseTimestamp, TIMESTAMP_LOCAL, TIMESTAMP_UTC } from "./parse-datetime.ts";
import { parseDouble } from "./parse-double.ts";
import { INT_BIG, INT_SAFE, parseInt64 } from "./parse-int64.ts";

export const CellKind = {
  NULL: 0,
  BOOLEAN: 1,
  /** INT64 with |n| <= 2^53. */
  INT_SAFE: 2,
  /** INT64 with |n| > 2^53: cannot join a DOUBLE column. */
  INT_BIG: 3,
  DOUBLE: 4,
  DATE: 5,
  TIMESTAMP_UTC: 6,
  TIMESTAMP_LOCAL: 7,
  STRING: 8,
} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** 1 for `true`, 0 for `false`, -1 for anything else. */
export function parseBoolean(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n === 4) {
    return buf[start] === 116 && buf[start + 1] === 114 && buf[start + 2] === 117 && buf[start + 3] === 101 ? 1 : -1;
  }
  if (n === 5) {
    return buf[start] === 102 &&
      buf[start + 1] === 97 &&
      buf[start + 2] === 108 &&
      buf[start + 3] === 115 &&
      buf[start + 4] === 101
      ? 0
      : -1;
  }
  return -1;
}

const scratch = new Int32Array(2);

/** The kind of the cell buf[start, end); `quoted` tells `""` (empty string) from an empty field (NULL). */
export function classifyCell(buf: Uint8Array, start: number, end: number, quoted: boolean): CellKind {
  if (start === end) return quoted ? CellKind.STRING : CellKind.NULL;
  const c = buf[start]!;
  if (c === 116 /* t */ || c === 102 /* f */) return parseBoolean(buf, start, end) >= 0 ? CellKind.BOOLEAN : CellKind.STRING;
  const digit = c >= 48 && c <= 57;
  if (digit && end - start >= 10 && buf[start + 4] === 45 /* - */) {
    if (end - start === 10) {
      const days = parseDate(buf, start, end);
      return days === days ? CellKind.DATE : CellKind.STRING;
    }
    const ts = parseTimestamp(buf, start, end, scratch, 0);
    return ts === TIMESTAMP_UTC ? CellKind.TIMESTAMP_UTC : ts === TIMESTAMP_LOCAL ? CellKind.TIMESTAMP_LOCAL : CellKind.STRING;
  }
  if (digit || c === 45 /* - */ || c === 46 /* . */) {
    const int = parseInt64(buf, start, end, scratch, 0);
    if (int === INT_SAFE) return CellKind.INT_SAFE;
    if (int === INT_BIG) return CellKind.INT_BIG;
    const x = parseDouble(buf, start, end);
    return x === x ? CellKind.DOUBLE : CellKind.STRING;
  }
  return CellKind.STRING;
}
