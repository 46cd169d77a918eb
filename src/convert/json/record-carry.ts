/**
 * The record a chunk cut in two, carried over until its end arrives: its bytes so far, and where
 * it ends in the chunks that follow, found without parsing (the line end for JSON Lines, the
 * bracket depth otherwise: record-boundary.ts), so the record is parsed once, whole.
 *
 * Invariants: bytes[0, length) is the record from its first byte; there is always room for the
 * scanner's 0 sentinel at bytes[length] (sealed() writes it); length never exceeds maxBytes + 1:
 * append() stops there and reports the overflow.
 */

import { RecordBoundary } from "./record-boundary.ts";

const LF = 0x0a;

export class RecordCarry {
  bytes: Uint8Array = new Uint8Array(0);
  length = 0;
  private lines = false;
  private readonly boundary = new RecordBoundary();

  constructor(private readonly maxBytes: number) {}

  /**
   * Starts carrying the record data[from, to) (`lines`: it ends at a line end). False when it is
   * already over maxBytes.
   */
  begin(data: Uint8Array, from: number, to: number, lines: boolean): boolean {
    this.length = 0;
    this.lines = lines;
    this.boundary.reset();
    if (!this.append(data, from, to)) return false;
    if (!lines) this.boundary.find(this.bytes, 0, this.length);
    return true;
  }

  /** Where the carried record ends in `data` (exclusive), or -1 if it goes on past it. */
  findEnd(data: Uint8Array): number {
    return this.lines ? data.indexOf(LF) : this.boundary.find(data, 0, data.length);
  }

  /** Appends data[from, to); false when the record is then over maxBytes (it holds maxBytes + 1). */
  append(data: Uint8Array, from: number, to: number): boolean {
    const need = this.length + (to - from);
    const fits = need <= this.maxBytes;
    const keep = fits ? need : this.maxBytes + 1;
    if (keep >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(keep + 1, Math.min(2 * this.bytes.length, this.maxBytes + 2), 64 * 1024));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data.subarray(from, from + (keep - this.length)), this.length);
    this.length = keep;
    return fits;
  }

  /** The bytes with the sentinel written after the record. */
  sealed(): Uint8Array {
    this.bytes[this.length] = 0;
    return this.bytes;
  }

  /** Drops the record (it has been parsed); keeps the buffer for the next one. */
  clear(): void {
    this.length = 0;
  }

  /** Lets the buffer go. */
  release(): void {
    this.length = 0;
    this.bytes = new Uint8Array(0);
  }
}
