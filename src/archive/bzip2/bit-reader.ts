/**
 * The bit input of the bzip2 decoder: pulls chunks from the source only when asked to, keeps the
 * unread bytes in one growable buffer and serves bits MSB first from a 32-bit register.
 *
 * Invariants:
 *  - Pull-based: a chunk is read from the source only inside ensure(), i.e. when a decoding step
 *    needs more bytes than the buffer holds. The buffer holds the unread bytes of the last chunks
 *    plus a few already-read bytes (HISTORY, for unreadBits), so its size is about one source
 *    chunk, whatever the expansion ratio.
 *  - Register: `bitBuf` holds `bitCount` (0..31) unread bits in its low bits, the next bit at
 *    position bitCount-1; bits above are stale. Bytes are loaded from buf[pos], always below `end`.
 *    The hot loop (block-decoder.ts) works on copies of these public fields and writes them back.
 *  - End of input: once the source has ended, ensure() pads the buffer with zero bytes instead of
 *    failing, so decoding steps never need a bounds branch per bit. Whatever was decoded from the
 *    padding is recognisable afterwards: `overrun` is true as soon as a consumed bit lies past the
 *    real end. Every check that lets output out (block end, stream end) and every error path looks
 *    at it first: bits past the end make the result ARCHIVE_TRUNCATED, never data.
 *  - close() ends the source's iterator (return()) unless it already finished; it is idempotent.
 */

/** Already-read bytes kept before `pos` when compacting (the register holds at most 3 whole ones). */
const HISTORY = 8;
const MIN_CAPACITY = 64 * 1024;

export class BitReader {
  /** Input bytes; [pos, end) are not yet loaded into the register. */
  buf: Uint8Array = new Uint8Array(MIN_CAPACITY);
  pos = 0;
  end = 0;
  bitBuf = 0;
  bitCount = 0;
  /** True once the source said it has no more chunks (from then on, bytes past realEnd are padding). */
  sourceEnded = false;

  /** Absolute input offset of buf[0]. */
  private base = 0;
  /** Absolute input offset where the real input ends; known once sourceEnded. */
  private realEnd = Number.POSITIVE_INFINITY;
  private readonly it: AsyncIterator<Uint8Array>;
  private finished = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Absolute position of the next unread bit. */
  get bitPosition(): number {
    return (this.base + this.pos) * 8 - this.bitCount;
  }

  /** Compressed bytes consumed (for messages), never past the real end of input. */
  get byteOffset(): number {
    return Math.min(Math.floor(this.bitPosition / 8), this.realEnd);
  }

  /** True when some bit consumed so far lies past the end of the input (it was zero padding). */
  get overrun(): boolean {
    return this.sourceEnded && this.bitPosition > this.realEnd * 8;
  }

  /** Makes at least `n` bytes loadable from `pos` (real input, or zero padding after the end). */
  async ensure(n: number): Promise<void> {
    while (this.end - this.pos < n) {
      if (this.sourceEnded) {
        this.pad(this.pos + n);
        return;
      }
      const r = await this.it.next();
      if (r.done) {
        this.finished = true;
        this.sourceEnded = true;
        this.realEnd = this.base + this.end;
      } else if (r.value.length > 0) {
        this.append(r.value);
      }
    }
  }

  /** The next `n` bits (1..24) as an unsigned number; the caller has ensure()d the bytes. */
  bits(n: number): number {
    while (this.bitCount < n) {
      this.bitBuf = (this.bitBuf << 8) | this.buf[this.pos++]!;
      this.bitCount += 8;
    }
    this.bitCount -= n;
    return (this.bitBuf >>> this.bitCount) & ((1 << n) - 1);
  }

  bit(): number {
    if (this.bitCount === 0) {
      this.bitBuf = this.buf[this.pos++]!;
      this.bitCount = 8;
    }
    return (this.bitBuf >>> --this.bitCount) & 1;
  }

  /** Skips to the next byte boundary and gives the register's whole bytes back to the buffer. */
  alignToByte(): void {
    this.pos -= this.bitCount >>> 3;
    this.bitCount = 0;
  }

  /**
   * After alignToByte(): how many real input bytes (up to `n`) follow, at buf[pos..]. Fewer than
   * `n` only at the end of the input.
   */
  async peekBytes(n: number): Promise<number> {
    await this.ensure(n);
    return Math.max(0, Math.min(n, this.realEnd - this.base - this.pos));
  }

  /**
   * After alignToByte(): consumes zero bytes up to the end of the input. True when the input ended
   * with only zeros; false at the first non-zero byte (left unread).
   */
  async skipZerosToEnd(): Promise<boolean> {
    for (;;) {
      if ((await this.peekBytes(1)) === 0) return true;
      const stop = Math.min(this.end, this.realEnd - this.base);
      const buf = this.buf;
      let p = this.pos;
      while (p < stop && buf[p] === 0) p++;
      this.pos = p;
      if (p < stop) return false;
    }
  }

  /** Stops the source (its iterator's return()) unless it has already ended. */
  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.it.return?.();
    } catch {
      // The source failing to close is not news to the consumer, who has stopped reading anyway.
    }
  }

  private append(chunk: Uint8Array): void {
    const keep = Math.max(0, this.pos - HISTORY);
    const tail = this.end - keep;
    const need = tail + chunk.length;
    const cap = this.buf.length;
    if (need > cap || (cap > 4 * MIN_CAPACITY && need * 4 < cap)) {
      const next = new Uint8Array(Math.max(MIN_CAPACITY, need + (need >>> 2)));
      next.set(this.buf.subarray(keep, this.end));
      this.buf = next;
    } else if (keep > 0) {
      this.buf.copyWithin(0, keep, this.end);
    }
    this.buf.set(chunk, tail);
    this.base += keep;
    this.pos -= keep;
    this.end = need;
  }

  /** After the end of input: zero bytes up to buf index `upTo`. */
  private pad(upTo: number): void {
    if (upTo > this.buf.length) {
      const next = new Uint8Array(upTo + 64);
      next.set(this.buf.subarray(0, this.end));
      this.buf = next;
    }
    this.buf.fill(0, this.end, upTo);
    this.end = upTo;
  }
}
