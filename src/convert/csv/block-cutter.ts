/**
 * Cuts a CSV byte stream into blocks that end at row ends, for block-parallel conversion
 * (blocks.ts): a block holds whole rows only, so a worker tokenizes it from its first byte in the
 * tokenizer's start state and gets exactly the rows a sequential reading gets, however the rows of
 * the file are distributed among blocks.
 *
 * Where a row ends depends on the quote state (a quoted field may hold line breaks), followed here
 * with the tokenizer's grammar (row-scanner.ts): a quote opens a quoted field only at a field
 * start; inside one, "" is a quote and the next lone quote closes it; outside, LF, CR or CRLF end
 * the row. Cheap where it matters: a stretch without any quote (one indexOf) is cut at its last
 * line end (one lastIndexOf), and only from a quote on are bytes looked at one by one.
 *
 * A block is emitted once it holds at least `blockBytes`, cut at the last row end it holds. A row
 * with no end in sight is kept whole, growing the block, until its bytes exceed `maxRowBytes`:
 * then the block is emitted as it is and the worker's tokenizer raises CSV_ROW_TOO_LARGE for that
 * row, exactly as a sequential reading would. A UTF-8 BOM at the start of the stream is dropped
 * here: blocks are read without BOM handling.
 *
 * Invariant: `buf[0, len)` starts at a row start; `scanned <= len` and the state describes the
 * grammar just before buf[scanned]; `lastEnd` is the position just after the last row end found
 * in buf[0, scanned) (0 if none).
 */

import { LeadingBom } from "../leading-bom.ts";
import { FieldState } from "./csv-grammar.ts";
import type { CsvDialect } from "./csv-tokenizer.ts";

const LF = 10;
const CR = 13;

export class BlockCutter {
  private buf: Uint8Array;
  private len = 0;
  private scanned = 0;
  private state = FieldState.FIELD_START;
  private lastEnd = 0;
  private readonly bom = new LeadingBom();
  private readonly delimiter: number;
  private readonly quote: number;

  constructor(
    dialect: CsvDialect,
    private readonly blockBytes: number,
    private readonly maxRowBytes: number,
    /** A buffer of at least `size` bytes (a recycled one, or fresh). */
    private readonly allocate: (size: number) => Uint8Array,
  ) {
    this.delimiter = dialect.delimiter;
    this.quote = dialect.quote;
    this.buf = allocate(blockBytes + (1 << 20));
  }

  /** Takes a chunk (copied); returns the blocks completed by it, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const data = this.bom.strip(chunk, false);
    if (data === null || data.length === 0) return [];
    const blocks: Uint8Array[] = [];
    let from = 0;
    while (from < data.length) {
      // Fill up to blockBytes (or take the whole rest of the chunk when a long row grows the block).
      const room = Math.max(this.blockBytes - this.len, 0);
      const take = room > 0 ? Math.min(room, data.length - from) : data.length - from;
      this.append(data, from, from + take);
      from += take;
      if (this.len < this.blockBytes) break;
      this.advance();
      if (this.lastEnd > 0) blocks.push(this.cut(this.lastEnd));
      else if (this.len > this.maxRowBytes) blocks.push(this.cut(this.len)); // the worker reports the row as too large
    }
    return blocks;
  }

  /** The end of the stream: the last block (possibly empty), not necessarily ending at a row end. */
  end(): Uint8Array {
    const rest = this.bom.strip(new Uint8Array(0), true);
    if (rest !== null && rest.length > 0) this.append(rest, 0, rest.length);
    const last = this.buf.subarray(0, this.len);
    this.buf = new Uint8Array(0);
    this.len = this.scanned = this.lastEnd = 0;
    return last;
  }

  private append(data: Uint8Array, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.buf.length) {
      const grown = this.allocate(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(data.subarray(from, to), this.len);
    this.len = need;
  }

  /** Emits buf[0, at) as a block; the bytes after it start the next one (already scanned). */
  private cut(at: number): Uint8Array {
    const block = this.buf.subarray(0, at);
    const next = this.allocate(Math.max(this.blockBytes + (1 << 20), this.len - at));
    next.set(this.buf.subarray(at, this.len));
    this.buf = next;
    this.len -= at;
    this.scanned = Math.max(0, this.scanned - at);
    this.lastEnd = 0; // at was the last row end found
    return block;
  }

  /** Follows the grammar over buf[scanned, len), recording row ends. */
  private advance(): void {
    const buf = this.buf;
    const end = this.len;
    const quote = this.quote;
    let i = this.scanned;
    let state = this.state;
    while (i < end) {
      if (state !== FieldState.QUOTED && state !== FieldState.QUOTE_IN_QUOTED) {
        // Outside quotes: jump to the next quote; the line ends before it all end rows.
        let q = buf.indexOf(quote, i);
        if (q < 0 || q >= end) q = end;
        if (q > i) {
          this.noteLineEnds(i, q);
          const b = buf[q - 1]!;
          state = b === this.delimiter || b === LF || b === CR ? FieldState.FIELD_START : FieldState.UNQUOTED;
          i = q;
          if (i === end) break;
        }
        // buf[i] is a quote: it opens a field only at a field start.
        state = state === FieldState.FIELD_START ? FieldState.QUOTED : FieldState.UNQUOTED;
        i++;
        continue;
      }
      if (state === FieldState.QUOTED) {
        while (i < end && buf[i] !== quote) i++;
        if (i === end) break;
        state = FieldState.QUOTE_IN_QUOTED;
        i++;
        continue;
      }
      // QUOTE_IN_QUOTED: a second quote is a literal one; anything else follows a closed field.
      if (buf[i] === quote) {
        state = FieldState.QUOTED;
        i++;
        continue;
      }
      state = FieldState.UNQUOTED; // the closed field; buf[i] is handled outside quotes
    }
    this.state = state;
    this.scanned = i;
  }

  /** Records the last row end among the line ends of buf[from, to), all outside quotes. */
  private noteLineEnds(from: number, to: number): void {
    const buf = this.buf;
    const lf = buf.lastIndexOf(LF, to - 1);
    if (lf >= from) {
      this.lastEnd = lf + 1;
      return;
    }
    // No LF: a lone CR ends a row when the byte after it is known not to be an LF.
    const cr = buf.lastIndexOf(CR, to - 2);
    if (cr >= from) this.lastEnd = cr + 1;
  }
}
