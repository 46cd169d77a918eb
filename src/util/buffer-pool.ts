/**
 * Reusable fixed-size buffers. Under Bun a fresh ArrayBuffer per file is garbage the collector
 * reclaims late (it does not see the outside-heap bytes as pressure): a burst of 10,000 files each
 * with its own read buffer added tens of MB of RSS. Taking a buffer from here and giving it back
 * keeps the set of buffers as small as the number of files read at once.
 *
 * Invariant: a buffer is either out (owned by one caller) or in `free`, never both; `free` never
 * holds more than `maxFree` buffers, so the pool's memory is bounded by the peak of concurrent use.
 */

export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly maxFree: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  give(buffer: Buffer): void {
    if (buffer.length !== this.size) throw new Error(`buffer of ${buffer.length} bytes given to a pool of ${this.size}`);
    if (this.free.length < this.maxFree) this.free.push(buffer);
  }
}
