/**
 * Builds one column's chunk (column-types.ts ColumnChunk) from text cells given as byte ranges,
 * parsing each straight into a typed array: no JS string or object per cell, except a DOUBLE text
 * beyond the fast path (parse-double.ts) and one subarray view per STRING cell of 32+ bytes (the
 * bulk copy; shorter ones are copied byte by byte).
 *
 * append() returns false when the cell does not fit the column's type, and then changes nothing:
 * the caller asks widenFor() for the wider type and restarts the file with it. STRING and JSON
 * columns accept every cell; an unquoted empty field is NULL in every column, a quoted one (`""`)
 * is the empty string, which only STRING and JSON hold.
 *
 * Invariants: rows <= capacity (storage doubles when a row finds it full, so capacityRows is a
 * hint); a null row has a zero value slot and, for STRING/JSON, an empty byte range; take() hands
 * the arrays over to the caller and starts fresh ones, so a taken chunk is never written again.
 */

import type { ColumnChunk, ColumnType } from "../column-types.ts";
import { parseBoolean } from "./cell-kind.ts";
import { parseDate, parseTimestamp, TIMESTAMP_LOCAL, TIMESTAMP_UTC } from "./parse-datetime.ts";
import { parseDouble } from "./parse-double.ts";
import { INT_BIG, NOT_INT, parseInt64 } from "./parse-int64.ts";
import { widen } from "./widen.ts";

// Storage layouts; the switch in append() is on these small integers, not on type strings.
const BOOL = 0;
const INT = 1;
const TS_UTC = 2;
const TS_LOCAL = 3;
const F64 = 4;
const DAYS = 5;
const BYTES = 6;

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

  constructor(type: ColumnType, capacityRows: number) {
    this.type = type;
    this.layout = layoutOf(type);
    this.capacity = Math.max(16, capacityRows | 0);
    this.nulls = new Uint8Array(this.capacity);
    this.allocate();
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

  appendNull(): void {
    const row = this.count;
    if (row === this.capacity) this.grow();
    this.nulls[row] = 1;
    if (this.layout === BYTES) this.offsets[row + 1] = this.dataLength;
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
    this.nulls = new Uint8Array(this.capacity);
    this.allocate(used);
    return chunk;
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

  /** Fresh value arrays for `capacity` rows; string data sized for about `dataHint` bytes. */
  private allocate(dataHint = 0): void {
    const c = this.capacity;
    switch (this.layout) {
      case BOOL:
        this.bools = new Uint8Array(c);
        break;
      case F64:
        this.doubles = new Float64Array(c);
        break;
      case DAYS:
        this.days = new Int32Array(c);
        break;
      case BYTES:
        this.offsets = new Int32Array(c + 1);
        this.data = new Uint8Array(Math.max(dataHint, 16 * c));
        break;
      default:
        this.int64 = new BigInt64Array(c);
        this.words = new Int32Array(this.int64.buffer);
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
