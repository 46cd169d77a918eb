// Pull-style reading and backpressured writing on raw TCP sockets.
//
// The proxy parses HTTP/1.1 itself, so it needs to read "exactly up to the end of
// the head" or "at most N body bytes" and push the rest back. Node streams offer
// unshift(), but its interaction with flowing mode differs between runtimes; a
// small queue we own behaves the same in Bun and Node.

import type { Socket } from "node:net";

/** Raised when a peer goes away in the middle of a message. */
export class ConnectionClosedError extends Error {
  constructor(what: string) {
    super(`connection closed ${what}`);
    this.name = "ConnectionClosedError";
  }
}

export class SocketReader {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private eof = false;
  private failure: Error | null = null;
  // Several consumers may wait at once (e.g. a body pump and a drain racing at
  // shutdown); all are woken and re-check the queue.
  private waiters: Array<() => void> = [];

  constructor(
    private readonly socket: Socket,
    // Bounds memory per connection: above this the socket is paused, so TCP
    // flow control pushes back on the sender instead of us buffering a whole part.
    private readonly highWaterMark = 256 * 1024,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queued += chunk.length;
      if (this.queued >= this.highWaterMark) socket.pause();
      this.wake();
    });
    socket.on("end", () => {
      this.eof = true;
      this.wake();
    });
    socket.on("error", (err: Error) => {
      this.failure ??= err;
      this.wake();
    });
    socket.on("close", () => {
      this.eof = true;
      this.wake();
    });
  }

  /** True once the peer can send nothing more and everything queued was consumed. */
  get exhausted(): boolean {
    return this.queue.length === 0 && (this.eof || this.failure !== null);
  }

  /** Next bytes (at most `max`), or null at a clean end of stream. */
  async read(max = Number.POSITIVE_INFINITY): Promise<Buffer | null> {
    for (;;) {
      const first = this.queue.shift();
      if (first !== undefined) {
        let chunk = first;
        if (chunk.length > max) {
          this.queue.unshift(chunk.subarray(max));
          chunk = chunk.subarray(0, max);
        }
        this.queued -= chunk.length;
        if (this.queued < this.highWaterMark && this.socket.isPaused()) this.socket.resume();
        return chunk;
      }
      if (this.failure) throw this.failure;
      if (this.eof) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Puts bytes back so the next read() returns them first. */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.queue.unshift(chunk);
    this.queued += chunk.length;
  }

  /**
   * Reads up to and including `delimiter`. Returns null if the stream ends
   * cleanly before any byte arrived (an idle keep-alive connection closing).
   */
  async readUntil(delimiter: string, limit: number): Promise<Buffer | null> {
    let acc: Buffer = Buffer.alloc(0);
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) {
        if (acc.length === 0) return null;
        throw new ConnectionClosedError("in the middle of a header/chunk line");
      }
      const searchFrom = Math.max(0, acc.length - delimiter.length + 1);
      acc = acc.length === 0 ? chunk : Buffer.concat([acc, chunk]);
      const at = acc.indexOf(delimiter, searchFrom, "latin1");
      if (at >= 0) {
        const end = at + delimiter.length;
        this.unshift(acc.subarray(end));
        return acc.subarray(0, end);
      }
      if (acc.length > limit) throw new Error(`line/head longer than ${limit} bytes`);
    }
  }

  /** Consumes and drops everything until the peer closes. */
  async discardToEnd(): Promise<void> {
    try {
      while ((await this.read()) !== null) {
        // dropping on purpose
      }
    } catch {
      // the peer vanished abruptly: nothing left to discard
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Writes with backpressure: resolves once the socket can take more. */
export function writeTo(socket: Socket, data: Buffer): Promise<void> {
  if (socket.destroyed || !socket.writable) {
    return Promise.reject(new ConnectionClosedError("before write"));
  }
  if (socket.write(data)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error): void => {
      socket.off("drain", onDrain);
      socket.off("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(new ConnectionClosedError("while writing"));
    socket.on("drain", onDrain);
    socket.on("close", onClose);
  });
}

/**
 * Half-closes our side after everything written so far reached the kernel.
 * destroy() alone would drop queued bytes, which would turn a deliberate
 * "partial response" into an unpredictable one.
 */
export function finish(socket: Socket): Promise<void> {
  if (socket.destroyed || socket.writableFinished) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off("finish", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("finish", done);
    socket.on("close", done);
    socket.end();
  });
}

/**
 * Graceful close towards a client: send FIN, then keep reading until the client
 * closes too. Closing while unread request bytes sit in the kernel buffer makes
 * the kernel answer with RST, and the client could lose our response.
 */
export async function endAndDrain(socket: Socket, reader: SocketReader): Promise<void> {
  await finish(socket);
  await reader.discardToEnd();
}
