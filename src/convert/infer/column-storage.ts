/**
 * The typed arrays behind one column chunk (column-types.ts ColumnChunk) and their life cycle:
 * growing, null rows, taking rows back, handing the chunk over and reusing its arrays later.
 * Parsing text into them is column-builder.ts's part (ColumnBuilder extends this class, so the hot
 * appends reach the arrays as fields of the same object, with no extra indirection per cell).
 *
 * Invariants: rows <= capacity (storage doubles when a row finds it full, so capacityRows is a
 * hint); a null row has a zero value slot and, for STRING/JSON, an empty byte range; take() hands
 * the arrays over to the caller and starts fresh ones, or the arrays of an earlier chunk that the
 * caller gave back (recycle): a taken chunk is written again only after it was given back.
 */

import type { ColumnChunk, ColumnType } from "../column-types.ts";

/**
 * Storage layouts: switches are on these small integers, not on type strings. A const enum, so the
 * bundle puts the numbers themselves in column-builder.ts's switches too (an imported const stays
 * a variable there, and a switch on variables is a chain of comparisons, not a jump table).
 */
export const enum Layout {
  BOOL,
  INT,
  TS_UTC,
  TS_LOCAL,
  F64,
  DAYS,
  BYTES,
}

/**
 * Which ColumnBuilder.appendUnquoted* method a column takes: its storage layout, named by the
 * column type (BYTES for STRING and JSON).
 */
export const FastKind = {
  BOOLEAN: Layout.BOOL,
  INT64: Layout.INT,
  TIMESTAMP_UTC: Layout.TS_UTC,
  TIMESTAMP_LOCAL: Layout.TS_LOCAL,
  DOUBLE: Layout.F64,
  DATE: Layout.DAYS,
  BYTES: Layout.BYTES,
} as const;
export type FastKind = (typeof FastKind)[keyof typeof FastKind];

/** Bytes of one value slot per layout (BYTES: its offsets, 4 per row plus one, counted apart). */
const SLOT_BYTES = [1, 8, 8, 8, 8, 4, 0];

const MAX_DATA = 2 ** 31 - 1; // offsets are Int32
const SHORT_COPY = 32; // below this a byte loop beats creating a subarray for set()

