/**
 * Reads the fields of a 7z header (7-Zip's 7zFormat.txt): bytes, UINT32/UINT64 little-endian, the
 * variable-length NUMBER, bit vectors and "defined" vectors.
 *
 * Invariant: never reads outside its bytes. Whatever does not fit (a field past the end, a number
 * above 2^53) throws NotDirect: the direct reader does not take the archive, and 7-Zip reads it
 * (and judges it) instead.
 */

/** The archive is not one the direct reader takes (or not as it expects): 7-Zip reads it. */
export class NotDirect extends Error {
  override readonly name = "NotDirect";
}

export class HeaderCursor {
  constructor(
    private readonly b: Uint8Array,
    public at = 0,
  ) {}

  get left(): number {
    return this.b.length - this.at;
  }

  byte(): number {
    if (this.at >= this.b.length) throw new NotDirect("the header ends inside a field");
    return this.b[this.at++]!;
  }

  bytes(n: number): Uint8Array {
    if (!(n >= 0 && n <= this.left)) throw new NotDirect(`a field of ${n} bytes runs past the header's end`);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u32(): number {
    const v = this.bytes(4);
    return (v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)) >>> 0;
  }

  /** NUMBER: the leading 1 bits of the first byte count the bytes that follow (low bytes first). */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return this.safe(value + (first & (mask - 1)) * 2 ** (8 * i));
      value += this.byte() * 2 ** (8 * i);
      mask >>= 1;
    }
    return this.safe(value);
  }

  /** A NUMBER that counts things each taking at least one header byte: bounded by what is left. */
  count(): number {
    const n = this.number();
    if (n > this.left) throw new NotDirect(`a count of ${n} is more than the header could describe`);
    return n;
  }

  /** `n` bits, high bit of each byte first. */
  bits(n: number): boolean[] {
    const bytes = this.bytes(Math.ceil(n / 8));
    return Array.from({ length: n }, (_, i) => (bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0);
  }

  /** A "defined" vector: an all-defined byte, else the bits. */
  defined(n: number): boolean[] {
    return this.byte() !== 0 ? new Array<boolean>(n).fill(true) : this.bits(n);
  }

  /** CRCs for the defined ones of `n` items (undefined where not defined). */
  digests(n: number): (number | undefined)[] {
    return this.defined(n).map((d) => (d ? this.u32() : undefined));
  }

  private safe(v: number): number {
    if (!Number.isSafeInteger(v)) throw new NotDirect("a number in the header is above 2^53");
    return v;
  }
}
