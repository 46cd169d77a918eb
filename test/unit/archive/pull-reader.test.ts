/** The pull reader under the TAR parser: views, exact reads across chunks, skips, end, close. */
import { expect, test } from "bun:test";
import { PullReader } from "../../../src/archive/pull-reader.ts";
import { chunked } from "../../support/archive/tar-writer.ts";

const data = Uint8Array.from({ length: 100 }, (_, i) => i);

test("take() returns views of the current chunk, at most max bytes", async () => {
  const r = new PullReader(chunked(data, 30));
  const a = await r.take(10);
  expect([...a!]).toEqual([...data.subarray(0, 10)]);
  expect(a!.buffer).toBe(data.buffer);
  expect((await r.take(1000))!.length).toBe(20); // the rest of the chunk, not more
  expect(r.position).toBe(30);
});

test("readExact() spans chunks (copying) and returns short at the end", async () => {
  const r = new PullReader(chunked(data, 7));
  expect([...(await r.readExact(20))]).toEqual([...data.subarray(0, 20)]);
  expect(await r.skip(70)).toBe(70);
  const tail = await r.readExact(50);
  expect([...tail]).toEqual([...data.subarray(90)]);
  expect(r.atEnd).toBe(true);
  expect(await r.take(1)).toBeNull();
  expect(await r.skip(5)).toBe(0);
});

test("empty chunks are stepped over", async () => {
  async function* src() {
    yield new Uint8Array(0);
    yield data.subarray(0, 3);
    yield new Uint8Array(0);
    yield data.subarray(3, 5);
  }
  const r = new PullReader(src());
  expect([...(await r.readExact(5))]).toEqual([0, 1, 2, 3, 4]);
});

test("close() stops the source", async () => {
  let closed = false;
  async function* src() {
    try {
      yield data;
      yield data;
    } finally {
      closed = true;
    }
  }
  const r = new PullReader(src());
  await r.take(1);
  await r.close();
  expect(closed).toBe(true);
});
