import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDspError } from "../../../src/errors.ts";
import { fileParts } from "../../../src/upload/file-parts.ts";
import type { Part } from "../../../src/upload/part.ts";
import { Semaphore } from "../../../src/util/semaphore.ts";
import { BufferPool } from "../../../src/util/buffer-pool.ts";

const HASH = 256 * 1024;
import { payload } from "../../support/payload.ts";

const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), "dsp-file-parts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function partsOf(name: string, data: Buffer, partSize: number, budget = new Semaphore(64 * MiB)) {
  // Reads every part, as the uploader of a multipart object does.
  const path = join(dir, name);
  writeFileSync(path, data);
  const handle = await open(path, "r");
  const parts: Part[] = [];
  try {
    for await (const p of { [Symbol.asyncIterator]: () => fileParts({ handle, fd: handle.fd, size: data.length, file: name }, { partSize, budget, hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: false }) }) {
      parts.push(p);
    }
    const bodies = await Promise.all(parts.map(async (p) => p.body instanceof Blob ? Buffer.from(await p.body.arrayBuffer()) : Buffer.from(p.body)));
    return { parts, bodies, budget };
  } finally {
    await handle.close();
  }
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

describe("fileParts", () => {
  test("a small file is sent from a pooled buffer held from the budget until released; an empty file is one empty part", async () => {
    const data = payload(1000);
    const { parts, bodies, budget } = await partsOf("small", data, 5 * MiB);
    expect(parts.map((p) => [p.size, p.last, p.body instanceof Blob])).toEqual([[1000, true, false]]);
    expect(bodies[0]!.equals(data)).toBe(true);
    expect(Buffer.from(parts[0]!.md5).toString("hex")).toBe(md5(data));
    expect(budget.inUse).toBe(HASH);
    parts[0]!.release();
    parts[0]!.release(); // idempotent
    expect(budget.inUse).toBe(0);
    const empty = await partsOf("empty", Buffer.alloc(0), 5 * MiB);
    expect(empty.parts.map((p) => [p.size, p.last])).toEqual([[0, true]]);
    expect(Buffer.from(empty.parts[0]!.md5).toString("hex")).toBe(md5(new Uint8Array(0)));
    empty.parts[0]!.release();
  });

  test("regression: nothing stays held when the source is never resumed after its last part", async () => {
    // The uploader stops pulling after a part marked last; a generator suspended at that yield
    // never ran its cleanup, and a burst of small files exhausted the budget after 256 files.
    const path = join(dir, "never-resumed");
    writeFileSync(path, payload(HASH + 1000));
    const handle = await open(path, "r");
    const budget = new Semaphore(64 * MiB);
    const it = fileParts({ handle, fd: handle.fd, size: HASH + 1000, file: "never-resumed" }, { partSize: 5 * MiB, budget, hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: false });
    const only = (await it.next()).value!;
    expect(only.last).toBe(true);
    expect(budget.inUse).toBe(0);
    await handle.close();
  });

  test("a large file becomes file slices with the MD5 of each slice; only the hash buffer is budgeted", async () => {
    const data = payload(12 * MiB + 7, 3);
    const { parts, bodies, budget } = await partsOf("large", data, 5 * MiB);
    expect(parts.map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 7]);
    expect(parts.map((p) => p.last)).toEqual([false, false, true]);
    expect(parts.every((p) => p.body instanceof Blob)).toBe(true);
    for (const [i, p] of parts.entries()) expect(Buffer.from(p.md5).toString("hex")).toBe(md5(bodies[i]!));
    expect(Buffer.concat(bodies).equals(data)).toBe(true);
    expect(budget.inUse).toBe(0); // the last part is out: hash buffer returned
  });

  test("the hash buffer waits for the budget", async () => {
    const budget = new Semaphore(HASH);
    await budget.acquire(HASH);
    const path = join(dir, "wait");
    writeFileSync(path, payload(2 * MiB));
    const handle = await open(path, "r");
    const it = fileParts({ handle, fd: handle.fd, size: 2 * MiB, file: "wait" }, { partSize: 5 * MiB, budget, hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: false });
    let got = false;
    const first = it.next().then((r) => ((got = true), r));
    await Bun.sleep(5);
    expect(got).toBe(false);
    budget.release(HASH);
    expect((await first).value!.size).toBe(2 * MiB);
    await it.return!();
    await handle.close();
  });

  test("over HTTPS each slice in flight is held from the budget until released", async () => {
    const data = payload(11 * MiB, 4);
    const path = join(dir, "tls-budget");
    writeFileSync(path, data);
    const handle = await open(path, "r");
    const budget = new Semaphore(64 * MiB);
    const it = fileParts({ handle, fd: handle.fd, size: data.length, file: "tls-budget" }, { partSize: 5 * MiB, budget, hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: true });
    const a = (await it.next()).value!;
    expect(budget.inUse).toBe(HASH + 5 * MiB);
    a.release();
    expect(budget.inUse).toBe(HASH);
    await it.return!();
    await handle.close();
    expect(budget.inUse).toBe(0);
  });

  test("a file that shrank since it was measured is SOURCE_CHANGED", async () => {
    const path = join(dir, "shrink");
    writeFileSync(path, payload(3 * MiB));
    const handle = await open(path, "r");
    truncateSync(path, MiB);
    const it = fileParts({ handle, fd: handle.fd, size: 3 * MiB, file: "shrink" }, { partSize: 5 * MiB, budget: new Semaphore(64 * MiB), hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: false });
    const err = await it.next().catch((e) => e);
    expect(isDspError(err, "SOURCE_CHANGED")).toBe(true);
    await handle.close();
  });
});
