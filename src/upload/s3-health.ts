/**
 * The S3 availability gate. Any request that finds the store unreachable reports it here; the gate
 * closes, every request waits at it before being sent (so work pauses instead of burning retries),
 * and one prober sends a cheap HeadBucket with growing intervals capped at `maxProbeIntervalMs`
 * until the store answers. Then the gate opens and everyone resumes, within one probe interval of
 * the store coming back.
 *
 * Invariants: at most one probe loop runs; while `down` is false no one waits; every waiter is
 * released when the gate opens or when the shutdown signal fires.
 */
import type { Logger } from "../log.ts";
import { describeError } from "../errors.ts";

export interface HealthOptions {
  /** Resolves when the store answers (any HTTP answer that proves reachability), throws otherwise. */
  probe: (signal: AbortSignal) => Promise<void>;
  log: Logger;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
  signal: AbortSignal;
  firstProbeDelayMs?: number;
  maxProbeIntervalMs?: number;
}

export class S3Health {
  private down = false;
  private since = 0;
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  /**
   * Increments once per outage in which a probe failed too, i.e. the store was really unreachable
   * and not just slow to answer one request. Retries compare it before and after a failure.
   */
  confirmedOutages = 0;

  constructor(private readonly opts: HealthOptions) {}

  get isDown(): boolean {
    return this.down;
  }

  /** Resolves immediately while the store is reachable; otherwise when it is again (or on shutdown). */
  waitUntilUp(): Promise<void> {
    return this.opened;
  }

  reportUnreachable(err: unknown): void {
    if (this.down || this.opts.signal.aborted) return;
    this.down = true;
    this.since = this.opts.now();
    this.opened = new Promise<void>((resolve) => (this.open = resolve));
    this.opts.log.error("S3 unreachable: pausing uploads and probing until it answers", {
      error: "S3_UNREACHABLE",
      details: describeError(err),
    });
    void this.probeLoop();
  }

  private async probeLoop(): Promise<void> {
    const { probe, sleep, signal } = this.opts;
    let interval = this.opts.firstProbeDelayMs ?? 1000;
    const cap = this.opts.maxProbeIntervalMs ?? 15_000;
    let probes = 0;
    while (!signal.aborted) {
      try {
        await sleep(interval, signal);
      } catch {
        break; // shutdown
      }
      probes++;
      try {
        await probe(signal);
        const downMs = this.opts.now() - this.since;
        this.opts.log.info("S3 reachable again: resuming uploads", { down_ms: downMs, probes });
        break;
      } catch (err) {
        if (probes === 1) this.confirmedOutages++;
        this.opts.log.debug("S3 probe failed", { details: describeError(err), next_probe_ms: Math.min(cap, interval * 2) });
        interval = Math.min(cap, interval * 2);
      }
    }
    this.down = false;
    this.open();
  }
}
