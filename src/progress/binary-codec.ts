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

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw new CodecError("payload ends inside a byte field");
    return this.buf[this.pos++]!;
  }

  big(): bigint {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.u8();
      v |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return v;
      shift += 7n;
    }
    throw new CodecError("varint longer than 10 bytes");
  }

  uint(): number {
    const v = this.big();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError(`varint ${v} is not a safe integer`);
    return Number(v);
  }

  str(): string {
    const n = this.uint();
    if (this.pos + n > this.end) throw new CodecError("payload ends inside a string");
    const s = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
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
