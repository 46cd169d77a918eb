/**
 * bunzip2 against the real `bzip2` CLI: round trips at every level (empty, small, a block exactly
 * full and one byte more, many blocks, RLE1 runs, random bytes, every byte value), chunking of
 * input and output, multi-stream input, and the flow contract (pull, early stop, fresh chunks).
 */
import { describe, expect, test } from "bun:test";
import { bunzip2, isBzip2 } from "../../../../src/archive/bzip2/bunzip2.ts";
import { once } from "../../../support/archive/collect.ts";
import { chunked, concat } from "../../../support/archive/tar-writer.ts";
import { allByteValues, bunzip2Cli, bzip2Cli, csvBytes, decode, hasBzip2, randomBytes, runsBytes, sha256 } from "./bzip2-fixtures.ts";

const enc = new TextEncoder();

/** bzip2 fills a level-n block with n × 100 000 − 19 bytes (after its RLE1; random data has no runs). */
const blockCapacity = (level: number) => level * 100_000 - 19;

describe.skipIf(!hasBzip2)("round trips through the bzip2 CLI", () => {
  for (let level = 1; level <= 9; level++) {
    test(`level ${level}: empty, small, a full block, a full block + 1, several blocks, runs, byte values`, async () => {
      const cap = blockCapacity(level);
      const cases: [string, Uint8Array][] = [
        ["empty", new Uint8Array(0)],
        ["one byte", enc.encode("x")],
        ["small text", csvBytes(3000, level)],
        ["a full block", randomBytes(cap, level)],
        ["a full block + 1", randomBytes(cap + 1, level + 100)],
        ["3 blocks of text", csvBytes(level === 9 ? 2_000_000 : 3 * level * 100_000 + 12_345, level + 200)],
        ["RLE1 runs", runsBytes(level * 60_000, level + 300)],
        ["every byte value", allByteValues(level * 13, level + 400)],
      ];
      for (const [what, data] of cases) {
        const compressed = bzip2Cli(data, level);
        const out = await decode(compressed, 65536);
        expect([what, out.length, sha256(out)]).toEqual([what, data.length, sha256(data)]);
      }
    });
  }

  test("any input chunking: 1-byte chunks, odd cuts, one whole buffer", async () => {
    const data = concat([csvBytes(30_000, 1), runsBytes(20_000, 2), randomBytes(5000, 3)]);
    const compressed = bzip2Cli(data, 1);
    expect(sha256(await decode(compressed, 1))).toBe(sha256(data));
    expect(sha256(await decode(compressed, [3, 4, 5, 17, 1000, 1001, 1002]))).toBe(sha256(data));
    expect(sha256(await decode(compressed, compressed.length))).toBe(sha256(data));
  });

  test("long runs: a block of zeros expands ~45 MB; runs cut by output chunk boundaries", async () => {
    const zeros = new Uint8Array(50_000_000);
    const compressed = bzip2Cli(zeros, 9);
    expect(compressed.length).toBeLessThan(200);
    let n = 0;
    let nonZero = 0;
    for await (const c of bunzip2(once(compressed))) {
      n += c.length;
      for (let i = 0; i < c.length; i += 4093) nonZero |= c[i]!;
    }
    expect([n, nonZero]).toEqual([50_000_000, 0]);
    const runs = runsBytes(300_000, 9);
    for (const chunkSize of [1, 7, 255, 4096]) {
      const parts: Uint8Array[] = [];
      for await (const c of bunzip2(once(bzip2Cli(runs, 1)), { chunkSize })) {
        expect(c.length).toBeLessThanOrEqual(chunkSize);
        parts.push(c);
      }
      expect([chunkSize, sha256(concat(parts))]).toEqual([chunkSize, sha256(runs)]);
    }
  });

  test("periodic blocks (a unit repeated: the BWT links form one cycle per period) decode exactly", async () => {
    const repeat = (unit: Uint8Array, n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += unit.length) out.set(unit.subarray(0, n - i), i);
      return out;
    };
    const units = [enc.encode("ab"), enc.encode("abc,"), enc.encode("row;1\n"), randomBytes(5000, 10), randomBytes(65_537, 11)];
    for (const unit of units) {
      for (const level of [1, 9]) {
        const data = repeat(unit, level * 100_000 + 50_000); // a full periodic block, then a partial one
        const out = await decode(bzip2Cli(data, level), 65536);
        expect([unit.length, level, sha256(out)]).toEqual([unit.length, level, sha256(data)]);
      }
    }
  });

  test("concatenated streams (levels mixed, empty ones included) decode to the concatenation, as bzip2 -dc", async () => {
    const a = csvBytes(250_000, 5);
    const b = runsBytes(120_000, 6);
    const multi = concat([bzip2Cli(a, 9), bzip2Cli(new Uint8Array(0), 5), bzip2Cli(b, 1), bzip2Cli(a, 3)]);
    const want = concat([a, b, a]);
    expect(sha256(bunzip2Cli(multi)!)).toBe(sha256(want));
    expect(sha256(await decode(multi, 777))).toBe(sha256(want));
    expect((await decode(concat([bzip2Cli(new Uint8Array(0)), bzip2Cli(new Uint8Array(0))]))).length).toBe(0);
  });

  test("output chunks are ~chunkSize, fresh: chunks kept by the consumer stay intact", async () => {
    const data = csvBytes(1_500_000, 7);
    const chunks: Uint8Array[] = [];
    for await (const c of bunzip2(once(bzip2Cli(data, 2)))) chunks.push(c);
    expect(chunks.slice(0, -1).every((c) => c.length === 256 * 1024)).toBe(true);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
    expect(sha256(concat(chunks))).toBe(sha256(data));
  });
});

