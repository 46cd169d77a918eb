/**
 * The sources: a FileHandle read in place (and a file that shrinks under it), nested archives
 * buffered in memory under the caller's limit (declared size checked before reading, streamed
 * size as it grows), three levels of nesting, and the native inflate handle the reader relies on.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { open, truncate } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { bufferToSource } from "../../../../src/archive/zip/memory-source.ts";
import { fileHandleSource } from "../../../../src/archive/zip/random-access-source.ts";
import { assertInflaterAvailable, RawInflater } from "../../../../src/archive/zip/raw-inflater.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { payload } from "../../../support/payload.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { expectArchiveError, listEntries, readEntry, scratchDir } from "./zip-test-support.ts";

const scratch = scratchDir("sources");
afterAll(scratch.remove);

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("file handle source", () => {
  test("a file cut short after the archive was opened fails with ARCHIVE_TRUNCATED and the offset", async () => {
    const path = join(scratch.dir, "shrinks.zip");
    await Bun.write(path, buildZip([{ name: "a", data: payload(2_000_000, 71), method: 0 }]));
    const handle = await open(path);
    try {
      const reader = await openZip(await fileHandleSource(handle), { archive: "shrinks.zip" });
      const [e] = await listEntries(reader);
      await truncate(path, 1_000_000);
      const err = await expectArchiveError(readEntry(reader, e!), "ARCHIVE_TRUNCATED");
      expect(err.archive).toBe("shrinks.zip");
      expect(err.message).toContain("did it shrink?");
      expect(err.message).toContain("in shrinks.zip");
      expect(err.context).toEqual({ archive: "shrinks.zip", entry: "a", offset: err.offset! });
      expect(err.offset).toBeGreaterThan(30);
    } finally {
      await handle.close();
    }
  });
});

describe("nested archives in memory", () => {
  test("a zip inside a zip inside a zip is read through bufferToSource at each level", async () => {
    const deepest = buildZip([{ name: "d/table.csv", data: "a,b\n1,2\n" }]);
    const middle = buildZip([{ name: "inner.zip", data: deepest }, { name: "note.txt", data: "middle" }]);
    const outer = buildZip([{ name: "middle.zip", data: middle, method: 0 }]);
    let reader = await openZip(await bufferToSource(chunked(outer, 1000), { maxBytes: 1 << 20 }), { archive: "outer.zip" });
    for (const name of ["middle.zip", "inner.zip"]) {
      const entry = (await listEntries(reader)).find((e) => e.name === name)!;
      const source = await bufferToSource(reader.open(entry), { maxBytes: 1 << 20, expectedSize: entry.uncompressedSize });
      reader = await openZip(source, { archive: `${reader.archive} : ${name}` });
    }
    const [table] = await listEntries(reader);
    expect(reader.archive).toBe("outer.zip : middle.zip : inner.zip");
    expect((await readEntry(reader, table!)).toString()).toBe("a,b\n1,2\n");
  });

  test("a declared size above the limit is refused before a byte is read", async () => {
    let pulled = 0;
    async function* never(): AsyncGenerator<Uint8Array> {
      pulled++;
      yield new Uint8Array(1);
    }
    const err = await expectArchiveError(bufferToSource(never(), { maxBytes: 1000, expectedSize: 1001, archive: "a.zip : big.zip" }), "ARCHIVE_LIMIT_MEMORY");
    expect(pulled).toBe(0);
    expect(err.message).toContain("1001 bytes");
    expect(err.archive).toBe("a.zip : big.zip");
  });

  test("a stream that grows past the limit fails as soon as it does, holding no more than the limit", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(4096);
      }
    }
    await expectArchiveError(bufferToSource(endless(), { maxBytes: 100_000 }), "ARCHIVE_LIMIT_MEMORY");
    expect(pulled).toBe(25); // 24 × 4096 = 98,304 fit; the 25th chunk would pass 100,000
  });

  test("chunks the reader reuses are copied (the reader's buffers change between pulls)", async () => {
    const inner = buildZip([{ name: "x", data: payload(900_000, 72) }]);
    const outer = buildZip([{ name: "inner.zip", data: inner }]);
    const reader = await openZip(await bufferToSource(chunked(outer, 7), { maxBytes: 1 << 22 }), { chunkSize: 4096 });
    const [e] = await listEntries(reader);
    const nested = await openZip(await bufferToSource(reader.open(e!), { maxBytes: 1 << 22 }));
    const [x] = await listEntries(nested);
    expect((await readEntry(nested, x!)).equals(payload(900_000, 72))).toBe(true);
  });
});

describe("the native inflate handle", () => {
  test("Bun's node:zlib still exposes what RawInflater drives", () => {
    expect(() => assertInflaterAvailable()).not.toThrow();
  });

  test("a step fills at most the output it is given and reports what it consumed", () => {
    const data = payload(300_000, 73);
    const compressed = deflateRawSync(data);
    const inflater = new RawInflater();
    const out = new Uint8Array(1000);
    const step = inflater.step(compressed, 0, compressed.length, out, 0, out.length, true);
    expect(step.produced).toBe(1000);
    expect(step.consumed).toBeGreaterThan(0);
    expect(step.consumed).toBeLessThan(compressed.length);
    expect(Buffer.from(out).equals(data.subarray(0, 1000))).toBe(true);
    inflater.close();
    inflater.close(); // idempotent
    expect(() => inflater.step(compressed, 0, 1, out, 0, 1, false)).toThrow("used after close");
  });

  test("bad data throws synchronously with zlib's message", () => {
    const inflater = new RawInflater();
    expect(() => inflater.step(Uint8Array.of(0xff, 0xff, 0xff), 0, 3, new Uint8Array(10), 0, 10, true)).toThrow("invalid block type");
    inflater.close();
  });
});
