/**
 * Damaged bzip2 input, from files the real `bzip2` wrote: truncation at every offset, bit flips
 * everywhere, trailing bytes, input that is not bzip2 at all; errors carry codes and context.
 * The rule checked throughout: an error with a stable code, or (only where the damage is outside
 * what the format checks, like the padding bits) exactly the original bytes. Never wrong bytes.
 */
import { describe, expect, test } from "bun:test";
import { bunzip2 } from "../../../../src/archive/bzip2/bunzip2.ts";
import { collectBytes } from "../../../support/archive/collect.ts";
import { concat } from "../../../support/archive/tar-writer.ts";
import { bzip2Cli, codeOf, csvBytes, decode, hasBzip2, runsBytes, sha256 } from "./bzip2-fixtures.ts";

const enc = new TextEncoder();
const DAMAGE_CODES = ["ARCHIVE_CORRUPT", "ARCHIVE_CRC_MISMATCH", "ARCHIVE_TRUNCATED", "ARCHIVE_UNSUPPORTED"];

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

/** "ok" with identical output, an error code, or "WRONG BYTES" (never acceptable). */
async function outcome(bytes: Uint8Array, original: Uint8Array, chunk = 4096): Promise<string> {
  try {
    const out = await decode(bytes, chunk);
    return sha256(out) === sha256(original) ? "ok" : "WRONG BYTES";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe.skipIf(!hasBzip2)("damage", () => {
  const small = concat([csvBytes(1500, 1), runsBytes(600, 2)]);
  const A = bzip2Cli(small, 9); // one block, ~900 bytes
  const multi = concat([csvBytes(150_000, 3), runsBytes(120_000, 4)]);
  const M = bzip2Cli(multi, 1); // 3 blocks

  test("truncation at every offset of a one-block stream is ARCHIVE_TRUNCATED", async () => {
    for (let cut = 0; cut < A.length; cut++) {
      expect([cut, await codeOf(A.subarray(0, cut), 61)]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
    }
  });

  test("truncation at many offsets of a multi-block stream is ARCHIVE_TRUNCATED, after correct bytes only", async () => {
    for (let cut = 0; cut < M.length; cut += 397) {
      const parts: Uint8Array[] = [];
      const err = await (async () => {
        for await (const c of bunzip2((async function* () { yield M.subarray(0, cut); })())) parts.push(c.slice());
      })().catch((e) => e);
      expect([cut, err?.code]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
      const got = concat(parts);
      expect(sha256(got)).toBe(sha256(multi.subarray(0, got.length))); // a prefix of the truth
    }
  });

  test("a bit flip anywhere is an error or (padding bits) the exact original, never wrong bytes", async () => {
    const seen = new Set<string>();
    for (let bit = 0; bit < A.length * 8; bit++) {
      const r = await outcome(flipBit(A, bit), small, 256);
      seen.add(r);
      if (r !== "ok") expect([bit, DAMAGE_CODES.includes(r)]).toEqual([bit, true]);
    }
    expect(seen.has("WRONG BYTES")).toBe(false);
    expect(seen.has("ARCHIVE_CRC_MISMATCH")).toBe(true);
    expect(seen.has("ARCHIVE_CORRUPT")).toBe(true);
  });

  test("bit flips in the Huffman-coded payload are CRC mismatch or corrupt", async () => {
    for (let bit = 200 * 8; bit < M.length * 8 - 200 * 8; bit += 4099) {
      const r = await outcome(flipBit(M, bit), multi);
      expect([bit, ["ARCHIVE_CORRUPT", "ARCHIVE_CRC_MISMATCH"].includes(r)]).toEqual([bit, true]);
    }
  });

  test("stored CRCs: a wrong block CRC or stream CRC is ARCHIVE_CRC_MISMATCH", async () => {
    // Block CRC: bytes 10..13 (after "BZh9" and the 48-bit block magic).
    expect(await codeOf(flipBit(A, 12 * 8 + 3))).toBe("ARCHIVE_CRC_MISMATCH");
    // Stream CRC: the last 32 bits before the final 0..7 padding bits, so bytes -4..-2 are all CRC.
    for (const k of [2, 3, 4]) expect(await codeOf(flipBit(A, (A.length - k) * 8 + 5))).toBe("ARCHIVE_CRC_MISMATCH");
  });

  test("the error carries entry name, compressed offset and decompressed bytes", async () => {
    const damaged = concat([M, flipBit(A, 12 * 8 + 3)]);
    const err = await collectBytes(bunzip2((async function* () { yield damaged; })(), { name: "logs/day.csv.bz2" })).catch((e) => e);
    expect(err.name).toBe("ArchiveError");
    expect(err.code).toBe("ARCHIVE_CRC_MISMATCH");
    expect(err.message).toContain("block CRC");
    expect(err.message).toContain('"logs/day.csv.bz2"');
    expect(err.context.entry).toBe("logs/day.csv.bz2");
    expect(err.context.bytesOut).toBe(multi.length + small.length);
    expect(err.context.offset).toBeGreaterThan(M.length);
    expect(err.context.offset).toBeLessThanOrEqual(damaged.length);
    const trunc = await decode(M.subarray(0, 5000), 1000).catch((e) => e);
    expect(trunc.code).toBe("ARCHIVE_TRUNCATED");
    expect(trunc.context.offset).toBe(5000);
  });
});

describe.skipIf(!hasBzip2)("what follows the last stream", () => {
  const data = csvBytes(20_000, 5);
  const A = bzip2Cli(data, 9);

  test("zero padding is ignored (any amount, any chunking)", async () => {
    for (const pad of [1, 7, 512, 100_000]) expect(sha256(await decode(concat([A, new Uint8Array(pad)]), 333))).toBe(sha256(data));
  });

  test("anything else is ARCHIVE_CORRUPT: junk, zeros then junk, a bad level digit", async () => {
    expect(await codeOf(concat([A, enc.encode("trailing junk")]))).toBe("ARCHIVE_CORRUPT");
    expect(await codeOf(concat([A, new Uint8Array(1000), enc.encode("x")]))).toBe("ARCHIVE_CORRUPT");
    expect(await codeOf(concat([A, enc.encode("BZh0")]))).toBe("ARCHIVE_CORRUPT");
    const err = await decode(concat([A, enc.encode("trailing junk")])).catch((e) => e);
    expect(err.message).toContain("after the last stream");
  });

  test("the start of a next stream cut short is ARCHIVE_TRUNCATED", async () => {
    for (const tail of ["B", "BZ", "BZh", "BZh9", "BZh91AY"]) expect([tail, await codeOf(concat([A, enc.encode(tail)]))]).toEqual([tail, "ARCHIVE_TRUNCATED"]);
  });
});

describe("not bzip2", () => {
  test("empty input is ARCHIVE_TRUNCATED; other formats and text are ARCHIVE_CORRUPT", async () => {
    expect(await codeOf(new Uint8Array(0))).toBe("ARCHIVE_TRUNCATED");
    expect(await codeOf(enc.encode("id,name\n1,a\n"))).toBe("ARCHIVE_CORRUPT");
    expect(await codeOf(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]))).toBe("ARCHIVE_CORRUPT");
    expect(await codeOf(new Uint8Array(64))).toBe("ARCHIVE_CORRUPT");
    const err = await decode(enc.encode("id,name\n")).catch((e) => e);
    expect(err.message).toContain("not bzip2 data");
  });

  test("the source's own failure comes through unchanged", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield enc.encode("BZh9");
      throw new Error("disk read failed");
    }
    await expect(collectBytes(bunzip2(failing()))).rejects.toThrow("disk read failed");
  });
});
