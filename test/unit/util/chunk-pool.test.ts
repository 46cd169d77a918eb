/**
 * ChunkPool's contract (src/util/chunk-pool.ts): memory is reused only after the consumer recycled
 * the exact chunk it was given; parts and foreign buffers are never taken back; the pool stays
 * bounded; the GC pacer does not count reused chunks.
 */
import { describe, expect, test } from "bun:test";
import { ChunkPool, isReusedChunk, recycleChunk } from "../../../src/util/chunk-pool.ts";
import { gcPaced, PACE_BYTES } from "../../../src/util/gc-pacer.ts";

describe("ChunkPool", () => {
  test("a recycled chunk's memory is what the next take() hands out, marked reused", () => {
    const pool = new ChunkPool(1024);
    const a = pool.take();
    expect(a.length).toBe(1024);
    expect(isReusedChunk(a)).toBe(false);
    expect(recycleChunk(a)).toBe(true);
    const b = pool.take();
    expect(b.buffer).toBe(a.buffer);
    expect(b).not.toBe(a); // a new view: the old one is not handed out twice
    expect(isReusedChunk(b)).toBe(true);
  });

  test("without recycling every chunk is fresh memory", () => {
    const pool = new ChunkPool(1024);
    const seen = new Set<ArrayBufferLike>();
    for (let i = 0; i < 5; i++) seen.add(pool.take().buffer);
    expect(seen.size).toBe(5);
  });

  test("a part of a chunk is never taken back, nor is its memory reused", () => {
    const pool = new ChunkPool(1024);
    const a = pool.take();
    expect(recycleChunk(a.subarray(0, 512))).toBe(false);
    expect(recycleChunk(new Uint8Array(a.buffer))).toBe(false); // a view of the same memory, not the chunk handed out
    expect(pool.waiting).toBe(0);
    expect(pool.take().buffer).not.toBe(a.buffer);
  });

  test("a chunk is recycled once: a second call does not put its memory in the pool twice", () => {
    const pool = new ChunkPool(1024);
    const a = pool.take();
    expect(recycleChunk(a)).toBe(true);
    expect(recycleChunk(a)).toBe(false);
    expect(pool.waiting).toBe(1);
    const b = pool.take();
    const c = pool.take();
    expect(c.buffer).not.toBe(b.buffer);
  });

  test("at most maxFree buffers wait; the rest go to the collector", () => {
    const pool = new ChunkPool(1024, 2);
    const chunks = [pool.take(), pool.take(), pool.take(), pool.take()];
    for (const c of chunks) expect(recycleChunk(c)).toBe(true);
    expect(pool.waiting).toBe(2);
  });

  test("a shorter view still recycles its whole buffer; longer than the pool's size is a fresh buffer of its own", () => {
    const pool = new ChunkPool(1024);
    const short = pool.take(100);
    expect(short.length).toBe(100);
    expect(short.buffer.byteLength).toBe(1024);
    expect(recycleChunk(short)).toBe(true);
    expect(pool.take(1024).buffer).toBe(short.buffer);
    const long = pool.take(2000);
    expect(long.length).toBe(2000);
    expect(recycleChunk(long)).toBe(false);
  });

  test("chunks nobody pooled are ignored", () => {
    expect(recycleChunk(new Uint8Array(1024))).toBe(false);
    expect(isReusedChunk(new Uint8Array(1024))).toBe(false);
  });

  test("a chunk whose memory was transferred away (detached) is not taken back", () => {
    const pool = new ChunkPool(1024);
    const a = pool.take();
    structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
    expect(a.buffer.byteLength).toBe(0);
    recycleChunk(a);
    expect(pool.waiting).toBe(0);
    expect(pool.take().length).toBe(1024);
  });

  test("rejects a size that is not a positive integer", () => {
    expect(() => new ChunkPool(0)).toThrow(RangeError);
    expect(() => new ChunkPool(1.5)).toThrow(RangeError);
  });
});

describe("gcPaced with recycled chunks", () => {
  /** Collections while `chunks` MiB stream by (the pacer's count is process-wide: up to one pace may be left from before). */
  async function collections(chunks: number, recycle: boolean): Promise<number> {
    const pool = new ChunkPool(1024 * 1024);
    async function* source() {
      for (let i = 0; i < chunks; i++) yield pool.take();
    }
    let collected = 0;
    for await (const chunk of gcPaced(source(), () => collected++)) if (recycle) recycleChunk(chunk);
    return collected;
  }

  test("fresh chunks are counted: a collection per PACE_BYTES", async () => {
    expect(PACE_BYTES).toBe(8 * 1024 * 1024);
    expect(await collections(40, false)).toBeGreaterThanOrEqual(5); // 40 MiB: five paces
  });

  test("reused chunks are not garbage: a recycling consumer causes no collection", async () => {
    // 400 MiB, fifty paces' worth, of which only the first chunk is new memory.
    expect(await collections(400, true)).toBeLessThanOrEqual(1);
  });
});
