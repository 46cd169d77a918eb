/**
 * The CSV converter's fast path: once the column types are known, a plain row (one line, the
 * expected number of fields, values in their common forms) is parsed straight into the column
 * builders in one pass over its bytes, without the FieldView hand-over and its second pass. The
 * tokenizer (row-scanner.ts) offers it every row that does not start with a line end; whatever it
 * declines, the general path tokenizes and appends as before.
 *
 * Declined (the general path decides, so its results, errors and line numbers are unchanged):
 * a row that is not complete before `end` (a CR ending the buffer included: an LF may follow); a
 * quoted field holding a doubled quote, a line break or invalid UTF-8; invalid UTF-8 anywhere; a
 * row with too few or too many fields; a value that does not fit its column (the general path
 * then raises WidenNeeded). Accepted rows are exactly what the general path would build: an
 * unquoted empty field is NULL, a quoted one goes through ColumnBuilder.append with `quoted` (so
 * `""` is the empty string), and a value is stored only by a rule at least as strict as the
 * general one (infer/scan-cell.ts). Measured: the reading of the 100 MB reference CSV (tokenizer
 * and builders) 477 ms before, 307 ms with it (docs/conversion-speed.md).
 *
 * Invariant: every builder holds the same number of rows between calls; a declined row leaves
 * none of its cells behind (ColumnBuilder.truncate).
 */

import { FastKind, type ColumnBuilder } from "../infer/index.ts";
import { stopTable } from "./csv-grammar.ts";
import type { CsvDialect } from "./csv-tokenizer.ts";
import { UTF8_INVALID, utf8SequenceLength } from "./utf8.ts";

const LF = 10;
const CR = 13;

/** What the tokenizer asks before tokenizing a row itself. */
export interface FastRowParser {
  /**
   * Parses the row starting at buf[i] (not a line end) if it is plain and ends before `end`;
   * returns the index just after its line end (LF, CRLF or a lone CR), or -1 when it declines
   * the row.
   */
  tryRow(buf: Uint8Array, i: number, end: number): number;
}

export class TypedRowParser implements FastRowParser {
  /** Rows this parser has appended. */
  rows = 0;
  /** Off until the header row (if any) has gone through the general path. */
  enabled = false;
  private readonly delimiter: number;
  private readonly quote: number;
  /** Bytes ending an unquoted field (delimiter, LF, CR) and every byte >= 0x80. */
  private readonly stops: Uint8Array;
  /** Bytes ending the scan of a quoted field (quote, LF, CR) and every byte >= 0x80. */
  private readonly quotedStops: Uint8Array;
  /** Per column, the ColumnBuilder.appendUnquoted* method that parses it. */
  private readonly kinds: Uint8Array;

  constructor(
    dialect: CsvDialect,
    private readonly builders: readonly ColumnBuilder[],
  ) {
    this.delimiter = dialect.delimiter;
    this.quote = dialect.quote;
    this.stops = stopTable([dialect.delimiter, LF, CR]);
    this.quotedStops = stopTable([dialect.quote, LF, CR]);
    this.kinds = Uint8Array.from(builders, (b) => b.fastKind);
  }

  tryRow(buf: Uint8Array, i: number, end: number): number {
    if (!this.enabled) return -1;
    const builders = this.builders;
    const last = builders.length - 1;
    const stops = this.stops;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const kinds = this.kinds;
    const row = builders[0]!.rows;
    for (let c = 0; ; c++) {
      const builder = builders[c]!;
      if (i >= end) return this.decline(row, c);
      const first = buf[i]!;
      let j: number;
      if (first === quote) {
        j = this.quotedField(builder, buf, i, end);
      } else if (stops[first] !== 0 && first < 0x80) {
        builder.appendNull();
        j = i;
      } else {
        switch (kinds[c]) {
          case FastKind.INT64:
            j = builder.appendUnquotedInt64(buf, i, end, stops);
            break;
          case FastKind.DOUBLE:
            j = builder.appendUnquotedDouble(buf, i, end, stops);
            break;
          case FastKind.BOOLEAN:
            j = builder.appendUnquotedBoolean(buf, i, end, stops);
            break;
          case FastKind.DATE:
            j = builder.appendUnquotedDate(buf, i, end, stops);
            break;
          case FastKind.TIMESTAMP_UTC:
          case FastKind.TIMESTAMP_LOCAL:
            j = builder.appendUnquotedTimestamp(buf, i, end, stops);
            break;
          default:
            j = builder.appendUnquotedBytes(buf, i, end, stops);
        }
      }
      if (j < 0) return this.decline(row, c);
      if (j >= end) return this.decline(row, c + 1);
      const b = buf[j]!;
      if (c < last) {
        if (b !== delimiter) return this.decline(row, c + 1);
        i = j + 1;
        continue;
      }
      if (b === LF) {
        this.rows++;
        return j + 1;
      }
      if (b === CR && j + 1 < end) {
        // CRLF, or a lone CR (old Mac exports) when the next byte is known not to be an LF.
        this.rows++;
        return buf[j + 1] === LF ? j + 2 : j + 1;
      }
      return this.decline(row, c + 1);
    }
  }

  /** The quoted field at buf[i] (the opening quote): appended, and the index after its closing quote; -1 to decline. */
  private quotedField(builder: ColumnBuilder, buf: Uint8Array, i: number, end: number): number {
    const quotedStops = this.quotedStops;
    let j = i + 1;
    for (;;) {
      if (j >= end) return -1;
      const b = buf[j]!;
      if (quotedStops[b] === 0) j++;
      else if (b === this.quote) break;
      else if (b < 0x80) return -1; // a line break inside quotes: the general path counts lines
      else {
        const n = utf8SequenceLength(buf, j, end);
        if (n <= UTF8_INVALID) return -1;
        j += n;
      }
    }
    if (j + 1 < end && buf[j + 1] === this.quote) return -1; // a doubled quote: the general path unescapes
    return builder.append(buf, i + 1, j, true) ? j + 1 : -1;
  }

  /** Takes back the cells of the row being declined from the first `columns` builders. */
  private decline(row: number, columns: number): number {
    for (let c = 0; c < columns; c++) this.builders[c]!.truncate(row);
    return -1;
  }
}
