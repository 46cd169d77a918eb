/**
 * A one-slot bridge from a producer that pushes byte chunks (the Parquet writer calls an async
 * `write`) to a consumer that pulls them (the S3 part source iterates). `push` resolves only when
 * the consumer has taken the chunk, so the producer can never run ahead by more than one chunk:
 * backpressure from S3 reaches the converter, and nothing queues without bound.
 *
 * Invariants: at most one chunk waits in the slot; after `close` or `fail` no push is accepted;
 * a consumer that stops early (`return` on the iterator, e.g. the upload failed) makes every
 * pending and later push reject with the reason, so the producer stops too.
 */

export class ByteChannel implements AsyncIterable<Uint8Array> {
  private slot: { chunk: Uint8Array; taken: () => void; refused: (err: unknown) => void } | undefined;
  private waitingConsumer: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  private waitingConsumerFail: ((err: unknown) => void) | undefined;
  private closed = false;
  private error: unknown;
  private cancelled: unknown;

  /** Hands a chunk to the consumer; resolves when it was taken. */
  push(chunk: Uint8Array): Promise<void> {
    if (this.cancelled !== undefined) return Promise.reject(this.cancelled);
    if (this.closed) return Promise.reject(new Error("push after close"));
    if (this.slot) return Promise.reject(new Error("push while a chunk is waiting: await the previous push"));
    if (chunk.length === 0) return Promise.resolve();
    if (this.waitingConsumer) {
      const deliver = this.waitingConsumer;
      this.clearConsumer();
      deliver({ value: chunk, done: false });
      return Promise.resolve();
    }
    return new Promise<void>((taken, refused) => (this.slot = { chunk, taken, refused }));
  }

  /** The producer is done: the consumer sees the end after the last chunk. */
  close(): void {
    this.closed = true;
    if (!this.slot && this.waitingConsumer) {
      const deliver = this.waitingConsumer;
      this.clearConsumer();
      deliver({ value: undefined, done: true });
    }
  }

  /** The producer failed: the consumer's next pull throws `err`. */
  fail(err: unknown): void {
    this.closed = true;
    this.error = err ?? new Error("producer failed");
    if (this.waitingConsumerFail) {
      const reject = this.waitingConsumerFail;
      this.clearConsumer();
      reject(this.error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.pull(),
      return: async () => {
        this.cancel(new Error("the consumer stopped reading"));
        return { value: undefined, done: true };
      },
    };
  }

  /** The consumer gives up: pending and later pushes reject with `reason`. */
  cancel(reason: unknown): void {
    this.cancelled = reason;
    const slot = this.slot;
    this.slot = undefined;
    slot?.refused(reason);
  }

  private pull(): Promise<IteratorResult<Uint8Array>> {
    if (this.slot) {
      const { chunk, taken } = this.slot;
      this.slot = undefined;
      taken();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waitingConsumer = resolve;
      this.waitingConsumerFail = reject;
    });
  }

  private clearConsumer(): void {
    this.waitingConsumer = undefined;
    this.waitingConsumerFail = undefined;
  }
}