describe.skipIf(!hasBzip2)("flow", () => {
  test("pull-based: taking one chunk reads only what its block needs from the source", async () => {
    const data = csvBytes(2_000_000, 8); // ~3 level-9 blocks, ~400 KB compressed
    const compressed = bzip2Cli(data, 9);
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for await (const c of chunked(compressed, 4096)) {
        pulled += c.length;
        yield c;
      }
    }
    const it = bunzip2(counting(), { chunkSize: 64 * 1024 });
    const first = await it.next();
    expect(first.value?.length).toBe(64 * 1024);
    await Bun.sleep(20);
    const afterFirst = pulled;
    expect(afterFirst).toBeLessThan(compressed.length / 2); // the first block only
    await it.next();
    await Bun.sleep(20);
    expect(pulled).toBe(afterFirst); // the second chunk came from the block already decoded
    await it.return();
  });

  test("stopping early stops the source (return() is called), also when the consumer throws", async () => {
    const compressed = bzip2Cli(csvBytes(1_000_000, 9), 1);
    for (const how of ["break", "throw"] as const) {
      let returned = false;
      let pulled = 0;
      async function* src(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            for await (const c of chunked(compressed, 1000)) {
              pulled += c.length;
              yield c;
            }
          }
        } finally {
          returned = true;
        }
      }
      const run = async () => {
        for await (const c of bunzip2(src(), { chunkSize: 1024 })) {
          expect(c.length).toBe(1024);
          if (how === "throw") throw new Error("consumer failed");
          break;
        }
      };
      if (how === "throw") await expect(run()).rejects.toThrow("consumer failed");
      else await run();
      expect([how, returned]).toEqual([how, true]);
      expect(pulled).toBeLessThan(compressed.length);
    }
  });

  test("a chunkSize that is not a positive number is a RangeError", async () => {
    for (const chunkSize of [0, -5, Number.NaN]) {
      await expect(bunzip2(once(bzip2Cli(enc.encode("x"))), { chunkSize }).next()).rejects.toThrow(RangeError);
    }
  });

  test("a decoding error stops the source too", async () => {
    let returned = false;
    async function* src(): AsyncGenerator<Uint8Array> {
      try {
        yield enc.encode("BZh9 this is not a block header at all");
        yield new Uint8Array(100);
      } finally {
        returned = true;
      }
    }
    const err = await decodeAll(src()).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CORRUPT");
    expect(returned).toBe(true);
  });
});

async function decodeAll(source: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of bunzip2(source)) n += c.length;
  return n;
}

test("isBzip2: magic and the block-size digit", () => {
  expect(isBzip2(enc.encode("BZh91AY&SY"))).toBe(true);
  expect(isBzip2(enc.encode("BZh0"))).toBe(false);
  expect(isBzip2(enc.encode("BZh"))).toBe(false);
  expect(isBzip2(enc.encode("plain text"))).toBe(false);
});
