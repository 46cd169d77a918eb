/**
 * Builds one column's chunk (column-types.ts ColumnChunk) from text cells given as byte ranges,
 * parsing each straight into a typed array: no JS string or object per cell, except a DOUBLE text
 * beyond the fast path (parse-double.ts) and one subarray view per STRING cell of 32+ bytes (the
 * bulk copy; shorter ones are copied byte by byte).
 *
 * append() returns false when the cell does not fit the column's type, and then changes nothing:
 * the caller asks widenFor() for the wider type and restarts the file with it. STRING and JSON
 * columns accept every cell; an unquoted empty field is NULL in every column, a quoted one (`""`)
 * is the empty string, which only STRING and JSON hold. The CSV fast path appends through the
 * appendUnquoted* methods instead, which find the field's end while parsing it (scan-cell.ts).
 *
 * Invariants: rows <= capacity (storage doubles when a row finds it full, so capacityRows is a
 * hint); a null row has a zero value slot and, for STRING/JSON, an empty byte range; take() hands
 * the arrays over to the caller and starts fresh ones, or the arrays of an earlier chunk that the
 * caller gave back (recycle): a taken chunk is written again only after it was given back.
 */

import type { ColumnChunk, ColumnType } from "../column-types.ts";
import { parseBoolean } from "./cell-kind.ts";
import { parseDate, parseTimestamp, TIMESTAMP_LOCAL, TIMESTAMP_UTC } from "./parse-datetime.ts";
import { parseDouble } from "./parse-double.ts";
import { INT_BIG, NOT_INT, parseInt64 } from "./parse-int64.ts";
import { NOT_FAST, scanBoolean, scanDouble, scanInt64, scanTimestamp, unquotedFieldEnd } from "./scan-cell.ts";
import { UTF8_INVALID, utf8SequenceLength } from "../csv/utf8.ts";
import { widen } from "./widen.ts";

// Storage layouts; the switch in append() is on these small integers, not on type strings.
const BOOL = 0;
const INT = 1;
const TS_UTC = 2;
const TS_LOCAL = 3;
const F64 = 4;
const DAYS = 5;
const BYTES = 6;

/** Which ColumnBuilder.appendUnquoted* method a column takes (the storage layout, by another name). */
export const FastKind = { BOOLEAN: BOOL, INT64: INT, TIMESTAMP_UTC: TS_UTC, TIMESTAMP_LOCAL: TS_LOCAL, DOUBLE: F64, DATE: DAYS, BYTES } as const;
export type FastKind = (typeof FastKind)[keyof typeof FastKind];

const MAX_DATA = 2 ** 31 - 1; // offsets are Int32
const SHORT_COPY = 32; // below this a byte loop beats creating a subarray for set()

export class ColumnBuilder {
  readonly type: ColumnType;
  private readonly layout: number;
  private capacity: number;
  private count = 0;
  private nulls: Uint8Array;
  private bools = new Uint8Array(0);
  private int64 = new BigInt64Array(0);
  private words = new Int32Array(0); // view of int64's memory
  private doubles = new Float64Array(0);
  private days = new Int32Array(0);
  private data = new Uint8Array(0);
  private offsets = new Int32Array(1);
  private dataLength = 0;
  private bigInts = false;
  /** A taken chunk given back (recycle): its arrays start the next chunk. */
  private spare: ColumnChunk | null = null;

  /** `dataBytes`: for STRING/JSON, the text bytes to make room for (default 16 per row). */
  constructor(type: ColumnType, capacityRows: number, dataBytes = 0) {
    this.type = type;
    this.layout = layoutOf(type);
    this.capacity = Math.max(16, capacityRows | 0);
    this.nulls = new Uint8Array(0);
    this.allocate(dataBytes > 0 ? dataBytes : 16 * this.capacity);
  }

  /** What byteSize grows by per row of `type` whose text is `textBytes` long on average. */
  static bytesPerRow(type: ColumnType, textBytes: number): number {
    switch (layoutOf(type)) {
      case BOOL:
        return 2;
      case DAYS:
        return 5;
      case BYTES:
        return 5 + textBytes;
      default:
        return 9;
    }
  }

  get rows(): number {
    return this.count;
  }

