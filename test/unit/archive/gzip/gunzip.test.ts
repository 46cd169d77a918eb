/** Streaming gunzip: members, header flags, damage mapped to codes, backpressure, early stop. */
import { describe, expect, test } from "bun:test";
import zlib from "node:zlib";
import { gunzip, isGzip } from "../../../../src/archive/gzip/gunzip.ts";
import { collectBytes, once } from "../../../support/archive/collect.ts";
import { flipBit, gzipMember } from "../../../support/archive/gzip-fixtures.ts";
import { chunked, concat } from "../../../support/archive/tar-writer.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (bytes: Uint8Array) => dec.decode(bytes);
const run = (bytes: Uint8Array, chunk = 1000) => collectBytes(gunzip(chunked(bytes, chunk)));
const codeOf = (bytes: Uint8Array, chunk = 1000) => run(bytes, chunk).then(() => "ok", (e) => e.code ?? String(e));

const LINES = Array.from({ length: 5000 }, (_, i) => `${i},customer-${i % 97},${(i * 1.5).toFixed(2)}\n`).join("");
const A = gzipMember(LINES);
const B = gzipMember("second member\n");
const EMPTY = gzipMember("");

describe("members", () => {
  test("one member, in any chunking", async () => {
    for (const size of [1, 7, 512, 65536]) expect(text(await run(A, size))).toBe(LINES);
  });

  test("concatenated members decompress to the concatenation (empty members included)", async () => {
    expect(text(await run(concat([A, EMPTY, B, A]), 333))).toBe(`${LINES}second member\n${LINES}`);
    expect(text(await run(concat([EMPTY, EMPTY])))).toBe("");
  });

  test("members written by gzip itself, as `gzip -dc` reads them", async () => {
    const one = Bun.spawnSync(["gzip", "-c", "-9"], { stdin: enc.encode("from gzip 1\n") }).stdout;
    const two = Bun.spawnSync(["gzip", "-c", "-1"], { stdin: enc.encode("from gzip 2\n") }).stdout;
    const both = concat([new Uint8Array(one), new Uint8Array(two)]);
    const native = Bun.spawnSync(["gzip", "-dc"], { stdin: both }).stdout;
    expect(text(await run(both, 5))).toBe(text(new Uint8Array(native)));
    expect(text(new Uint8Array(native))).toBe("from gzip 1\nfrom gzip 2\n");
  });

  test("every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC) is understood", async () => {
    const data = enc.encode("flags all set");
    const extra = enc.encode("AB\x04\x00data");
    const header = concat([
      new Uint8Array([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]),
      new Uint8Array([extra.length, 0]),
      extra,
      enc.encode("name.txt\0"),
      enc.encode("a comment\0"),
    ]);
    const hcrc = zlib.crc32(header) & 0xffff;
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setUint32(0, zlib.crc32(data), true);
    new DataView(trailer.buffer).setUint32(4, data.length, true);
    const member = concat([header, new Uint8Array([hcrc & 0xff, hcrc >> 8]), new Uint8Array(zlib.deflateRawSync(data)), trailer]);
    expect(text(await run(member, 3))).toBe("flags all set");
  });
});

describe("damage", () => {
  test("a CRC-32 mismatch in any member is ARCHIVE_CRC_MISMATCH", async () => {
    expect(await codeOf(concat([flipBit(A, -6), B]))).toBe("ARCHIVE_CRC_MISMATCH");
    expect(await codeOf(concat([A, flipBit(B, -6)]))).toBe("ARCHIVE_CRC_MISMATCH");
  });

  test("an ISIZE mismatch is ARCHIVE_SIZE_MISMATCH", async () => {
    expect(await codeOf(concat([A, flipBit(B, -2)]))).toBe("ARCHIVE_SIZE_MISMATCH");
    expect(await codeOf(flipBit(A, -1))).toBe("ARCHIVE_SIZE_MISMATCH");
  });

  test("damaged deflate data is caught (corrupt or CRC), never passed as good", async () => {
    for (const at of [20, 100, 500, Math.floor(A.length / 2), A.length - 20]) {
      expect(["ARCHIVE_CORRUPT", "ARCHIVE_CRC_MISMATCH", "ARCHIVE_SIZE_MISMATCH"]).toContain(await codeOf(flipBit(A, at)));
    }
  });

  test("truncation anywhere in a member is ARCHIVE_TRUNCATED: header, data, trailer, second member", async () => {
    for (const cut of [0, 1, 5, 10, 50, A.length - 8, A.length - 1]) expect([cut, await codeOf(A.subarray(0, cut))]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
    const both = concat([A, B]);
    for (const cut of [A.length + 3, A.length + 12, both.length - 4]) expect([cut, await codeOf(both.subarray(0, cut))]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
  });

  test("the error carries the counts a person needs", async () => {
    const err = await run(concat([A, flipBit(B, -6)])).catch((e) => e);
    expect(err.message).toContain("CRC-32");
    // Output zlib had made but the consumer had not taken yet is dropped with the failed stream.
    expect(err.context.bytesOut).toBeGreaterThan(0);
    expect(err.context.offset).toBeGreaterThan(A.length);
  });

  test("zero padding after the last member is ignored; other trailing bytes are ARCHIVE_CORRUPT", async () => {
    expect(text(await run(concat([A, new Uint8Array(4096)])))).toBe(LINES);
    expect(await codeOf(concat([A, enc.encode("trailing junk")]))).toBe("ARCHIVE_CORRUPT");
    const err = await run(concat([A, enc.encode("trailing junk")])).catch((e) => e);
    expect(err.message).toContain("after the last member");
  });

  test("not gzip at all is ARCHIVE_CORRUPT; nothing at all is ARCHIVE_TRUNCATED", async () => {
    expect(await codeOf(enc.encode("id,name\n1,a\n"))).toBe("ARCHIVE_CORRUPT");
    expect(await codeOf(new Uint8Array(0))).toBe("ARCHIVE_TRUNCATED");
  });

  test("the source's own failure comes through unchanged", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield A.subarray(0, 100);
      throw new Error("disk read failed");
    }
    await expect(collectBytes(gunzip(failing()))).rejects.toThrow("disk read failed");
  });
});

describe("flow", () => {
  test("backpressure: a consumer that took one chunk has not made the source run ahead", async () => {
    const bomb = new Uint8Array(zlib.gzipSync(new Uint8Array(64 * 2 ** 20)));
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for await (const c of chunked(bomb, 1024)) {
        pulled += c.length;
        yield c;
      }
    }
    const it = gunzip(counting(), { chunkSize: 64 * 1024 });
    await it.next();
    await Bun.sleep(20);
    expect(pulled).toBeLessThan(64 * 1024); // 64 MiB are ~64 KB compressed; only a small part was read
    await it.return();
  });

  test("stopping early destroys the inflater and stops the source", async () => {
    let returned = false;
    async function* src(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield* chunked(A, 100);
      } finally {
        returned = true;
      }
    }
    for await (const c of gunzip(src(), { chunkSize: 1024 })) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    await Bun.sleep(10);
    expect(returned).toBe(true);
  });

  test("output chunks are not reused: chunks kept by the consumer stay intact", async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of gunzip(once(A), { chunkSize: 4096 })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(5);
    expect(text(concat(chunks))).toBe(LINES);
  });
});

test("isGzip: magic and the deflate method byte", () => {
  expect(isGzip(A)).toBe(true);
  expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(false); // too short to tell
  expect(isGzip(new Uint8Array([0x1f, 0x8b, 0x07, 0]))).toBe(false); // not deflate
  expect(isGzip(enc.encode("plain text"))).toBe(false);
});
