/**
 * Builds one column's chunk (column-types.ts ColumnChunk) from text cells given as byte ranges,
 * parsing each straight into a typed array: no JS string or object per cell, except a DOUBLE text
 * beyond the fast path (parse-double.ts) and one subarray view per STRING cell of 32+ bytes (the
 * bulk copy; shorter ones are copied byte by byte). The arrays, their growth, null rows, take()
 * and recycle() are column-storage.ts's; this class adds the parsing rules.
 *
 * append() returns false when the cell does not fit the column's type, and then changes nothing:
 * the caller asks widenFor() for the wider type and restarts the file with it. STRING and JSON
 * columns accept every cell; an unquoted empty field is NULL in every column, a quoted one (`""`)
 * is the empty string, which only STRING and JSON hold. The CSV fast path appends through the
 * appendUnquoted* methods instead, which find the field's end while parsing it (scan-cell.ts).
 */

import type { ColumnType } from "../column-types.ts";
import { UTF8_INVALID, utf8SequenceLength } from "../csv/utf8.ts";
import { parseBoolean } from "./cell-kind.ts";
import { ColumnStorage, type FastKind, Layout } from "./column-storage.ts";
import { parseDate, parseTimestamp, TIMESTAMP_LOCAL, TIMESTAMP_UTC } from "./parse-datetime.ts";
import { parseDouble } from "./parse-double.ts";
import { INT_BIG, NOT_INT, parseInt64 } from "./parse-int64.ts";
import { NOT_FAST, scanBoolean, scanDate, scanDouble, scanInt64, scanTimestamp, unquotedFieldEnd } from "./scan-cell.ts";
import { widen } from "./widen.ts";

export { FastKind } from "./column-storage.ts";

export class ColumnBuilder extends ColumnStorage {
  private bigInts = false;

  /**
   * INT64 columns: whether every integer this builder has taken has |n| <= 2^53. Not reset by
   * take(): the integers of chunks already taken are still in the file a restart rewrites.
   */
  get intsFitDouble(): boolean {
    return !this.bigInts;
  }

  /** Appends the cell buf[start, end); false (and nothing appended) when it does not fit the type. */
  append(buf: Uint8Array, start: number, end: number, quoted: boolean): boolean {
    if (start === end && !quoted) {
      this.appendNull();
      return true;
    }
    const row = this.nextRow();
    switch (this.layout) {
      case Layout.BOOL: {
        const b = parseBoolean(buf, start, end);
        if (b < 0) return false;
        this.bools[row] = b;
        break;
      }
      case Layout.INT: {
        const r = parseInt64(buf, start, end, this.words, row);
        if (r === NOT_INT) return false;
        if (r === INT_BIG) this.bigInts = true;
        break;
      }
      case Layout.TS_UTC:
      case Layout.TS_LOCAL:
        if (parseTimestamp(buf, start, end, this.words, row) !== (this.layout === Layout.TS_UTC ? TIMESTAMP_UTC : TIMESTAMP_LOCAL)) {
          this.clearValue(row); // it may have been half written: the slot must stay zero for a later null
          return false;
        }
        break;
      case Layout.F64: {
        const x = parseDouble(buf, start, end);
        if (x !== x) return false;
        this.doubles[row] = x;
        break;
      }
      case Layout.DAYS: {
        const d = parseDate(buf, start, end);
        if (d !== d) return false;
        this.days[row] = d;
        break;
      }
      default:
        this.appendBytes(buf, start, end);
    }
    this.count = row + 1;
    return true;
  }

  /** The type this column needs to also hold buf[start, end) (its own type if the cell fits). */
  widenFor(buf: Uint8Array, start: number, end: number, quoted: boolean): ColumnType {
    return widen(this.type, buf, start, end, quoted, !this.bigInts);
  }

  /**
   * The CSV fast path (csv/typed-rows.ts): which appendUnquoted* method suits this column
   * (a FastKind), so the caller calls it directly instead of going through a switch per cell.
   */
  get fastKind(): FastKind {
    return this.layout as FastKind;
  }

  /**
   * The CSV fast path's appends, one per FastKind: each appends the unquoted, non-empty field
   * starting at buf[i] and returns the index of the byte that ends it (an ASCII byte with
   * `stops[b]` set: the delimiter, LF or CR). The common forms are parsed while the field's end is
   * found (scan-cell.ts); any other text is handed to append() once its end is known. They return
   * -1, with nothing appended, when the value does not fit the type, the field runs into `end`,
   * or (not in STRING columns) it holds a byte >= 0x80: the caller then gives the row to the
   * general path, which decides (WidenNeeded, an error). One method per type, rather than one with
   * a switch, keeps each call site in typed-rows.ts monomorphic.
   */
  appendUnquotedInt64(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.nextRow();
    return this.settle(scanInt64(buf, i, end, stops, this.words, row), row, buf, i, end, stops);
  }

  appendUnquotedDouble(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.nextRow();
    return this.settle(scanDouble(buf, i, end, stops, this.doubles, row), row, buf, i, end, stops);
  }

  appendUnquotedBoolean(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.nextRow();
    return this.settle(scanBoolean(buf, i, end, stops, this.bools, row), row, buf, i, end, stops);
  }

  appendUnquotedDate(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.nextRow();
    return this.settle(scanDate(buf, i, end, stops, this.days, row), row, buf, i, end, stops);
  }

  appendUnquotedTimestamp(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.nextRow();
    return this.settle(scanTimestamp(buf, i, end, stops, this.layout === Layout.TS_UTC, this.words, row), row, buf, i, end, stops);
  }

  /** STRING/JSON: the field's bytes up to its stop, checked to be UTF-8. */
  appendUnquotedBytes(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    let j = i;
    for (;;) {
      if (j >= end) return -1;
      const b = buf[j]!;
      if (stops[b] === 0) j++;
      else if (b < 0x80) break;
      else {
        const n = utf8SequenceLength(buf, j, end);
        if (n <= UTF8_INVALID) return -1; // invalid or cut: the tokenizer reports it, or sees more
        j += n;
      }
    }
    const row = this.nextRow();
    this.appendBytes(buf, i, j);
    this.count = row + 1;
    return j;
  }

  /**
   * After a scan-cell parser wrote row `row` (or declined with NOT_FAST): counts the row and
   * returns the stop's index `j`, or takes the text by the general rule.
   */
  private settle(j: number, row: number, buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    if (j === NOT_FAST) return this.appendUnquotedSlow(buf, i, end, stops);
    this.count = row + 1;
    return j;
  }

  /** A text the fast forms do not cover: its end, then the general rule. */
  private appendUnquotedSlow(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const j = unquotedFieldEnd(buf, i, end, stops);
    if (j < 0 || !this.append(buf, i, j, false)) return -1;
    return j;
  }
}
