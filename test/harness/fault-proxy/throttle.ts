// Bandwidth limiter for one direction of one exchange.

import { setTimeout as sleep } from "node:timers/promises";

// Pacing granularity: small slices keep the rate smooth instead of bursty.
const SLICES_PER_SECOND = 20;

export class Throttle {
  private nextSendAt = 0;
  private readonly sliceBytes: number;

  constructor(private readonly bytesPerSecond: number) {
    this.sliceBytes = Math.max(1, Math.floor(bytesPerSecond / SLICES_PER_SECOND));
  }

  /**
   * Hands `chunk` to `write` slice by slice, waiting until each slice is due.
   * Time spent idle (e.g. while the server thinks) earns no credit, so a
   * transfer can never burst above the configured rate.
   */
  async pace(chunk: Buffer, write: (slice: Buffer) => Promise<void>): Promise<void> {
    for (let offset = 0; offset < chunk.length; offset += this.sliceBytes) {
      const slice = chunk.subarray(offset, offset + this.sliceBytes);
      const now = performance.now();
      if (this.nextSendAt > now) await sleep(this.nextSendAt - now);
      this.nextSendAt = Math.max(this.nextSendAt, now) + (slice.length / this.bytesPerSecond) * 1000;
      await write(slice);
    }
  }
}
