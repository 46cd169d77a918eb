/**
 * The ready queue and its workers: files are taken in the order they became ready and processed
 * by at most `parallel` jobs at once. The queue holds only file names (the files stay on disk), one
 * per file that is ready and waiting, so its length is bounded by the folder's content, and no
 * work starts faster than jobs finish.
 *
 * Invariants: running <= parallel; after stop() no job starts; whenIdle resolves only when the
 * queue is empty and no job runs.
 */

export class Scheduler<T> {
  private queue: T[] = [];
  private head = 0;
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly settled = new Set<Promise<void>>();

  constructor(
    private readonly parallel: number,
    private readonly run: (item: T) => Promise<void>,
    /** run() must report its own failures; a rejection reaching here is a bug, reported, not fatal. */
    private readonly onCrash: (item: T, err: unknown) => void,
  ) {}

  get pending(): number {
    return this.queue.length - this.head;
  }

  get active(): number {
    return this.running;
  }

  get idle(): boolean {
    return this.running === 0 && (this.pending === 0 || this.stopped);
  }

  enqueue(item: T): void {
    if (this.stopped) return;
    this.queue.push(item);
    this.pump();
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops starting jobs; resolves when the running ones have ended. Returns what was never started. */
  async stop(): Promise<T[]> {
    this.stopped = true;
    const dropped = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    await Promise.allSettled([...this.settled]);
    this.notifyIdle();
    return dropped;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.parallel && this.pending > 0) {
      const item = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.running++;
      const p: Promise<void> = this.run(item)
        .catch((err) => this.onCrash(item, err))
        .finally(() => {
          this.running--;
          this.settled.delete(p);
          this.pump();
          this.notifyIdle();
        });
      this.settled.add(p);
    }
  }

  private notifyIdle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
