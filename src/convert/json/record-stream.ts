/**
 * Push reader of a JSON or JSON Lines byte stream as a sequence of records (objects): the caller
 * pushes chunks of any size, split at any byte, and the sink gets each complete record staged in
 * the RecordParser, with the line it starts on. Never more than one record plus one chunk is held.
 *
 * Shapes (`shape`, decided from the first bytes; a UTF-8 BOM and whitespace may come first):
 *   .jsonl   "lines": one object per line; blank lines skipped; CRLF fine. Strict: a record must
 *            be one line, and a line one record, so a cut or broken line is reported at that
 *            line, not where the parser would stumble on the next one.
 *   .json    "array": `[` objects separated by `,` `]`, anything in between on any lines; or
 *            objects one after another: "lines" (strict, as .jsonl) when the first object is on
 *            one line, else "concatenated" (objects separated by any whitespace, e.g. pretty-
 *            printed). A single object is the one-record case of either.
 * Anything else at the top (`[1, 2]`, a string, a line holding an array) is JSON_NOT_RECORDS; an
 * empty file, or one of whitespace only, CONVERT_EMPTY.
 *
 * Chunks are parsed in a copy (chunk-input.ts); a record a chunk cuts is carried over and parsed
 * once, whole, when its end arrives (record-carry.ts). So results, lines and columns never depend
 * on the chunking. Errors are ConversionErrors with the 1-based line and character column of the
 * first byte that is not valid (a record over 16 MiB: of its start). After one the stream is dead.
 */

import { ConversionError } from "../table-converter.ts";
import { ChunkInput } from "./chunk-input.ts";
import { JsonSyntaxError, NEED_MORE } from "./json-error.ts";
import { RecordCarry } from "./record-carry.ts";
import { RecordParser } from "./record-parser.ts";

export type RecordShape = "array" | "lines" | "concatenated";

export interface RecordSink {
  /** One complete record, staged in `parser` (valid during this call); `line`: where it starts. */
  record(parser: RecordParser, line: number): void;
}

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

const COMMA = 0x2c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const EMPTY = new Uint8Array(0);

// Where the reader is between records.
const START = 0; // nothing but whitespace yet
const ARRAY_OPEN = 1; // after `[`: an object or `]`
const ARRAY_NEXT = 2; // after `,`: an object
const ARRAY_AFTER = 3; // after an element: `,` or `]`
const DONE = 4; // after the array's `]`: whitespace only
const SEQUENCE = 5; // objects one after another

export class RecordStream {
  readonly parser: RecordParser;
  /** The detected shape (undefined until the first record of a .json sequence is read). */
  shape: RecordShape | undefined;
  /** Records delivered so far. */
  records = 0;
  private readonly maxRecordBytes: number;
  private readonly carry: RecordCarry;
  private readonly input = new ChunkInput();
  /** run() stopped at an unexpected character the chunk cuts: its bytes wait for the next chunk. */
  private tailCut = false;
  private state = START;
  /** Strict lines: a record is one line and a line one record. */
  private strict: boolean;
  /** The line the previous record ended on (strict lines). */
  private lastLine = 0;
  /** The buffer being scanned: error positions are in it. */
  private current: Uint8Array = EMPTY;
  private ended = false;

  /**
   * `lines`: the file is .jsonl/.ndjson, else .json. Options: the largest record (default 16 MiB,
   * JSON_RECORD_TOO_LARGE above), a parser to use (e.g. with the sample's keys declared).
   */
  constructor(
    private readonly lines: boolean,
    private readonly sink: RecordSink,
    options: { maxRecordBytes?: number; parser?: RecordParser } = {},
  ) {
    this.parser = options.parser ?? new RecordParser();
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.carry = new RecordCarry(this.maxRecordBytes);
    this.strict = lines;
    this.shape = lines ? "lines" : undefined;
  }

  /** Whether a record cut by the last chunk is waiting for its end. */
  get midRecord(): boolean {
    return this.carry.length > 0;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error("RecordStream.push after end()");
    const data = this.input.next(chunk);
    if (data !== null) this.guarded(() => this.feed(data));
  }

