/**
 * The CSV grammar over one buffer: tokenizes the complete rows of buf[from, end) into the FieldView
 * and hands each to the sink. This is the hot path: one pass over the bytes, a table lookup per
 * byte, no allocation per field or row (a row with a doubled quote is copied once, unescaped).
 * With a fast path (typed-rows.ts), each row is offered to it first (fastRun) and only the rows it
 * declines are tokenized here.
 *
 * Grammar and decisions:
 *   - A quote is special only at the start of a field. Inside a quoted field, "" is one quote and
 *     delimiters, CR and LF are data. After the closing quote only a delimiter, a line end or the
 *     end of the file may follow (else CSV_BAD_QUOTE). A quote inside an unquoted field (5'11")
 *     is an ordinary byte, as csv-spectrum expects.
 *   - Rows end with LF, CRLF or a lone CR (old Mac exports; Python's csv and pandas do the same), so
 *     a CR is never data in an unquoted field. Each of these counts as one line for line numbers,
 *     inside quoted fields too.
 *   - Blank lines (no byte at all between two line ends) are skipped by default (`skipBlankLines`);
 *     they still count as lines. A line holding only "" is not blank: it is one empty-string field.
 *     With skipBlankLines false a blank line is a row of one NULL field.
 *   - The last row may lack a line end. A delimiter at the end of a row starts a last, empty field.
 *   - Every byte is checked to be UTF-8, but only bytes >= 0x80 cost anything.
 *
 * Invariants: `scan` starts at a row start and stops at one. A row that the buffer cuts (`final`
 * false) is not delivered: scan returns its start, with `line` still the line it starts on, and
 * the caller brings it back whole later. So a row is always tokenized from its first byte to its
 * line end in one buffer, and results and errors never depend on where chunks were cut. A CR
 * ending a buffer ends its row; `pendingLF` then drops an LF at the start of the next buffer.
 */

import { CsvError, columnAt } from "./csv-error.ts";
import { stopTable } from "./csv-grammar.ts";
import type { CsvDialect, RowSink } from "./csv-tokenizer.ts";
import { FieldView } from "./field-view.ts";
import type { FastRowParser } from "./typed-rows.ts";
import { unescapeRow } from "./unescape.ts";
import { UTF8_TRUNCATED, utf8SequenceLength } from "./utf8.ts";

const LF = 10;
const CR = 13;
const MiB = 1024 * 1024;

export interface ScannerLimits {
  maxRowBytes: number;
  maxFields: number;
  skipBlankLines: boolean;
  /** Offered each row first (typed-rows.ts); the rows it declines are tokenized here. */
  fastRows?: FastRowParser;
}

export class RowScanner {
  /** Line where the next row starts. */
  line = 1;
  /** The last row ended with a CR at the end of a buffer: an LF starting the next one belongs to it. */
  pendingLF = false;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly maxRowBytes: number;
  private readonly maxFields: number;
  private readonly skipBlankLines: boolean;
  private readonly fastRows: FastRowParser | null;
  /**
   * Byte classes, 1 for the bytes that stop the scan of an unquoted (delimiter, LF, CR, >= 0x80)
   * or a quoted field (quote, LF, CR, >= 0x80). One table load per byte measured faster than
   * the three or four comparisons it replaces.
   */
  private readonly unquotedStops: Uint8Array;
  private readonly quotedStops: Uint8Array;
  private readonly view = new FieldView();
  private scratch: Uint8Array = new Uint8Array(4096);

  constructor(
    dialect: CsvDialect,
    private readonly sink: RowSink,
    limits: ScannerLimits,
  ) {
    this.delimiter = dialect.delimiter;
    this.quote = dialect.quote;
    this.maxRowBytes = limits.maxRowBytes;
    this.maxFields = limits.maxFields;
    this.skipBlankLines = limits.skipBlankLines;
    this.fastRows = limits.fastRows ?? null;
    this.unquotedStops = stopTable([dialect.delimiter, LF, CR]);
    this.quotedStops = stopTable([dialect.quote, LF, CR]);
  }

  /** Lets go of the scratch buffer (the tokenizer is done). */
  release(): void {
    this.scratch = new Uint8Array(0);
  }