  /** Bytes the chunk holds so far (values, null mask, string data and offsets): for bounding chunks. */
  get byteSize(): number {
    const n = this.count;
    switch (this.layout) {
      case BOOL:
        return 2 * n;
      case DAYS:
        return 5 * n;
      case BYTES:
        return n + this.dataLength + 4 * (n + 1);
      default:
        return 9 * n;
    }
  }

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
    const row = this.count;
    if (row === this.capacity) this.grow();
    switch (this.layout) {
      case BOOL: {
        const b = parseBoolean(buf, start, end);
        if (b < 0) return false;
        this.bools[row] = b;
        break;
      }
      case INT: {
        const r = parseInt64(buf, start, end, this.words, row);
        if (r === NOT_INT) return false;
        if (r === INT_BIG) this.bigInts = true;
        break;
      }
      case TS_UTC:
        if (parseTimestamp(buf, start, end, this.words, row) !== TIMESTAMP_UTC) return restore(this.words, row);
        break;
      case TS_LOCAL:
        if (parseTimestamp(buf, start, end, this.words, row) !== TIMESTAMP_LOCAL) return restore(this.words, row);
        break;
      case F64: {
        const x = parseDouble(buf, start, end);
        if (x !== x) return false;
        this.doubles[row] = x;
        break;
      }
      case DAYS: {
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
   * general path, which decides (WidenNeeded, an error).
   */
  appendUnquotedInt64(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    const j = scanInt64(buf, i, end, stops, this.words, row);
    if (j === NOT_FAST) return this.appendUnquotedSlow(buf, i, end, stops);
    this.count = row + 1;
    return j;
  }

  appendUnquotedDouble(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    const j = scanDouble(buf, i, end, stops, this.doubles, row);
    if (j === NOT_FAST) return this.appendUnquotedSlow(buf, i, end, stops);
    this.count = row + 1;
    return j;
  }

  appendUnquotedBoolean(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    const j = scanBoolean(buf, i, end, stops, this.bools, row);
    if (j === NOT_FAST) return this.appendUnquotedSlow(buf, i, end, stops);
    this.count = row + 1;
    return j;
  }

  appendUnquotedDate(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    const j = i + 10;
    const b = j < end ? buf[j]! : 0;
    if (stops[b] === 0 || b >= 0x80) return this.appendUnquotedSlow(buf, i, end, stops);
    const d = parseDate(buf, i, j);
    if (d !== d) return -1; // a 10-byte text that is not a date: no other rule makes it one
    this.days[row] = d;
    this.count = row + 1;
    return j;
  }

  appendUnquotedTimestamp(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    const j = scanTimestamp(buf, i, end, stops, this.layout === TS_UTC, this.words, row);
    if (j === NOT_FAST) return this.appendUnquotedSlow(buf, i, end, stops);
    this.count = row + 1;
    return j;
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
    const row = this.count;
    if (row === this.capacity) this.grow();
    this.appendBytes(buf, i, j);
    this.count = row + 1;
    return j;
  }

  /** A text the fast forms do not cover: its end, then the general rule. */
  private appendUnquotedSlow(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
    const j = unquotedFieldEnd(buf, i, end, stops);
    if (j < 0 || !this.append(buf, i, j, false)) return -1;
    return j;
  }

  /**
   * Drops the rows from `rows` on (at most the few the CSV fast path appended for a row it then
   * gave up): their null flags and value slots are zeroed again, as a fresh row expects.
   */
  truncate(rows: number): void {
    for (let row = rows; row < this.count; row++) {
      this.nulls[row] = 0;
      switch (this.layout) {
        case BOOL:
          this.bools[row] = 0;
          break;
        case F64:
          this.doubles[row] = 0;
          break;
        case DAYS:
          this.days[row] = 0;
          break;
        case BYTES:
          break;
        default:
          restore(this.words, row);
      }
    }
    if (rows < this.count) {
      if (this.layout === BYTES) this.dataLength = this.offsets[rows]!;
      this.count = rows;
    }
  }

  appendNull(): void {
    const row = this.count;
    if (row === this.capacity) this.grow();
    this.nulls[row] = 1;
    // The slot is zeroed: recycled arrays hold the values of an earlier row group.
    switch (this.layout) {
      case BYTES:
        this.offsets[row + 1] = this.dataLength;
        break;
      case BOOL:
        this.bools[row] = 0;
        break;
      case F64:
        this.doubles[row] = 0;
        break;
      case DAYS:
        this.days[row] = 0;
        break;
      default:
        restore(this.words, row);
    }
    this.count = row + 1;
  }

  /** The type this column needs to also hold buf[start, end) (its own type if the cell fits). */
  widenFor(buf: Uint8Array, start: number, end: number, quoted: boolean): ColumnType {
    return widen(this.type, buf, start, end, quoted, !this.bigInts);
  }

  /** The chunk built so far; the builder then starts an empty chunk (same type and capacity). */
  take(): ColumnChunk {
    const rows = this.count;
    const nulls = this.nulls.subarray(0, rows);
    let chunk: ColumnChunk;
    switch (this.layout) {
      case BOOL:
        chunk = { type: "BOOLEAN", rows, nulls, values: this.bools.subarray(0, rows) };
        break;
      case F64:
        chunk = { type: "DOUBLE", rows, nulls, values: this.doubles.subarray(0, rows) };
        break;
      case DAYS:
        chunk = { type: "DATE", rows, nulls, values: this.days.subarray(0, rows) };
        break;
      case BYTES:
        chunk = {
          type: this.type as "STRING" | "JSON",
          rows,
          nulls,
          data: this.data.subarray(0, this.dataLength),
          offsets: this.offsets.subarray(0, rows + 1),
        };
        break;
      default:
        chunk = { type: this.type as "INT64" | "TIMESTAMP_UTC" | "TIMESTAMP_LOCAL", rows, nulls, values: this.int64.subarray(0, rows) };
    }
    const used = this.dataLength;
    this.count = 0;
    this.dataLength = 0;
    this.allocate(used + (used >>> 3)); // the next chunk is probably about as large
    return chunk;
  }

  /**
   * Gives back the arrays of a chunk this builder took earlier, once nothing refers to them any
   * more (the writer is done with its row group: row-group-pipeline.ts): the next take() starts
   * the new chunk in them instead of fresh arrays. Saves allocating, zeroing and page-faulting a
   * row group's worth of memory per row group. Arrays too small for the current capacity, or of
   * another type, are dropped.
   */
  recycle(chunk: ColumnChunk): void {
    if (chunk.type === this.type && chunk.nulls.buffer.byteLength > 0) this.spare = chunk;
  }

  private appendBytes(buf: Uint8Array, start: number, end: number): void {
    const at = this.dataLength;
    const need = at + (end - start);
    if (need > this.data.length) this.growData(need);
    const data = this.data;
    if (end - start < SHORT_COPY) for (let i = start, j = at; i < end; i++, j++) data[j] = buf[i]!;
    else data.set(buf.subarray(start, end), at);
    this.dataLength = need;
    this.offsets[this.count + 1] = need;
  }

  /**
   * Arrays for `capacity` rows (string data sized for `dataHint` bytes, at least 1 KiB; it grows
   * as needed): the recycled ones
   * when they are large enough (their null flags cleared; value slots are written by every
   * append, appendNull included), else fresh ones.
   */
  private allocate(dataHint = 0): void {
    const c = this.capacity;
    const spare = this.spare;
    this.spare = null;
    const reuse = (view: ArrayBufferView | undefined, bytes: number): ArrayBuffer | null =>
      view !== undefined && view.byteOffset === 0 && view.buffer.byteLength >= bytes ? (view.buffer as ArrayBuffer) : null;
    const nulls = reuse(spare?.nulls, c);
    if (nulls) (this.nulls = new Uint8Array(nulls, 0, c)).fill(0);
    else this.nulls = new Uint8Array(c);
    const values = spare && "values" in spare ? spare.values : undefined;
    switch (this.layout) {
      case BOOL: {
        const b = reuse(values, c);
        this.bools = b ? new Uint8Array(b, 0, c) : new Uint8Array(c);
        break;
      }
      case F64: {
        const b = reuse(values, 8 * c);
        this.doubles = b ? new Float64Array(b, 0, c) : new Float64Array(c);
        break;
      }
      case DAYS: {
        const b = reuse(values, 4 * c);
        this.days = b ? new Int32Array(b, 0, c) : new Int32Array(c);
        break;
      }
      case BYTES: {
        const bytes = spare && "data" in spare ? spare : undefined;
        const o = reuse(bytes?.offsets, 4 * (c + 1));
        this.offsets = o ? new Int32Array(o, 0, c + 1) : new Int32Array(c + 1);
        this.offsets[0] = 0;
        const want = Math.max(dataHint, 1024);
        const d = reuse(bytes?.data, want);
        this.data = d ? new Uint8Array(d) : new Uint8Array(want);
        break;
      }
      default: {
        const b = reuse(values, 8 * c);
        this.int64 = b ? new BigInt64Array(b, 0, c) : new BigInt64Array(c);
        this.words = new Int32Array(this.int64.buffer, 0, 2 * c);
      }
    }
  }

  private grow(): void {
    const c = (this.capacity *= 2);
    const nulls = new Uint8Array(c);
    nulls.set(this.nulls);
    this.nulls = nulls;
    switch (this.layout) {
      case BOOL: {
        const bools = new Uint8Array(c);
        bools.set(this.bools);
        this.bools = bools;
        break;
      }
      case F64: {
        const doubles = new Float64Array(c);
        doubles.set(this.doubles);
        this.doubles = doubles;
        break;
      }
      case DAYS: {
        const days = new Int32Array(c);
        days.set(this.days);
        this.days = days;
        break;
      }
      case BYTES: {
        const offsets = new Int32Array(c + 1);
        offsets.set(this.offsets);
        this.offsets = offsets;
        break;
      }
      default: {
        const int64 = new BigInt64Array(c);
        int64.set(this.int64);
        this.int64 = int64;
        this.words = new Int32Array(int64.buffer);
      }
    }
  }

  private growData(need: number): void {
    if (need > MAX_DATA) throw new RangeError(`column chunk over ${MAX_DATA} bytes: take() chunks earlier`);
    const next = new Uint8Array(Math.min(MAX_DATA, Math.max(need, 2 * this.data.length)));
    next.set(this.data.subarray(0, this.dataLength));
    this.data = next;
  }
}

/** A rejected timestamp may have been half written: the slot must stay zero for a later null. */
function restore(words: Int32Array, row: number): false {
  words[2 * row] = 0;
  words[2 * row + 1] = 0;
  return false;
}

function layoutOf(type: ColumnType): number {
  switch (type) {
    case "BOOLEAN":
      return BOOL;
    case "INT64":
      return INT;
    case "TIMESTAMP_UTC":
      return TS_UTC;
    case "TIMESTAMP_LOCAL":
      return TS_LOCAL;
    case "DOUBLE":
      return F64;
    case "DATE":
      return DAYS;
    case "STRING":
    case "JSON":
      return BYTES;
  }
}