  /** The end of the input: the last record, and whether the file was complete. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.guarded(() => {
        if (this.input.pending) this.feed(this.input.next(EMPTY, true)!, true);
        if (this.carry.length > 0) this.parseCarried(false, 0);
        this.current = EMPTY;
        if (this.state === START) throw new ConversionError("CONVERT_EMPTY", "the file is empty: there is no table to convert", {});
        if (this.state !== DONE && this.state !== SEQUENCE) {
          throw new JsonSyntaxError("JSON_TRUNCATED", "the file ends inside the top-level array (expected ',' or ']')", 0);
        }
      });
    } finally {
      this.carry.release();
      this.input.release();
    }
  }

  /**
   * For a sample: reads only the end of the record the last chunk cut (if any) from `chunk`, and
   * nothing after it. True once no record is cut any more; the stream must not be pushed to again.
   */
  finishRecord(chunk: Uint8Array): boolean {
    return this.carry.length === 0 || this.guarded(() => this.completeCarry(chunk) >= 0);
  }

  private feed(data: Uint8Array, final = false): void {
    const p = this.parser;
    let from = 0;
    if (this.carry.length > 0 && (from = this.completeCarry(data)) < 0) return;
    const end = data.length;
    const work = (this.current = this.input.copy(data));
    const stop = this.run(work, from, end, final);
    p.rebase(work, stop, 0);
    if (stop === end) return;
    if (this.tailCut) {
      this.tailCut = false;
      this.input.hold(work, stop, end);
      return;
    }
    // The record at work[stop] continues in the next chunk; the carry starts with it.
    if (!this.carry.begin(work, stop, end, this.strict)) throw this.tooLargeCarry();
  }

  /**
   * Looks for the end of the carried record in `data`: when found, the record is parsed and the
   * position after it in `data` returned; otherwise all of `data` joins the carry: -1.
   */
  private completeCarry(data: Uint8Array): number {
    const cut = this.carry.findEnd(data);
    if (!this.carry.append(data, 0, cut < 0 ? data.length : cut)) throw this.tooLargeCarry();
    if (cut >= 0) this.parseCarried(this.strict, cut);
    return cut;
  }

  /** Parses the whole carried record; the next buffer goes on at `at` (`endIsLine`: see JsonScanner). */
  private parseCarried(endIsLine: boolean, at: number): void {
    const p = this.parser;
    const carried = (this.current = this.carry.sealed());
    p.endIsLine = endIsLine;
    this.run(carried, 0, this.carry.length, true);
    p.endIsLine = false;
    p.rebase(carried, this.carry.length, at);
    this.carry.clear();
  }

  /**
   * Reads records and the syntax between them from buf[from, end) (buf[end] = 0); returns end, or
   * (only when not `final`) the start of a record the buffer cuts, or of an unexpected character
   * it cuts (`tailCut`: its bytes are held back, so the error reads the same however chunked).
   */
  private run(buf: Uint8Array, from: number, end: number, final: boolean): number {
    const p = this.parser;
    p.attach(buf, end, final);
    let i = from;
    try {
      for (;;) {
        i = p.skipWs(buf, i);
        if (i >= end) return end;
        const c = buf[i]!;
        switch (this.state) {
          case START:
            if (c === LBRACKET && !this.lines) {
              this.state = ARRAY_OPEN;
              this.shape = "array";
              i++;
            } else this.state = SEQUENCE;
            continue;
          case ARRAY_OPEN:
            if (c === RBRACKET) {
              this.state = DONE;
              i++;
            } else this.state = ARRAY_NEXT; // the first element is at i
            continue;
          case ARRAY_NEXT: {
            if (c !== LBRACE) this.notRecord(buf, i, `element ${this.records + 1} of the top-level array`);
            const r = this.record(buf, i);
            if (r < 0) return i;
            i = r;
            this.state = ARRAY_AFTER;
            continue;
          }
          case ARRAY_AFTER:
            if (c === COMMA) this.state = ARRAY_NEXT;
            else if (c === RBRACKET) this.state = DONE;
            else p.fail(i, "',' or ']' after an array element");
            i++;
            continue;
          case DONE:
            return p.fail(i, "nothing after the top-level array");
          default: {
            if (this.strict && this.records > 0 && p.line === this.lastLine) p.fail(i, "the end of the line after its record (JSON Lines: one record per line)");
            if (c !== LBRACE) this.notRecord(buf, i, this.lines ? `line ${p.line}` : this.records === 0 ? "the top-level value" : `value ${this.records + 1}`);
            const r = this.record(buf, i);
            if (r < 0) return i;
            i = r;
          }
        }
      }
    } catch (err) {
      // Only fail() between records gets here: a character the buffer cuts (see above).
      if (err !== NEED_MORE) throw err;
      this.tailCut = true;
      return i;
    }
  }

