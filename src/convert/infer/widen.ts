/**
 * The widening lattice: the narrowest column type that holds a column's values so far plus one
 * more cell. Used by inference over the sample (infer-types.ts) and, after the sample, when a
 * builder reports that a value does not fit: the caller then restarts the file with the widened
 * schema, so widening never rewrites values already built.
 *
 *   null (no value yet) ⊂ every type ⊂ STRING
 *   INT64 ⊂ DOUBLE, only while every integer of the column has |n| <= 2^53 (exact as a double)
 *   BOOLEAN, DATE, TIMESTAMP_UTC, TIMESTAMP_LOCAL: only with themselves
 *
 * DATE with TIMESTAMP_LOCAL is STRING, not TIMESTAMP_LOCAL: `2024-01-01` would come back as
 * `2024-01-01 00:00:00`, a moment instead of a calendar day. TIMESTAMP_UTC with TIMESTAMP_LOCAL is
 * STRING: one column cannot be both an instant and a wall-clock time. JSON (nested values from the
 * JSON readers) joins nothing but itself.
 *
 * Invariant: join is monotone (the result is never narrower than the input type) and
 * commutative over a column's values, so the sample order does not change the inferred type.
 */

import type { ColumnType } from "../column-types.ts";
import { CellKind, classifyCell } from "./cell-kind.ts";

/** The column type of a single non-null cell kind. */
export function typeOfKind(kind: CellKind): ColumnType {
  switch (kind) {
    case CellKind.BOOLEAN:
      return "BOOLEAN";
    case CellKind.INT_SAFE:
    case CellKind.INT_BIG:
      return "INT64";
    case CellKind.DOUBLE:
      return "DOUBLE";
    case CellKind.DATE:
      return "DATE";
    case CellKind.TIMESTAMP_UTC:
      return "TIMESTAMP_UTC";
    case CellKind.TIMESTAMP_LOCAL:
      return "TIMESTAMP_LOCAL";
    default:
      return "STRING";
  }
}

/**
 * The narrowest type holding a column typed `type` (null: no non-null value yet) plus a cell of
 * `kind`. `intsFitDouble`: every integer the column holds so far has |n| <= 2^53.
 */
export function joinKind(type: ColumnType | null, kind: CellKind, intsFitDouble: boolean): ColumnType | null {
  if (kind === CellKind.NULL) return type;
  if (type === null) return typeOfKind(kind);
  if (type === "STRING") return "STRING";
  switch (kind) {
    case CellKind.INT_SAFE:
      return type === "INT64" || type === "DOUBLE" ? type : "STRING";
    case CellKind.INT_BIG:
      return type === "INT64" ? type : "STRING";
    case CellKind.DOUBLE:
      if (type === "DOUBLE") return type;
      return type === "INT64" && intsFitDouble ? "DOUBLE" : "STRING";
    default:
      return typeOfKind(kind) === type ? type : "STRING";
  }
}

/**
 * The narrowest type holding a column of `type` plus the cell buf[start, end) (`quoted`: see
 * cell-kind.ts). Returns `type` itself when the cell fits. Without `intsFitDouble` an INT64
 * column is assumed to hold only integers within 2^53; ColumnBuilder.widenFor knows better.
 */
export function widen(
  type: ColumnType,
  buf: Uint8Array,
  start: number,
  end: number,
  quoted = false,
  intsFitDouble = true,
): ColumnType {
  if (type === "STRING") return type;
  const kind = classifyCell(buf, start, end, quoted);
  if (type === "JSON") return kind === CellKind.NULL ? type : "STRING";
  return joinKind(type, kind, intsFitDouble) ?? "STRING";
}
