/**
 * Sample-based type inference: the first rows of a file (SAMPLE_ROWS or SAMPLE_BYTES, whichever
 * comes first; the reader decides) fix the schema, each column the join (widen.ts) of its cells.
 * A later value that does not fit makes the builder say so, and the caller restarts with a wider
 * schema: the sample only has to be a good first guess, never a guarantee.
 *
 * A column with no non-null cell in the sample (all empty, or no rows) is STRING: it accepts any
 * later value, so the file never restarts for it, and a text column loses nothing.
 *
 * Invariant: once a column is STRING its cells are not looked at again (STRING is the top of the
 * lattice), so a text-heavy sample costs one comparison per cell.
 */

import type { ColumnType } from "../column-types.ts";
import { CellKind, classifyCell } from "./cell-kind.ts";
import { scanBoolean, scanDouble, scanInt64, scanTimestamp } from "./scan-cell.ts";
import { parseDate } from "./parse-datetime.ts";
import { joinKind } from "./widen.ts";

/** Suggested sample bounds: enough rows to see sparse values, small enough to hold in memory. */
export const SAMPLE_ROWS = 10_000;
export const SAMPLE_BYTES = 4 * 1024 * 1024;

/** Receives one cell: column index, its UTF-8 bytes buf[start, end), and whether it was quoted. */
export type CellVisitor = (column: number, buf: Uint8Array, start: number, end: number, quoted: boolean) => void;

/** A sample as the reader holds it: it calls `visit` for every cell, row by row. */
export interface SampleRows {
  readonly columnCount: number;
  forEachCell(visit: CellVisitor): void;
}

/** Incremental inference, for a reader that feeds cells as it tokenizes the sample. */
export class TypeInference {
  private readonly types: (ColumnType | null)[];
  /** 1 when the column has seen an integer with |n| > 2^53, which rules out DOUBLE. */
  private readonly bigInts: Uint8Array;

  constructor(readonly columnCount: number) {
    this.types = new Array<ColumnType | null>(columnCount).fill(null);
    this.bigInts = new Uint8Array(columnCount);
  }

  /** Adds one cell of `column` (0-based, below columnCount). */
  observe(column: number, buf: Uint8Array, start: number, end: number, quoted: boolean): void {
    if (column < 0 || column >= this.columnCount) throw new RangeError(`column ${column} of ${this.columnCount}`);
    const type = this.types[column]!;
    if (type === "STRING") return;
    if (start === end ? !quoted : type !== null && fitsCommonForm(type, buf, start, end)) return; // the type stays
    const kind = classifyCell(buf, start, end, quoted);
    if (kind === CellKind.INT_BIG) this.bigInts[column] = 1;
    this.types[column] = joinKind(type, kind, this.bigInts[column] === 0);
  }

  /** The type of one column so far, null while it has seen only nulls. */
  typeOf(column: number): ColumnType | null {
    return this.types[column] ?? null;
  }

  /** The inferred types; columns without any non-null cell are STRING. */
  result(): ColumnType[] {
    return this.types.map((t) => t ?? "STRING");
  }
}

// Where the fast parsers put what they parse: only whether they accept matters here.
const EVERY_BYTE_STOPS = new Uint8Array(256).fill(1);
const scratchWords = new Int32Array(2);
const scratchDoubles = new Float64Array(1);
const scratchBools = new Uint8Array(1);

/**
 * Whether the cell is in the common form of `type` (the CSV fast path's parsers, scan-cell.ts):
 * then its kind joined with `type` is `type`, and the full classification can be skipped. Nearly
 * every cell of a typed column after its first few, so the sample costs a parse per cell, not the
 * two or three attempts of classifyCell.
 */
function fitsCommonForm(type: ColumnType, buf: Uint8Array, start: number, end: number): boolean {
  // The parsers need the byte after the value (any byte ends it here); they must stop at `end`.
  if (end >= buf.length) return false;
  const bound = end + 1;
  switch (type) {
    case "INT64":
      return scanInt64(buf, start, bound, EVERY_BYTE_STOPS, scratchWords, 0) === end;
    case "DOUBLE":
      return scanDouble(buf, start, bound, EVERY_BYTE_STOPS, scratchDoubles, 0) === end;
    case "BOOLEAN":
      return scanBoolean(buf, start, bound, EVERY_BYTE_STOPS, scratchBools, 0) === end;
    case "DATE": {
      const days = parseDate(buf, start, end);
      return days === days;
    }
    case "TIMESTAMP_UTC":
    case "TIMESTAMP_LOCAL":
      return scanTimestamp(buf, start, bound, EVERY_BYTE_STOPS, type === "TIMESTAMP_UTC", scratchWords, 0) === end;
    default:
      return false;
  }
}

/** The column types of a sample. */
export function inferColumnTypes(sample: SampleRows): ColumnType[] {
  const inference = new TypeInference(sample.columnCount);
  sample.forEachCell((column, buf, start, end, quoted) => inference.observe(column, buf, start, end, quoted));
  return inference.result();
}
