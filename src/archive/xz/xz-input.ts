/**
 * The compressed side of a streaming decoder: pulls chunks from an async source only when the bytes
 * it holds are used up, exposes the current chunk for decoders that consume slices in place, and
 * copies only for fixed-size structures that span chunks (headers, footers: at most 1 KiB).
 *
 * Invariants:
 *  - At most one source chunk is referenced at a time (plus one small copy): backpressure reaches
 *    the source, and memory does not grow with the input.
 *  - `position` is the number of compressed bytes consumed so far, for error offsets.
 *  - close() stops the source (its iterator's return()) unless it has already ended; callers run it
 *    in a finally, so a consumer that stops early, or a decoding error, stops the source too.
 */

const EMPTY = new Uint8Array(0);

export class XzInput {
  private readonly it: AsyncIterator<Uint8Array>;
  /** The current chunk; bytes [pos, chunk.length) are not consumed yet. */
  chunk: Uint8Array = EMPTY;
  pos = 0;
  private base = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Compressed bytes consumed so far. */
  get position(): number {
    return this.base + this.pos;
  }

  /** Unconsumed bytes in the current chunk. */
  get available(): number {
    return this.chunk.length - this.pos;
  }

  /** Makes at least one byte available; false when the source has ended. */
  async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        this.base += this.chunk.length;
        this.chunk = EMPTY;
        this.pos = 0;
        return false;
      }
      this.base += this.chunk.length;
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  /** The next byte without consuming it, or -1 at the end of the input. */
  async peek(): Promise<number> {
    if (this.pos < this.chunk.length || (await this.fill())) return this.chunk[this.pos]!;
    return -1;
  }

  /**
   * Exactly n bytes, or fewer if the input ends first (the caller decides what a short read means).
   * A view into the current chunk when it holds them all; a copy otherwise.
   */
  async read(n: number): Promise<Uint8Array> {
    if (this.chunk.length - this.pos >= n) {
      const out = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = Math.min(n - got, this.chunk.length - this.pos);
      out.set(this.chunk.subarray(this.pos, this.pos + take), got);
      this.pos += take;
      got += take;
    }
    return got === n ? out : out.subarray(0, got);
  }

  /** Consumes n bytes of the current chunk (n ≤ available). */
  advance(n: number): void {
    this.pos += n;
  }

  /** Stops the source if it has not ended (idempotent). */
  async close(): Promise<void> {
    this.chunk = EMPTY;
    this.pos = 0;
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }
}
