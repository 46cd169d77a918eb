/**
 * Decides when a file is completely written: its fingerprint must stay the same for a whole quiet
 * window. Pure bookkeeping with the clock passed in; the caller stats files and feeds fingerprints.
 *
 * Invariants: entries are kept in the order of their last fingerprint change (a Map re-inserted on
 * change), so `due` returns files in the order their windows end, which is the order they become
 * ready; an entry is either waiting here or gone (ready, forgotten), never both.
 */
import { sameFingerprint, type Fingerprint } from "./fingerprint.ts";

interface Settling {
  fp: Fingerprint;
  since: number;
}

export class StabilityGate {
  private readonly entries = new Map<string, Settling>();

  constructor(private readonly windowMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(relPath: string): boolean {
    return this.entries.has(relPath);
  }

  /** Records a fingerprint; the window restarts only when the fingerprint differs from the last one. */
  observe(relPath: string, fp: Fingerprint, now: number): void {
    const cur = this.entries.get(relPath);
    if (cur && sameFingerprint(cur.fp, fp)) return;
    this.entries.delete(relPath);
    this.entries.set(relPath, { fp, since: now });
  }

  forget(relPath: string): void {
    this.entries.delete(relPath);
  }

  /** Paths whose quiet window has ended, oldest first. Each must then be confirmed with a fresh stat. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [relPath, e] of this.entries) {
      if (e.since + this.windowMs > now) break;
      out.push(relPath);
    }
    return out;
  }

  /**
   * Checks a fresh fingerprint of a due file. Unchanged → the file is ready and leaves the gate
   * (returns true). Changed → its window starts again (returns false).
   */
  confirm(relPath: string, fresh: Fingerprint, now: number): boolean {
    const cur = this.entries.get(relPath);
    if (!cur) return false;
    if (sameFingerprint(cur.fp, fresh)) {
      this.entries.delete(relPath);
      return true;
    }
    this.observe(relPath, fresh, now);
    return false;
  }

  /** Paths whose fingerprint was last recorded before `t` (for pruning after a full scan). */
  observedBefore(t: number): string[] {
    const out: string[] = [];
    for (const [relPath, e] of this.entries) {
      if (e.since >= t) break;
      out.push(relPath);
    }
    return out;
  }

  /** When the next window ends, or undefined when nothing waits. */
  nextDueAt(): number | undefined {
    for (const e of this.entries.values()) return e.since + this.windowMs;
    return undefined;
  }
}
