/**
 * Counting semaphore with FIFO waiters. Used for "S3 requests in flight" and, weighted by bytes,
 * for the memory budget. Invariant: 0 <= available <= capacity; waiters are served in arrival order
 * so a large request is not starved by a stream of small ones.
 */

interface Waiter {
  amount: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class Semaphore {
  readonly capacity: number;
  private available: number;
  private readonly waiters: Waiter[] = [];

  constructor(capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`semaphore capacity must be positive, got ${capacity}`);
    this.capacity = capacity;
    this.available = capacity;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  /** Waits until `amount` units are free and takes them. Amounts above capacity are clamped. */
  acquire(amount = 1, signal?: AbortSignal): Promise<void> {
    const want = Math.min(amount, this.capacity);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiters.length === 0 && this.available >= want) {
      this.available -= want;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        amount: want,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason);
          this.drain();
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(amount = 1): void {
    const give = Math.min(amount, this.capacity);
    this.available += give;
    if (this.available > this.capacity) throw new Error(`semaphore over-released: ${this.available} > ${this.capacity}`);
    this.drain();
  }

  /** Runs fn while holding `amount` units. */
  async with<T>(fn: () => Promise<T>, amount = 1, signal?: AbortSignal): Promise<T> {
    await this.acquire(amount, signal);
    try {
      return await fn();
    } finally {
      this.release(amount);
    }
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.available >= this.waiters[0]!.amount) {
      const w = this.waiters.shift()!;
      this.available -= w.amount;
      w.signal?.removeEventListener("abort", w.onAbort);
      w.resolve();
    }
  }
}
