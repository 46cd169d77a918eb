// Counters tests assert on, and event-driven waiting for faults.

import { FAULT_KINDS, type FaultKind } from "./faults";

export interface RequestRecord {
  readonly method: string;
  /** Request target as sent (path and query). */
  readonly target: string;
  /** The fault this request drew, if any. */
  readonly fault: FaultKind | null;
}

export interface FaultProxyStats {
  /** Client TCP connections accepted. */
  connections: number;
  /** Request heads received from clients. */
  requests: number;
  /** Requests whose head was sent upstream (plain, throttled, truncated, reset-after-bytes). */
  forwarded: number;
  /** Faults that took effect, per kind (cumulative since start; clear() keeps them). */
  faulted: Record<FaultKind, number>;
  /** Bytes written to the upstream server (heads and bodies). */
  bytesToUpstream: number;
  /** Bytes written back to clients (heads and bodies). */
  bytesToClient: number;
  /** Bytes that went through a throttle, both directions. */
  throttledBytes: number;
  /** Every request in arrival order. */
  readonly log: RequestRecord[];
}

export function emptyStats(): FaultProxyStats {
  const faulted = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  return { connections: 0, requests: 0, forwarded: 0, faulted, bytesToUpstream: 0, bytesToClient: 0, throttledBytes: 0, log: [] };
}

interface Waiter {
  kind: FaultKind;
  count: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class FaultTracker {
  readonly stats: FaultProxyStats = emptyStats();
  private waiters: Waiter[] = [];

  applied(kind: FaultKind): void {
    this.stats.faulted[kind] += 1;
    const ready = this.waiters.filter((w) => w.kind === kind && this.stats.faulted[kind] >= w.count);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  /** Resolves once `count` faults of `kind` have taken effect since the proxy started. */
  waitFor(kind: FaultKind, count: number): Promise<void> {
    if (this.stats.faulted[kind] >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ kind, count, resolve, reject }));
  }

  /** Fails pending waits so a test blocked on a fault that can no longer happen errors out. */
  abandonWaiters(reason: string): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error(`${reason} before ${w.count} "${w.kind}" fault(s) happened`));
  }
}
