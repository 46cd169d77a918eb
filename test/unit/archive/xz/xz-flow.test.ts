/** Flow: backpressure, early stop stopping the source, errors stopping it too, chunks never reused. */
import { describe, expect, test } from "bun:test";
import { isXz, unxz } from "../../../../src/archive/xz/unxz.ts";
import { chunked, concat, csvText, xzc, describeEachEngine, engine } from "./xz-test-support.ts";

const MiB = 2 ** 20;
const TEXT = csvText(400_000, 61);
const XZ = xzc(TEXT, "-6");

/** Counts what the consumer made the source produce, and whether its return() ran. */
function tracked(bytes: Uint8Array, size: number, repeat = 1) {
  const t = { pulled: 0, returned: false, source: undefined as unknown as AsyncGenerator<Uint8Array> };
  t.source = (async function* () {
    try {
      for (let r = 0; r < repeat; r++) {
        for await (const c of chunked(bytes, size)) {
          t.pulled += c.length;
          yield c;
        }
      }
    } finally {
      t.returned = true;
    }
  })();
  return t;
}

describeEachEngine("flow", () => {
  test("backpressure: after one output chunk, only a little input has been read", async () => {
    const zeros = xzc(new Uint8Array(64 * MiB), "-1"); // 64 MiB out of ~10 KB
    const t = tracked(zeros, 512);
    const it = unxz(t.source, { engine: engine(), chunkSize: 64 * 1024 });
    const first = await it.next();
    expect(first.value!.length).toBe(64 * 1024);
    await Bun.sleep(20);
    expect(t.pulled).toBeLessThan(4096);
    await it.return();
    expect(t.returned).toBe(true);
  });

  test("stopping early (break) stops the source", async () => {
    const t = tracked(XZ, 100, 1000);
    for await (const c of unxz(t.source, { engine: engine(), chunkSize: 1024 })) {
      expect(c.length).toBe(1024);
      break;
    }
    expect(t.returned).toBe(true);
    expect(t.pulled).toBeLessThan(XZ.length);
  });

  test("a consumer that throws stops the source", async () => {
    const t = tracked(XZ, 1000);
    const err = await (async () => {
      for await (const _ of unxz(t.source, { engine: engine(), chunkSize: 4096 })) throw new Error("consumer failed");
    })().catch((e) => e);
    expect(err.message).toBe("consumer failed");
    expect(t.returned).toBe(true);
  });

  test("a decoding error stops the source (garbage after a stream that goes on and on)", async () => {
    const t = tracked(concat([XZ, new Uint8Array([1, 2, 3, 4])]), 4096, 100);
    const err = await (async () => {
      for await (const _ of unxz(t.source, { engine: engine() }));
    })().catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CORRUPT");
    expect(t.returned).toBe(true);
    expect(t.pulled).toBeLessThan(2 * XZ.length);
  });

  test("output chunks are not reused: chunks kept by the consumer stay intact", async () => {
    const kept: Uint8Array[] = [];
    for await (const c of unxz(chunked(XZ, 3000), { engine: engine(), chunkSize: 5000 })) kept.push(c);
    expect(kept.length).toBeGreaterThan(10);
    expect(Buffer.from(concat(kept)).equals(Buffer.from(TEXT))).toBe(true);
  });

  test("isXz: the 6-byte magic", () => {
    expect(isXz(XZ)).toBe(true);
    expect(isXz(XZ.subarray(0, 5))).toBe(false);
    expect(isXz(new TextEncoder().encode("plain text"))).toBe(false);
  });
});
