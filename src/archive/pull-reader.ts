/**
 * A pull-based reader over a chunked byte stream, for parsers of sequential formats (TAR).
 *
 * Invariants:
 *  - Backpressure: a chunk is pulled from the source only when the caller asks for bytes that the
 *    current chunk no longer holds, so at most one source chunk is held at any time.
 *  - take() hands out views into the source's chunks, never copies: callers that keep the bytes must
 *    rely on the source not reusing its buffers (node:zlib, Bun file streams and fs streams do not;
 *    a pooled decoder reuses a chunk only when the exact chunk is recycled, ../util/chunk-pool.ts,
 *    and take() hands a whole chunk on only when nothing of it is left to read here).
 *  - readExact() copies only when the bytes span chunks (a tar header split across two chunks).
 *  - `position` is the absolute number of bytes consumed, for error offsets.
 *  - One operation at a time: a second call while one is pending is a programming error.
 */

const EMPTY = new Uint8Array(0);

export class PullReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  private ended = false;
  private busy = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** True once the source has ended and every byte has been consumed. */
  get atEnd(): boolean {
    return this.ended && this.pos >= this.chunk.length;
  }

  /** Up to `max` bytes (max > 0) from the current chunk, without copying; null at the end of the stream. */
  async take(max: number): Promise<Uint8Array | null> {
    if (this.pos >= this.chunk.length && !(await this.fill())) return null;
    const available = this.chunk.length - this.pos;
    let out: Uint8Array;
    if (this.pos === 0 && max >= available) out = this.chunk;
    else out = this.chunk.subarray(this.pos, this.pos + Math.min(max, available));
    this.pos += out.length;
    this.position += out.length;
    return out;
  }

  /** Exactly `n` bytes, or fewer if the stream ends first (the caller decides what a short read means). */
  async readExact(n: number): Promise<Uint8Array> {
    if (this.chunk.length - this.pos >= n) {
      const out = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.position += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const part = await this.take(n - got);
      if (part === null) return out.subarray(0, got);
      out.set(part, got);
      got += part.length;
    }
    return out;
  }

  /** Consumes up to `n` bytes without looking at them; returns how many were skipped (< n at the end). */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      const part = await this.take(n - skipped);
      if (part === null) break;
      skipped += part.length;
    }
    return skipped;
  }

  /** Stops the source (e.g. a decompressor upstream) when the reader is abandoned early. */
  async close(): Promise<void> {
    this.chunk = EMPTY;
    this.pos = 0;
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }

  private async fill(): Promise<boolean> {
    if (this.busy) throw new Error("PullReader: one read at a time (a body was read while the next entry was requested)");
    this.busy = true;
    try {
      while (this.pos >= this.chunk.length) {
        if (this.ended) return false;
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          this.chunk = EMPTY;
          this.pos = 0;
          return false;
        }
        this.chunk = r.value;
        this.pos = 0;
      }
      return true;
    } finally {
      this.busy = false;
    }
  }
}