export class ColumnStorage {
  readonly type: ColumnType;
  protected readonly layout: Layout;
  protected capacity: number;
  protected count = 0;
  protected nulls: Uint8Array;
  // One value array per layout, each its own field so every hot access sees a single array type.
  protected bools = new Uint8Array(0);
  protected int64 = new BigInt64Array(0);
  protected words = new Int32Array(0); // view of int64's memory
  protected doubles = new Float64Array(0);
  protected days = new Int32Array(0);
  protected data = new Uint8Array(0);
  protected offsets = new Int32Array(1);
  protected dataLength = 0;
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
    const layout = layoutOf(type);
    return layout === Layout.BYTES ? 5 + textBytes : 1 + SLOT_BYTES[layout]!;
  }

  get rows(): number {
    return this.count;
  }

  /** Bytes the chunk holds so far (values, null mask, string data and offsets): for bounding chunks. */
  get byteSize(): number {
    const n = this.count;
    return this.layout === Layout.BYTES ? n + this.dataLength + 4 * (n + 1) : (1 + SLOT_BYTES[this.layout]!) * n;
  }

  appendNull(): void {
    const row = this.nextRow();
    this.nulls[row] = 1;
    // The slot is zeroed: recycled arrays hold the values of an earlier row group.
    if (this.layout === Layout.BYTES) this.offsets[row + 1] = this.dataLength;
    else this.clearValue(row);
    this.count = row + 1;
  }

  /**
   * Drops the rows from `rows` on (at most the few the CSV fast path appended for a row it then
   * gave up): their null flags and value slots are zeroed again, as a fresh row expects.
   */
  truncate(rows: number): void {
    if (rows >= this.count) return;
    for (let row = rows; row < this.count; row++) {
      this.nulls[row] = 0;
      if (this.layout !== Layout.BYTES) this.clearValue(row);
    }
    if (this.layout === Layout.BYTES) this.dataLength = this.offsets[rows]!;
    this.count = rows;
  }

  /** The chunk built so far; the builder then starts an empty chunk (same type and capacity). */
  take(): ColumnChunk {
    const rows = this.count;
    const nulls = this.nulls.subarray(0, rows);
    const type = this.type;
    // The union's members differ only in which array goes with which type: layoutOf pairs them.
    const chunk = (
      this.layout === Layout.BYTES
        ? { type, rows, nulls, data: this.data.subarray(0, this.dataLength), offsets: this.offsets.subarray(0, rows + 1) }
        : { type, rows, nulls, values: this.valueArray().subarray(0, rows) }
    ) as ColumnChunk;
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

  /** The row the next append writes (this.count), with room made for it. */
  protected nextRow(): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    return row;
  }

  /** Zeroes the value slot of `row` (not for BYTES): a rejected or dropped value must not stay. */
  protected clearValue(row: number): void {
    switch (this.layout) {
      case Layout.BOOL:
        this.bools[row] = 0;
        break;
      case Layout.F64:
        this.doubles[row] = 0;
        break;
      case Layout.DAYS:
        this.days[row] = 0;
        break;
      default:
        this.words[2 * row] = 0;
        this.words[2 * row + 1] = 0;
    }
  }

  /** STRING/JSON: buf[start, end) as the text of row `count` (the caller counts the row). */
  protected appendBytes(buf: Uint8Array, start: number, end: number): void {
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
   * as needed): the recycled ones when they are large enough (their null flags cleared; value
   * slots are written by every append, appendNull included), else fresh ones.
   */
  private allocate(dataHint: number): void {
    const c = this.capacity;
    const spare = this.spare;
    this.spare = null;
    const nulls = reusable(spare?.nulls, c);
    if (nulls) (this.nulls = new Uint8Array(nulls, 0, c)).fill(0);
    else this.nulls = new Uint8Array(c);
    const bytes = spare && "data" in spare ? spare : undefined;
    const values = spare && "values" in spare ? spare.values : bytes?.offsets;
    this.setValueArray(reusable(values, this.valueBytes(c)) ?? new ArrayBuffer(this.valueBytes(c)));
    if (this.layout === Layout.BYTES) {
      this.offsets[0] = 0;
      const want = Math.max(dataHint, 1024);
      const d = reusable(bytes?.data, want);
      this.data = d ? new Uint8Array(d) : new Uint8Array(want);
    }
  }

  private grow(): void {
    const old = this.valueArray();
    const c = (this.capacity *= 2);
    const nulls = new Uint8Array(c);
    nulls.set(this.nulls);
    this.nulls = nulls;
    const values = new ArrayBuffer(this.valueBytes(c));
    new Uint8Array(values).set(new Uint8Array(old.buffer, old.byteOffset, old.byteLength));
    this.setValueArray(values);
  }

  private growData(need: number): void {
    if (need > MAX_DATA) throw new RangeError(`column chunk over ${MAX_DATA} bytes: take() chunks earlier`);
    const next = new Uint8Array(Math.min(MAX_DATA, Math.max(need, 2 * this.data.length)));
    next.set(this.data.subarray(0, this.dataLength));
    this.data = next;
  }

  /** Bytes of the value array (offsets for BYTES) for `c` rows. */
  private valueBytes(c: number): number {
    return this.layout === Layout.BYTES ? 4 * (c + 1) : SLOT_BYTES[this.layout]! * c;
  }

  /** The layout's value array (offsets for BYTES). */
  private valueArray(): Uint8Array | BigInt64Array | Float64Array | Int32Array {
    switch (this.layout) {
      case Layout.BOOL:
        return this.bools;
      case Layout.F64:
        return this.doubles;
      case Layout.DAYS:
        return this.days;
      case Layout.BYTES:
        return this.offsets;
      default:
        return this.int64;
    }
  }

  /** Makes `buffer` the layout's value array (offsets for BYTES), for the current capacity. */
  private setValueArray(buffer: ArrayBuffer): void {
    const c = this.capacity;
    switch (this.layout) {
      case Layout.BOOL:
        this.bools = new Uint8Array(buffer, 0, c);
        break;
      case Layout.F64:
        this.doubles = new Float64Array(buffer, 0, c);
        break;
      case Layout.DAYS:
        this.days = new Int32Array(buffer, 0, c);
        break;
      case Layout.BYTES:
        this.offsets = new Int32Array(buffer, 0, c + 1);
        break;
      default:
        this.int64 = new BigInt64Array(buffer, 0, c);
        this.words = new Int32Array(buffer, 0, 2 * c);
    }
  }
}

/** The memory of a given-back array when it starts at its buffer's start and holds `bytes`. */
function reusable(view: ArrayBufferView | undefined, bytes: number): ArrayBuffer | null {
  return view !== undefined && view.byteOffset === 0 && view.buffer.byteLength >= bytes ? (view.buffer as ArrayBuffer) : null;
}

function layoutOf(type: ColumnType): Layout {
  return type === "STRING" || type === "JSON" ? Layout.BYTES : FastKind[type];
}
