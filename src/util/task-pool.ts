/**
 * At most `limit` tasks running at once; the caller waits for a free slot before starting another
 * (the wait is the backpressure: nothing queues). The first failure is kept and thrown to the
 * caller at its next `run` or `drain`; `settle` waits for everything still running whatever
 * happened, so a caller that failed can report only after its in-flight work ended.
 *
 * Invariants: `running.size <= limit`; a task's failure is never lost (first one wins, later
 * ones are the same story told again and are dropped).
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`a task pool needs at least one slot, got ${limit}`);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `task` once a slot is free; throws the first failure of an earlier task instead. */
  async run(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    while (this.running.size >= this.limit) {
      await Promise.race(this.running);
      this.throwIfFailed();
    }
    const p: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Waits for every running task, then throws the first failure if there was one. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for every running task; never throws. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
