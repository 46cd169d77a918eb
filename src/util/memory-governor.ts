/**
 * Keeps the process's resident memory near what it needs. Bun's collector runs late for dsp's
 * pattern (many short requests, each leaving native memory behind JS wrappers): a burst of 10,000
 * small files peaked at 107 MB RSS with the heap mostly garbage, 85 MB with a full collection
 * whenever RSS passed the limit below (7 collections in that burst). The limit is the RSS measured
 * at start, plus the bytes the memory budget has handed out (live data a collection cannot free),
 * plus a fixed headroom.
 *
 * Invariants: at most one collection per `minGapMs`; the check itself is one RSS read.
 */
import type { Logger } from "../log.ts";

export interface GovernorOptions {
  rss: () => number;
  /** Synchronous full collection. */
  collect: () => void;
  /** Bytes currently handed out by the memory budget. */
  budgetInUse: () => number;
  headroomBytes: number;
  now: () => number;
  log: Logger;
  intervalMs?: number;
  minGapMs?: number;
}

export class MemoryGovernor {
  private timer: Timer | undefined;
  private baseline = 0;
  private lastCollect = -Infinity;
  collections = 0;

  constructor(private readonly o: GovernorOptions) {}

  start(): void {
    this.baseline = this.o.rss();
    this.timer = setInterval(() => this.check(), this.o.intervalMs ?? 250);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get limit(): number {
    return this.baseline + this.o.budgetInUse() + this.o.headroomBytes;
  }

  /** One check: collect if resident memory is above the limit and the last collection is not too recent. */
  check(): void {
    const rss = this.o.rss();
    const now = this.o.now();
    if (rss <= this.limit || now - this.lastCollect < (this.o.minGapMs ?? 1000)) return;
    this.lastCollect = now;
    this.o.collect();
    this.collections++;
    this.o.log.debug("memory above its limit: collected garbage", {
      rss_before_mib: Math.round(rss / 2 ** 20),
      rss_after_mib: Math.round(this.o.rss() / 2 ** 20),
      limit_mib: Math.round(this.limit / 2 ** 20),
    });
  }
}
