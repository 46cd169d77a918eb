/**
 * Reusable buffers for the encoders, so that encoding a page allocates nothing once the buffers
 * have reached the size of the largest page seen.
 *
 * GrowableBytes: encoders write straight into `bytes` at `length` after calling `ensure`, so the
 * hot loops touch a plain Uint8Array and nothing else. Invariants: `bytes[0, length)` is the
 * content; `ensure(n)` guarantees `bytes.length >= length + n` and may replace `bytes` (callers
 * re-read `bytes` after every `ensure`). Whatever must outlive the next `reset()` is copied out.
 *
 * Int32Scratch: an Int32Array valid until the next `get` on the same scratch, contents not cleared.
 */

export class GrowableBytes {
  bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  reset(): void {
    this.length = 0;
  }

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** The content as a view: valid only until the next write or reset. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** The content as a fresh array the caller owns. */
  copyOut(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  pushByte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  pushBytes(source: Uint8Array): void {
    this.ensure(source.length);
    this.bytes.set(source, this.length);
    this.length += source.length;
  }

  pushUint32LE(value: number): void {
    this.ensure(4);
    writeUint32LE(this.bytes, this.length, value);
    this.length += 4;
  }

  /**
   * Unsigned LEB128 varint of a non-negative integer up to 2^53: arithmetic instead of bit
   * operators because Parquet's i64 fields (offsets, sizes) can exceed 32 bits.
   */
  pushVarint(value: number): void {
    this.ensure(10);
    const b = this.bytes;
    let p = this.length;
    while (value >= 0x80) {
      b[p++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    b[p++] = value;
    this.length = p;
  }
}

export function writeUint32LE(target: Uint8Array, at: number, value: number): void {
  target[at] = value & 0xff;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = (value >>> 16) & 0xff;
  target[at + 3] = (value >>> 24) & 0xff;
}

export class Int32Scratch {
  private array = new Int32Array(1024);

  get(minLength: number): Int32Array<ArrayBuffer> {
    if (this.array.length < minLength) {
      let length = this.array.length * 2;
      while (length < minLength) length *= 2;
      this.array = new Int32Array(length);
    }
    return this.array;
  }
}
