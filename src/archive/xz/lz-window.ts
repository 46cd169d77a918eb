/**
 * The LZ dictionary: a circular Uint8Array holding the last `size` bytes decoded, which matches copy
 * from, and the staging area output is copied out of.
 *
 * Invariants:
 *  - Bytes are decoded at `pos`; [flushed, pos) is decoded but not yet copied to the caller's output.
 *    Decoders never write past `size` in one step: callers pass an output limit ≤ size, and wrap
 *    (pos back to 0, `full` set) only once everything up to `size` has been flushed, so the circular
 *    buffer never overwrites bytes nobody has taken yet.
 *  - `full` says the whole buffer holds history; before that only [0, pos) does. A match distance
 *    must stay within `available` (match distances are 1-based: distance d reads pos - d).
 *  - `size` is rounded up to a multiple of 16: the low bits of `pos` are then the low bits of the
 *    position in the uncompressed stream, which LZMA's pb/lp (≤ 4 bits) select models by.
 *  - Memory: exactly one allocation of `size` bytes, made by the constructor. Nothing here checks
 *    limits: whoever constructs a window has asked the limit tracker first.
 */
export class LzWindow {
  readonly buf: Uint8Array;
  readonly size: number;
  pos = 0;
  flushed = 0;
  full = false;

  /** The size a window for `bytes` gets (rounded up to a multiple of 16, at least 16). */
  static sizeFor(bytes: number): number {
    return Math.max(16, Math.ceil(bytes / 16) * 16);
  }

  /** `bytes`: the dictionary size a stream declares (or less, when its output is known to be smaller). */
  constructor(bytes: number) {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`LzWindow: bad size ${bytes}`);
    this.size = LzWindow.sizeFor(bytes);
    this.buf = new Uint8Array(this.size);
  }

  /** Forgets all history (LZMA2 dictionary reset, a new xz block). Only valid with nothing pending. */
  reset(): void {
    this.pos = 0;
    this.flushed = 0;
    this.full = false;
  }

  /** Bytes a match may reach back: the whole buffer once it has wrapped, else what was decoded. */
  get available(): number {
    return this.full ? this.size : this.pos;
  }

  /** Decoded bytes not yet copied out. */
  get pending(): number {
    return this.pos - this.flushed;
  }

  /** Where decoding may go up to now without passing `room` bytes of output or the buffer's end. */
  limit(room: number): number {
    return Math.min(this.size, this.pos + room);
  }

  /**
   * Copies pending bytes into out[outPos, outEnd); returns the new outPos. Wraps the buffer when all
   * of it was taken, so the next decode step starts at 0.
   */
  flush(out: Uint8Array, outPos: number, outEnd: number): number {
    const n = Math.min(this.pos - this.flushed, outEnd - outPos);
    if (n > 0) {
      out.set(this.buf.subarray(this.flushed, this.flushed + n), outPos);
      this.flushed += n;
      outPos += n;
    }
    if (this.flushed === this.size) {
      this.pos = 0;
      this.flushed = 0;
      this.full = true;
    }
    return outPos;
  }

  /** Appends raw bytes (an LZMA2 uncompressed chunk) up to `limit`; returns how many were taken. */
  write(src: Uint8Array, from: number, n: number, limit: number): number {
    const take = Math.min(n, limit - this.pos);
    this.buf.set(src.subarray(from, from + take), this.pos);
    this.pos += take;
    return take;
  }
}

/**
 * Copies a match of n bytes from `src` (the position rep0 + 1 bytes back, already wrapped) to `pos`,
 * with pos + n ≤ size; returns pos + n. LZ semantics: a source that overlaps the destination repeats
 * itself (distance 1 = a run of one byte), which a forward byte copy gives and copyWithin does not.
 */
export function copyMatch(buf: Uint8Array, size: number, pos: number, src: number, rep0: number, n: number): number {
  const end = pos + n;
  if (src + n <= size) {
    if (rep0 === 0) buf.fill(buf[src]!, pos, end); // a run of one byte
    else if (rep0 + 1 >= n || src > pos) buf.copyWithin(pos, src, src + n); // no overlap, or memmove-safe
    else while (pos < end) buf[pos++] = buf[src++]!; // overlapping: repeats the last rep0 + 1 bytes
    return end;
  }
  // The source straddles the end of the buffer: it continues at 0.
  while (pos < end) {
    buf[pos++] = buf[src++]!;
    if (src === size) src = 0;
  }
  return end;
}
