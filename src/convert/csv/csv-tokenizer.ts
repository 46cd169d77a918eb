/**
 * Push tokenizer for CSV/TSV bytes (RFC 4180 plus the liberties real exports take; the grammar and
 * its decisions are in row-scanner.ts). The caller pushes chunks of any size, split at any byte;
 * the tokenizer calls `sink.row(view, line)` once per row with a reused FieldView of byte ranges:
 * no string and no object per field. A UTF-8 BOM at the very start is skipped.
 *
 * Chunk boundaries: each chunk is tokenized in place; only its incomplete last row is copied, into
 * the carry-over, and RowBoundary watches the following chunks for that row's end before the row
 * is tokenized whole. Results, line numbers and errors therefore do not depend on how the input
 * was split, and memory is bounded by the largest row (maxRowBytes, default 16 MiB) plus a chunk.
 *
 * After a CsvError (or an exception from the sink) the tokenizer must not be used again.
 */

import { LeadingBom } from "../leading-bom.ts";
import type { FieldView } from "./field-view.ts";
import { RowBoundary } from "./row-boundary.ts";
import { RowScanner, rowTooLargeError } from "./row-scanner.ts";
import type { FastRowParser } from "./typed-rows.ts";

export interface CsvDialect {
  /** Field separator byte: 0x2C `,`, 0x3B `;`, 0x7C `|` or 0x09 tab (any ASCII byte but CR, LF, quote). */
  delimiter: number;
  /** Quote byte, normally 0x22 `"`. */
  quote: number;
}

export interface RowSink {
  /** One row. `fields` is reused and valid only during this call; `line` is where the row starts (1-based). */
  row(fields: FieldView, line: number): void;
}

export interface CsvTokenizerOptions {
  /** Largest row in bytes, line end excluded (CSV_ROW_TOO_LARGE above). Default 16 MiB. */
  maxRowBytes?: number;
  /** Most fields in one row (CSV_TOO_MANY_FIELDS above). Default 100,000. */
  maxFields?: number;
  /** Skip lines with no byte at all. Default true. */
  skipBlankLines?: boolean;
  /**
   * Offered every row before it is tokenized (typed-rows.ts): a row it takes is not delivered to
   * the sink. Line numbers and errors are the same either way.
   */
  fastRows?: FastRowParser;
  /** The line the input starts on (a block of a file: csv/blocks.ts). Default 1. */
  firstLine?: number;
  /** Skip a UTF-8 BOM at the start of the input. Default true; false for a block that does not start the file. */
  bom?: boolean;
}

export const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_FIELDS = 100_000;

const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private readonly scanner: RowScanner;
  private readonly boundary: RowBoundary;
  private readonly maxRowBytes: number;
  /** The incomplete row carried over from earlier chunks: carry[0, carryLen). */
  private carry: Uint8Array = new Uint8Array(0);
  private carryLen = 0;
  private readonly bom = new LeadingBom();
  private ended = false;
  /** Bytes pushed so far, BOM included. */
  bytesIn = 0;

  constructor(dialect: CsvDialect, sink: RowSink, options: CsvTokenizerOptions = {}) {
    const { delimiter, quote } = dialect;
    if (!isAsciiByte(delimiter) || !isAsciiByte(quote) || delimiter === quote || [delimiter, quote].some((b) => b === LF || b === CR)) {
      throw new RangeError(`bad CSV dialect: delimiter ${delimiter}, quote ${quote}`);
    }
    this.maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
    this.scanner = new RowScanner(dialect, sink, {
      maxRowBytes: this.maxRowBytes,
      maxFields: options.maxFields ?? DEFAULT_MAX_FIELDS,
      skipBlankLines: options.skipBlankLines ?? true,
      fastRows: options.fastRows,
    });
    this.boundary = new RowBoundary(delimiter, quote);
    if (options.firstLine !== undefined) this.scanner.line = options.firstLine;
    if (options.bom === false) this.bom.strip(new Uint8Array(0), true);
  }

  /** No row is waiting for more input: everything pushed so far ended at a row end. */
  get atRowEnd(): boolean {
    return this.carryLen === 0;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error("CsvTokenizer.push after end()");
    this.bytesIn += chunk.length;
    let data: Uint8Array | null = chunk;
    if ((data = this.bom.strip(chunk, false)) === null) return;
    const len = data.length;
    let from = 0;
    if (this.carryLen > 0) {
      const rowEnd = this.boundary.find(data, 0, len);
      if (rowEnd < 0) {
        this.appendCarry(data, 0, len, false);
        return;
      }
      this.appendCarry(data, 0, rowEnd, true);
      if (this.scanner.scan(this.carry, 0, this.carryLen, false) !== this.carryLen) {
        throw new Error("CsvTokenizer: the carried-over row did not end where RowBoundary found its end");
      }
      this.carryLen = 0;
      from = rowEnd;
    }
    const rest = this.scanner.scan(data, from, len, false);
    if (rest < len) {
      this.appendCarry(data, rest, len, false);
      this.boundary.reset();
      this.boundary.find(this.carry, 0, this.carryLen);
    }
  }

  /** The end of the input: tokenizes the last row if it has no line end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.bom.decided) {
      const data = this.bom.strip(new Uint8Array(0), true)!;
      this.scanner.scan(data, 0, data.length, true);
    } else if (this.carryLen > 0) {
      this.scanner.scan(this.carry, 0, this.carryLen, true);
      this.carryLen = 0;
    }
    // Drop the large buffers: a finished tokenizer may be kept around by its caller.
    this.carry = new Uint8Array(0);
    this.scanner.release();
  }

  /** The line the next row starts on (after end(): the number of lines + 1). */
  get nextLine(): number {
    return this.scanner.line;
  }

  /** Appends to the carry-over; `complete` when data[to - 1] is the row's line end. */
  private appendCarry(data: Uint8Array, from: number, to: number, complete: boolean): void {
    const need = this.carryLen + (to - from);
    // An incomplete row is already this long; a complete one is checked when it is tokenized.
    if (!complete && need > this.maxRowBytes) throw rowTooLargeError(this.maxRowBytes, this.scanner.line);
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, Math.min(this.carry.length * 2, this.maxRowBytes + 1), 64 * 1024));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(data.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }
}

function isAsciiByte(b: number): boolean {
  return Number.isInteger(b) && b >= 0 && b < 0x80;
}
