/** The push→pull bridge: one chunk at a time, end and failure delivered, a stopped consumer stops the producer. */
import { expect, test } from "bun:test";
import { ByteChannel } from "../../../src/util/byte-channel.ts";

const bytes = (...xs: number[]) => new Uint8Array(xs);

test("chunks arrive in order and a push resolves only once its chunk is taken", async () => {
  const ch = new ByteChannel();
  let firstTaken = false;
  const p1 = ch.push(bytes(1)).then(() => (firstTaken = true));
  await Promise.resolve();
  expect(firstTaken).toBe(false); // nobody pulled yet: the producer waits
  const it = ch[Symbol.asyncIterator]();
  expect((await it.next()).value).toEqual(bytes(1));
  await p1;
  expect(firstTaken).toBe(true);
  const pulled = it.next(); // the consumer waits first this time
  await ch.push(bytes(2, 3));
  expect((await pulled).value).toEqual(bytes(2, 3));
  ch.close();
  expect((await it.next()).done).toBe(true);
});

test("the producer's failure reaches the consumer", async () => {
  const ch = new ByteChannel();
  const it = ch[Symbol.asyncIterator]();
  const pulled = it.next();
  ch.fail(new Error("bad row at line 7"));
  await expect(pulled).rejects.toThrow("bad row at line 7");
  const ch2 = new ByteChannel();
  ch2.fail(new Error("early"));
  await expect(ch2[Symbol.asyncIterator]().next()).rejects.toThrow("early");
});

test("a consumer that stops reading makes the waiting and later pushes reject", async () => {
  const ch = new ByteChannel();
  const waiting = ch.push(bytes(9));
  const consumed: Uint8Array[] = [];
  for await (const c of ch) {
    consumed.push(c);
    break; // e.g. the upload failed
  }
  expect(consumed).toEqual([bytes(9)]);
  await waiting;
  await expect(ch.push(bytes(10))).rejects.toThrow("the consumer stopped reading");
});

test("pushing twice without awaiting is a programming error, reported", async () => {
  const ch = new ByteChannel();
  void ch.push(bytes(1));
  await expect(ch.push(bytes(2))).rejects.toThrow("await the previous push");
});