  /** Parses the record at buf[i] and hands it to the sink; -1 when the buffer cuts it. */
  private record(buf: Uint8Array, i: number): number {
    const p = this.parser;
    const line = p.line;
    let end: number;
    p.markLine();
    p.lineLocked = this.strict;
    try {
      end = p.parseRecord(buf, i);
    } catch (err) {
      if (err !== NEED_MORE) throw err;
      p.resetLine();
      return -1;
    } finally {
      p.lineLocked = false;
    }
    if (end - i > this.maxRecordBytes) {
      p.resetLine();
      throw this.tooLarge(i);
    }
    if (this.records === 0 && !this.lines && this.state === SEQUENCE) {
      this.strict = p.line === line;
      this.shape = this.strict ? "lines" : "concatenated";
    }
    this.records++;
    this.lastLine = p.line;
    this.sink.record(p, line);
    return end;
  }

  /** JSON_NOT_RECORDS for a value that is valid but not an object; JSON_INVALID for anything else. */
  private notRecord(buf: Uint8Array, i: number, where: string): never {
    const c = buf[i]!;
    const what = c === 0x22 ? "a string" : c === LBRACKET ? "an array" : c === 0x2d || (c >= 0x30 && c <= 0x39) ? "a number" : c === 0x74 || c === 0x66 ? "a boolean" : c === 0x6e ? "null" : "";
    if (what === "" || (c === RBRACKET && this.state === ARRAY_NEXT)) this.parser.fail(i, "an object");
    const expected = this.lines || this.state !== SEQUENCE ? "an object" : "an object, an array of objects, or objects one per line";
    throw new JsonSyntaxError("JSON_NOT_RECORDS", `${where} is ${what}, not ${expected}: a table needs one object per record`, i);
  }

  /**
   * The carried record passed the limit: a syntax error in what we have is the better report
   * (a missing bracket makes a "record" run on), else JSON_RECORD_TOO_LARGE at its start.
   */
  private tooLargeCarry(): JsonSyntaxError {
    const p = this.parser;
    const [line, colBias] = [p.line, p.colBias]; // the record's start: the carry's byte 0
    try {
      p.endIsLine = false;
      this.run((this.current = this.carry.sealed()), 0, this.carry.length, true);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError) || err.code !== "JSON_TRUNCATED") throw err;
    }
    [p.line, p.lineStart, p.colBias] = [line, 0, colBias];
    return this.tooLarge(0);
  }

  private tooLarge(pos: number): JsonSyntaxError {
    return new JsonSyntaxError("JSON_RECORD_TOO_LARGE", `a record is larger than ${this.maxRecordBytes} bytes (it starts here)`, pos);
  }

  /** Runs `f`; a JsonSyntaxError it throws becomes a ConversionError with the line and column. */
  private guarded<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      const line = this.parser.line;
      const column = this.parser.columnAt(this.current, err.pos);
      throw new ConversionError(err.code, `${err.what} at line ${line}, column ${column}`, { line, column });
    }
  }
}
