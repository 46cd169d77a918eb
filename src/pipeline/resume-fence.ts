/**
 * After a crash, the files the killed run was working on wait DSP_RESUME_DELAY before anything of
 * theirs is touched again: their leftovers cleaned up (crash-cleanup.ts), their uploads started over.
 *
 * Why a wait: a request the killed process had already sent can still be carried out by the store
 * after the process died. Measured against SeaweedFS in the kill loop: a PutObject landed more
 * than half a second after the kill, on top of the newer version the restarted run had uploaded
 * and verified meanwhile. The new run cannot cancel such a request; it can only let it land (or
 * die) first. A multipart upload whose id is logged is fenced by aborting it (a late part or
 * Complete then fails), but a single PutObject, a CreateMultipartUpload whose id never reached the
 * log, and the PutObject of an archive entry are not: cleaning up or uploading again before they
 * have settled would let them land afterwards, as an older version or an orphan.
 *
 * Invariants: a fenced file reaches the scheduler only after its cleanup ran; the files the watcher
 * hands over meanwhile are held (the latest per path; the watcher offers a path again only after
 * it is released, so this map is bounded by the fenced set) and released after; the cleanup runs
 * once, only for the files fenced at start (a file this run has started on is not a leftover);
 * a stop ends the wait without cleaning up or releasing anything (the next start fences again);
 * `whenClear` resolves once the fence is down, or at a stop.
 */
import { describeError, isDspError } from "../errors.ts";
import type { Logger } from "../log.ts";

export interface ResumeFenceOptions<F> {
  /** The files the previous run left unfinished (crash-cleanup.ts `leftoversOf`). */
  relPaths: readonly string[];
  delayMs: number;
  /** Wall clock, for the log line saying until when. */
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A stop request: the wait ends, nothing is cleaned up or released. */
  signal: AbortSignal;
  cleanUp: (relPaths: readonly string[]) => Promise<unknown>;
  /** Hands a held file on to the pipeline. */
  release: (file: F) => void;
  log: Logger;
}

export class ResumeFence<F extends { relPath: string }> {
  private readonly fenced: Set<string>;
  private readonly held = new Map<string, F>();
  private readonly down: Promise<void>;

  constructor(private readonly o: ResumeFenceOptions<F>) {
    this.fenced = new Set(o.relPaths);
    this.down = this.fenced.size === 0 ? Promise.resolve() : this.wait();
  }

  /** The file must wait: hand it to `hold` instead of the pipeline. */
  holds(relPath: string): boolean {
    return this.fenced.has(relPath);
  }

  hold(file: F): void {
    this.held.set(file.relPath, file);
  }

  /** Some files still wait for the fence to come down. */
  get waiting(): boolean {
    return this.fenced.size > 0;
  }

  whenClear(): Promise<void> {
    return this.down;
  }

  private async wait(): Promise<void> {
    const { o } = this;
    o.log.info("files the interrupted run was uploading wait until its requests have settled", {
      files: this.fenced.size,
      until: new Date(o.now() + o.delayMs).toISOString(),
      resume_delay_ms: o.delayMs,
    });
    try {
      await o.sleep(o.delayMs, o.signal);
      await o.cleanUp([...this.fenced]);
    } catch (err) {
      if (o.signal.aborted || isDspError(err, "SHUTDOWN")) return;
      // The cleanup logs and keeps per-file failures itself (the next start tries again): anything
      // else is a bug, reported, and the files go on (their entries keep what is left to clean).
      o.log.error("cleanup of the interrupted run failed", { error: "INTERNAL", details: describeError(err) });
    }
    if (o.signal.aborted) return;
    const files = this.fenced.size;
    this.fenced.clear();
    const held = [...this.held.values()];
    this.held.clear();
    o.log.info("resuming the files of the interrupted run", { files, ready: held.length });
    for (const file of held) o.release(file);
  }
}
