import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { streamParts } from "../../../src/upload/stream-parts.ts";
import { ChunkPool, isReusedChunk } from "../../../src/util/chunk-pool.ts";
import { Semaphore } from "../../../src/util/semaphore.ts";

const MiB = 1024 ** 2;

async function* chunked(data: Uint8Array, chunk: number) {
  for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
}

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

async function collect(data: Uint8Array, chunk: number, partSize = 5 * MiB) {
  const budget = new Semaphore(64 * MiB);
  const parts = [];
  for await (const p of { [Symbol.asyncIterator]: () => streamParts(chunked(data, chunk), { partSize, budget }) }) {
    parts.push({ size: p.size, last: p.last, md5: Buffer.from(p.md5).toString("hex"), body: p.body as Uint8Array });
    p.release();
  }
  expect(budget.inUse).toBe(0);
  return parts;
}

describe("streamParts", () => {
  test("cuts a stream into full parts, marks only the final one last, and hashes each", async () => {
    const data = bytes(12 * MiB + 123);
    const parts = await collect(data, 64 * 1024);
    expect(parts.map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 123]);
    expect(parts.map((p) => p.last)).toEqual([false, false, true]);
    expect(Buffer.concat(parts.map((p) => p.body)).equals(Buffer.from(data))).toBe(true);
    expect(parts[1]!.md5).toBe(createHash("md5").update(data.subarray(5 * MiB, 10 * MiB)).digest("hex"));
  });

  test("a stream of exactly one part size is one last part (single PutObject)", async () => {
    const parts = await collect(bytes(5 * MiB), 1000);
    expect(parts.map((p) => [p.size, p.last])).toEqual([[5 * MiB, true]]);
  });

  test("an empty stream is one empty last part (an empty object)", async () => {
    const parts = await collect(new Uint8Array(0), 10);
    expect(parts.map((p) => [p.size, p.last])).toEqual([[0, true]]);
  });

  test("chunks larger than a part are split across parts", async () => {
    const data = bytes(11 * MiB);
    const parts = await collect(data, 11 * MiB);
    expect(parts.map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, MiB]);
  });

  test("the memory budget bounds the bytes held: a second part waits until the first is released", async () => {
    const budget = new Semaphore(10 * MiB);
    const it = streamParts(chunked(bytes(20 * MiB), MiB), { partSize: 5 * MiB, budget });
    const a = (await it.next()).value!;
    const b = (await it.next()).value!;
    expect(budget.inUse).toBe(10 * MiB);
    let third = false;
    const pending = it.next().then((r) => {
      third = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    a.release();
    const c = (await pending).value!;
    expect(third).toBe(true);
    b.release();
    c.release();
    await it.return!();
  });

  // A producer that reuses its buffers writes its next chunk over the one recycled, when it is
  // pulled again: every part must still hold the right bytes, whether it ends inside a chunk, a
  // chunk spans parts, or a chunk was pulled ahead to see whether a full part is the last.
  for (const [chunk, partSize] of [
    [64 * 1024, 5 * MiB],
    [3 * MiB, 5 * MiB], // parts end inside chunks
    [5 * MiB, 5 * MiB], // the look-ahead chunk after a full part
    [7 * MiB, 5 * MiB], // chunks larger than a part
  ] as const) {
    test(`hands each chunk back for reuse and every part keeps its bytes (${chunk / 1024} KiB chunks, ${partSize / MiB} MiB parts)`, async () => {
      const data = bytes(17 * MiB + 5);
      const pool = new ChunkPool(chunk);
      let reused = 0;
      async function* pooled() {
        for (let i = 0; i < data.length; i += chunk) {
          const c = pool.take(Math.min(chunk, data.length - i));
          if (isReusedChunk(c)) reused++;
          c.set(data.subarray(i, i + c.length));
          yield c;
        }
      }
      const budget = new Semaphore(64 * MiB);
      const bodies: Uint8Array[] = [];
      for await (const p of { [Symbol.asyncIterator]: () => streamParts(pooled(), { partSize, budget }) }) {
        bodies.push(p.body as Uint8Array);
        p.release();
      }
      expect(Buffer.concat(bodies).equals(Buffer.from(data))).toBe(true);
      expect(reused).toBeGreaterThan(0);
    });
  }
});
