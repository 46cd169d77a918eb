/**
 * Small stream tools the archive walker needs: read a file's head, read it in order, and look at a
 * stream's first bytes without losing them.
 *
 * Invariant: every function pulls from its source only when its own consumer pulls (backpressure
 * passes through), and `return()` on the result reaches the source.
 */
import type { FileHandle } from "node:fs/promises";

import { HEAD_BYTES } from "../magic.ts";

const READ_CHUNK = 1024 * 1024;

/** The file's first HEAD_BYTES (fewer when it is shorter): what format detection looks at (FR-020). */
export async function readHead(handle: FileHandle, size: number): Promise<Uint8Array> {
  const head = new Uint8Array(Math.min(HEAD_BYTES, size));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return head.subarray(0, bytesRead);
}

/**
 * The file's bytes from `from` to `size`, in fresh buffers: layers above keep views of chunks (the
 * tar reader hands out views; a peeked head is held while the rest flows), so none may be reused.
 */
export async function* fileChunks(handle: FileHandle, size: number, from = 0): AsyncGenerator<Uint8Array> {
  for (let pos = from; pos < size; ) {
    const buffer = new Uint8Array(Math.min(READ_CHUNK, size - pos));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  }
}

export interface Peeked {
  /** Up to `n` first bytes (fewer only when the stream is shorter). */
  head: Uint8Array;
  /** The whole stream, head included, as if it had not been peeked. */
  stream: AsyncIterable<Uint8Array>;
}

/** Reads the first `n` bytes of `source` and gives back a stream that still starts with them. */
export async function peek(source: AsyncIterable<Uint8Array>, n: number): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    if (r.value.length === 0) continue;
    held.push(r.value);
    length += r.value.length;
  }
  const head = new Uint8Array(Math.min(n, length));
  let at = 0;
  for (const chunk of held) {
    if (at >= head.length) break;
    const take = Math.min(chunk.length, head.length - at);
    head.set(chunk.subarray(0, take), at);
    at += take;
  }
  async function* stream(): AsyncGenerator<Uint8Array> {
    let finished = ended;
    try {
      while (held.length > 0) yield held.shift()!;
      while (!finished) {
        const r = await it.next();
        if (r.done) finished = true;
        else yield r.value;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  }
  return { head, stream: stream() };
}