  /**
   * Tokenizes the rows of buf[from, end) and returns where the first incomplete row starts (end if
   * none). With `final`, the end of the buffer is the end of the file: everything is consumed.
   * The "incomplete" exits all restore `line` to the row's first line and return the row's start.
   */
  scan(buf: Uint8Array, from: number, end: number, final: boolean): number {
    let i = from;
    if (this.pendingLF) {
      if (i >= end) return i;
      this.pendingLF = false;
      if (buf[i] === LF) i++;
    }
    const delimiter = this.delimiter;
    const quote = this.quote;
    const view = this.view;
    const unquotedStops = this.unquotedStops;
    const quotedStops = this.quotedStops;
    const maxRowBytes = this.maxRowBytes;
    const fastRows = this.fastRows;
    let starts = view.start;
    let ends = view.end;
    let quoted = view.quoted;
    let capacity = starts.length;
    let line = this.line;
    let rowStart = i;
    let rowLine = line;

    incomplete: {
      while (i < end) {
        if (fastRows !== null) {
          // Plain rows go through this small loop; this one sees the others, one at a time.
          this.line = line;
          i = this.fastRun(fastRows, buf, i, end);
          line = this.line;
          if (i >= end) break;
        }
        rowStart = i;
        rowLine = line;
        let c = buf[i]!;
        if ((c === LF || c === CR) && this.skipBlankLines) {
          line++;
          i++;
          if (c === CR) {
            if (i < end) {
              if (buf[i] === LF) i++;
            } else if (!final) this.pendingLF = true;
          }
          continue;
        }
        let n = 0;
        let rowEscaped = 0;
        for (;;) {
          if (n === capacity) {
            if (n >= this.maxFields) throw new CsvError("CSV_TOO_MANY_FIELDS", `row has more than ${this.maxFields} fields`, rowLine, 1);
            view.grow(Math.min(capacity * 2, this.maxFields), n);
            starts = view.start;
            ends = view.end;
            quoted = view.quoted;
            capacity = starts.length;
          }
          if (i >= end) {
            // A field starting at the end of the buffer: after a delimiter.
            if (!final) break incomplete;
            starts[n] = i;
            ends[n] = i;
            quoted[n] = 0;
            n++;
            if (i - rowStart > maxRowBytes) this.rowTooLarge(rowLine);
            this.emit(buf, n, rowEscaped, rowLine);
            this.line = line;
            return end;
          }
          c = buf[i]!;
          if (c === quote) {
            const open = i;
            const openLine = line;
            let j = i + 1;
            let escaped = 0;
            for (;;) {
              while (j < end) {
                c = buf[j]!;
                if (quotedStops[c] === 0) {
                  j++;
                } else if (c === quote) {
                  break;
                } else if (c === LF) {
                  line++;
                  j++;
                } else if (c === CR) {
                  // CRLF counts once, at its LF; a lone CR counts as a line.
                  if (j + 1 < end) {
                    if (buf[j + 1] !== LF) line++;
                  } else if (!final) break incomplete;
                  else line++;
                  j++;
                } else {
                  const n8 = utf8SequenceLength(buf, j, end);
                  if (n8 > 0) j += n8;
                  else if (n8 === UTF8_TRUNCATED && !final) break incomplete;
                  else throw this.utf8Error(buf, rowStart, j, line, n8 === UTF8_TRUNCATED);
                }
              }
              if (j >= end) {
                if (!final) break incomplete;
                throw new CsvError("CSV_UNTERMINATED_QUOTE", "quoted field not closed before the end of the file; it opens", openLine, columnAt(buf, rowStart, open));
              }
              if (j + 1 < end) {
                if (buf[j + 1] === quote) {
                  escaped = 2;
                  j += 2;
                  continue;
                }
              } else if (!final) break incomplete;
              break;
            }
            starts[n] = i + 1;
            ends[n] = j;
            // Bit 2 marks a doubled quote inside; unescapeRow clears it before the row is delivered.
            quoted[n] = 1 | escaped;
            n++;
            rowEscaped |= escaped;
            i = j + 1;
            if (i >= end) {
              // Only reachable when final: the look-ahead above breaks out otherwise.
              if (i - rowStart > maxRowBytes) this.rowTooLarge(rowLine);
              this.emit(buf, n, rowEscaped, rowLine);
              this.line = line;
              return end;
            }
            c = buf[i]!;
            if (c === delimiter) {
              i++;
              continue;
            }
            if (c !== LF && c !== CR) {
              throw new CsvError("CSV_BAD_QUOTE", `unexpected ${describeByte(c)} after the closing quote of a quoted field`, line, columnAt(buf, rowStart, i));
            }
          } else {
            const fieldStart = i;
            while (i < end) {
              c = buf[i]!;
              if (unquotedStops[c] === 0) {
                i++;
              } else if (c < 0x80) {
                break; // the delimiter, LF or CR
              } else {
                const n8 = utf8SequenceLength(buf, i, end);
                if (n8 > 0) i += n8;
                else if (n8 === UTF8_TRUNCATED && !final) break incomplete;
                else throw this.utf8Error(buf, rowStart, i, line, n8 === UTF8_TRUNCATED);
              }
            }
            starts[n] = fieldStart;
            ends[n] = i;
            quoted[n] = 0;
            n++;
            if (i >= end) {
              if (!final) break incomplete;
              if (i - rowStart > maxRowBytes) this.rowTooLarge(rowLine);
              this.emit(buf, n, rowEscaped, rowLine);
              this.line = line;
              return end;
            }
            if (c === delimiter) {
              i++;
              continue;
            }
          }
          break; // buf[i] is the LF or CR ending the row
        }
        if (i - rowStart > maxRowBytes) this.rowTooLarge(rowLine);
        this.emit(buf, n, rowEscaped, rowLine);
        line++;
        i++;
        if (c === CR) {
          if (i < end) {
            if (buf[i] === LF) i++;
          } else if (!final) this.pendingLF = true;
        }
      }
      this.line = line;
      return end;
    }
    // "break incomplete" lands here: the row restarts from its first byte once it is complete.
    this.line = rowLine;
    return rowStart;
  }

