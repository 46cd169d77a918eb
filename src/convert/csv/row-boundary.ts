/**
 * Finds where a row that spans chunks ends, without tokenizing it: the tokenizer only tokenizes
 * complete rows, and while a row is being carried over it feeds each new chunk here until the
 * row's terminator shows up. A small resumable state machine, the same grammar as the tokenizer's:
 * a quote is special only at the start of a field; inside quotes "" is a literal quote; outside
 * quotes LF or CR ends the row (a CR's LF, if any, is skipped by the tokenizer afterwards).
 *
 * It does not report errors: a bad quote or invalid UTF-8 is found by the tokenizer when it
 * tokenizes the completed row, so the error and its position are the same however the input was
 * chunked. After a bad quote (`"ab"c`) it continues as in an unquoted field.
 */

import { FieldState } from "./csv-grammar.ts";

const LF = 10;
const CR = 13;

export class RowBoundary {
  private state = FieldState.FIELD_START;

  constructor(
    private readonly delimiter: number,
    private readonly quote: number,
  ) {}

  /** Call at the start of a row. */
  reset(): void {
    this.state = FieldState.FIELD_START;
  }

  /** The index just after the byte ending the row in buf[from, end), or -1 if it does not end there. */
  find(buf: Uint8Array, from: number, end: number): number {
    const delimiter = this.delimiter;
    const quote = this.quote;
    let state = this.state;
    for (let i = from; i < end; i++) {
      const c = buf[i]!;
      switch (state) {
        case FieldState.QUOTED:
          // The bulk of a long quoted field: jump straight to the next quote (buf may go on past end).
          {
            const q = buf.indexOf(quote, i);
            if (q < 0 || q >= end) {
              this.state = FieldState.QUOTED;
              return -1;
            }
            i = q;
            state = FieldState.QUOTE_IN_QUOTED;
          }
          continue;
        case FieldState.QUOTE_IN_QUOTED:
          if (c === quote) {
            state = FieldState.QUOTED;
            continue;
          }
          break; // the quote closed the field: c is handled as outside quotes
        case FieldState.FIELD_START:
          if (c === quote) {
            state = FieldState.QUOTED;
            continue;
          }
          break;
      }
      if (c === LF || c === CR) {
        this.state = FieldState.FIELD_START;
        return i + 1;
      }
      state = c === delimiter ? FieldState.FIELD_START : FieldState.UNQUOTED;
    }
    this.state = state;
    return -1;
  }
}
