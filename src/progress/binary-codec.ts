/**
 * Growable byte writer and bounds-checked reader for the progress log's payloads: unsigned LEB128
 * varints (numbers and bigints), length-prefixed UTF-8 strings, single bytes. The reader throws
 * CodecError on any overrun, so a damaged payload can never be read past its end.
 */

export class CodecError extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class ByteWriter {
  private buf = new Uint8Array(256);
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  /** Unsigned varint for a non-negative safe integer. */
  uint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`cannot encode ${v} as an unsigned varint`);
    return this.big(BigInt(v));
  }

  /** Unsigned varint for a non-negative bigint (fingerprint fields are 64-bit). */
  big(v: bigint): this {
    if (v < 0n) throw new CodecError(`cannot encode negative ${v}`);
    this.ensure(10);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.buf[this.pos++] = byte;
    } while (v !== 0n);
    return this;
  }

  str(s: string): this {
    const bytes = encoder.encode(s);
    this.uint(bytes.length);
    return this.bytes(bytes);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export class ByteReader {
  private pos: number;

  /** The same bytes as a Buffer, for its native latin1 slicing of ASCII strings. */
  private readonly latin1: Buffer;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
    this.latin1 = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw new CodecError("payload ends inside a byte field");
    return this.buf[this.pos++]!;
  }

  /**
   * Varints are read into numbers 7 bits at a time (exact up to 2^53) and only turned into a
   * bigint at the end: per-byte bigint arithmetic made a 100,000-entry replay several times slower.
   */
  big(): bigint {
    let lo = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const byte = this.u8();
      lo += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return BigInt(lo);
      scale *= 128;
    }
    // 49 bits read; at most 3 more bytes (64 bits in all).
    let hi = 0;
    scale = 1;
    for (let i = 0; i < 3; i++) {
      const byte = this.u8();
      hi += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return (BigInt(hi) << 49n) | BigInt(lo);
      scale *= 128;
    }
    throw new CodecError("varint longer than 10 bytes");
  }

  uint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.u8();
      v += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        // Rounding is monotonic: a true value above 2^53 - 1 never lands at or below it.
        if (v > Number.MAX_SAFE_INTEGER) throw new CodecError(`varint ${v} is not a safe integer`);
        return v;
      }
      scale *= 128;
    }
    throw new CodecError("varint longer than 10 bytes");
  }

  /** Where the next read starts. */
  get offset(): number {
    return this.pos;
  }

  /** Steps over a varint without decoding it. */
  skipVarint(): void {
    for (let i = 0; i < 10; i++) if ((this.u8() & 0x80) === 0) return;
    throw new CodecError("varint longer than 10 bytes");
  }

  /** Steps over a string without decoding it (its UTF-8 is checked when it is read for real). */
  skipStr(): void {
    const n = this.uint();
    if (this.pos + n > this.end) throw new CodecError("payload ends inside a string");
    this.pos += n;
  }

  str(): string {
    const n = this.uint();
    if (this.pos + n > this.end) throw new CodecError("payload ends inside a string");
    const start = this.pos;
    this.pos += n;
    // Paths and keys are mostly ASCII: a native latin1 slice is several times faster than a
    // TextDecoder call per string, and for ASCII bytes it is the same string.
    if (isAscii(this.buf, start, this.pos)) return this.latin1.toString("latin1", start, this.pos);
    const s = this.buf.subarray(start, this.pos);
    try {
      return decoder.decode(s);
    } catch {
      throw new CodecError("string is not valid UTF-8");
    }
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new CodecError("payload ends inside a byte run");
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}