  /**
   * Offers the rows from buf[i] to the fast path while it takes them; stops at a row it declines,
   * a line end where a row starts (a blank line) or `end`, and returns where. `line` counts the
   * rows taken. Apart from scan() so that the loop plain rows run through is small (the JIT
   * compiles it in a fraction of scan()'s time, once per worker in the block-parallel path).
   */
  private fastRun(fastRows: FastRowParser, buf: Uint8Array, i: number, end: number): number {
    const maxRowBytes = this.maxRowBytes;
    let line = this.line;
    while (i < end) {
      const c = buf[i]!;
      if (c === LF || c === CR) break;
      // A row it takes is one line and at most maxRowBytes long (its end is bounded so).
      const next = fastRows.tryRow(buf, i, end - i > maxRowBytes ? i + maxRowBytes + 1 : end);
      if (next < 0) break;
      line++;
      i = next;
    }
    this.line = line;
    return i;
  }

  private emit(buf: Uint8Array, n: number, escaped: number, line: number): void {
    const view = this.view;
    view.count = n;
    view.line = line;
    if (escaped === 0) view.buf = buf;
    else {
      this.scratch = unescapeRow(view, buf, n, this.quote, this.scratch);
      view.buf = this.scratch;
    }
    this.sink.row(view, line);
  }

  private rowTooLarge(line: number): never {
    throw rowTooLargeError(this.maxRowBytes, line);
  }

  private utf8Error(buf: Uint8Array, rowStart: number, pos: number, line: number, atEof: boolean): CsvError {
    const what = atEof ? "the file ends inside a UTF-8 sequence" : `invalid UTF-8 (byte 0x${buf[pos]!.toString(16).padStart(2, "0")})`;
    return new CsvError("CSV_INVALID_UTF8", what, line, columnAt(buf, rowStart, pos));
  }
}

export function rowTooLargeError(maxRowBytes: number, line: number): CsvError {
  const size = maxRowBytes % MiB === 0 ? `${maxRowBytes / MiB} MiB` : `${maxRowBytes} bytes`;
  return new CsvError("CSV_ROW_TOO_LARGE", `row is larger than ${size}; it starts`, line, 1);
}

function describeByte(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, "0")}`;
}
