/**
 * Hand-crafted bzip2 streams (bzip2-craft.ts) that no encoder writes: every count and field the
 * decoder validates, at and past its limit. Where `bzip2` 1.0.8 has an opinion it is the oracle
 * (same acceptance, same bytes); the decoder must never hang, over-allocate or return wrong bytes.
 */
import { describe, expect, test } from "bun:test";
import { concat } from "../../../support/archive/tar-writer.ts";
import { craftStream, type BlockSpec } from "./bzip2-craft.ts";
import { bunzip2Cli, codeOf, csvBytes, decode, hasBzip2, runsBytes, sha256 } from "./bzip2-fixtures.ts";

const enc = new TextEncoder();
const DATA = concat([csvBytes(700, 1), runsBytes(500, 2)]);

/** Our outcome and, when the CLI is there, bzip2's (both "ok" only with the right bytes). */
async function judge(stream: Uint8Array, expected: Uint8Array): Promise<{ dsp: string; bzip2: string }> {
  const dsp = await decode(stream, 97).then(
    (out) => (sha256(out) === sha256(expected) ? "ok" : "WRONG BYTES"),
    (e) => e.code ?? String(e),
  );
  if (!hasBzip2) return { dsp, bzip2: "n/a" };
  const out = bunzip2Cli(stream);
  return { dsp, bzip2: out === null ? "error" : sha256(out) === sha256(expected) ? "ok" : "WRONG BYTES" };
}

const block = (spec: Partial<BlockSpec> = {}): BlockSpec => ({ data: DATA, ...spec });

describe("valid but unusual streams decode like bzip2 1.0.8", () => {
  test("the naive writer's plain output decodes (and bzip2 agrees)", async () => {
    const r = await judge(craftStream({ blocks: [block()] }), DATA);
    expect(r.dsp).toBe("ok");
    if (hasBzip2) expect(r.bzip2).toBe("ok");
  });

  test("more selectors than 18002 (up to the 15-bit maximum) are read and ignored", async () => {
    for (const nSelectors of [18_001, 18_002, 18_003, 32_767]) {
      const r = await judge(craftStream({ blocks: [block({ nSelectors })] }), DATA);
      expect([nSelectors, r.dsp]).toEqual([nSelectors, "ok"]);
      if (hasBzip2) expect([nSelectors, r.bzip2]).toEqual([nSelectors, "ok"]);
    }
  });

  test("6 groups; code-length deltas that wobble for a long time (streamed, not buffered)", async () => {
    for (const spec of [{ nGroups: 6 }, { nGroups: 6, lengthWobble: 400 }]) {
      const stream = craftStream({ blocks: [block(spec), block(spec)] });
      const r = await judge(stream, concat([DATA, DATA]));
      expect([spec, r.dsp]).toEqual([spec, "ok"]);
      if (hasBzip2) expect([spec, r.bzip2]).toEqual([spec, "ok"]);
    }
  });

  test("a one-byte block; a block of one repeated byte", async () => {
    for (const data of [enc.encode("z"), new Uint8Array(3000).fill(7)]) {
      expect((await judge(craftStream({ blocks: [{ data }] }), data)).dsp).toBe("ok");
    }
  });
});

describe("hostile fields are refused with the right code", () => {
  const cases: [string, Uint8Array, string][] = [
    ["randomised block", craftStream({ blocks: [block({ randomised: true })] }), "ARCHIVE_UNSUPPORTED"],
    ["no byte values used", craftStream({ blocks: [block({ noBytesUsed: true, symbols: [] })] }), "ARCHIVE_CORRUPT"],
    ["1 Huffman group", craftStream({ blocks: [block({ nGroups: 1 })] }), "ARCHIVE_CORRUPT"],
    ["7 Huffman groups", craftStream({ blocks: [block({ nGroups: 7 })] }), "ARCHIVE_CORRUPT"],
    ["0 selectors", craftStream({ blocks: [block({ nSelectors: 0 })] }), "ARCHIVE_CORRUPT"],
    ["selector past the groups", craftStream({ blocks: [block({ firstSelector: 2, nGroups: 2 })] }), "ARCHIVE_CORRUPT"],
    ["too few selectors for the symbols", craftStream({ blocks: [block({ nSelectors: 1 })] }), "ARCHIVE_CORRUPT"],
    ["code length 0", craftStream({ blocks: [block({ startLength: 0 })] }), "ARCHIVE_CORRUPT"],
    ["code length 21", craftStream({ blocks: [block({ startLength: 21 })] }), "ARCHIVE_CORRUPT"],
    ["over-subscribed code (all lengths 1)", craftStream({ blocks: [block({ startLength: 1 })] }), "ARCHIVE_CORRUPT"],
    ["origPtr = nblock", craftStream({ blocks: [{ data: enc.encode("abcdef"), origPtr: 6 }] }), "ARCHIVE_CORRUPT"],
    ["origPtr = 2^24 - 1", craftStream({ blocks: [block({ origPtr: 0xffffff })] }), "ARCHIVE_CORRUPT"],
    ["a block with no symbols but EOB", craftStream({ blocks: [block({ symbols: [] })] }), "ARCHIVE_CORRUPT"],
    ["22 RUNA symbols in a row", craftStream({ blocks: [block({ symbols: new Array(22).fill(0) })] }), "ARCHIVE_CORRUPT"],
    ["wrong block CRC", craftStream({ blocks: [block({ crc: 1234 })] }), "ARCHIVE_CRC_MISMATCH"],
    ["wrong stream CRC", craftStream({ blocks: [block()], streamCrc: 1234 }), "ARCHIVE_CRC_MISMATCH"],
  ];
  for (const [what, stream, code] of cases) {
    test(what, async () => {
      const r = await judge(stream, DATA);
      expect(r.dsp).toBe(code);
      if (hasBzip2 && code !== "ARCHIVE_UNSUPPORTED" && !what.startsWith("over-subscribed")) expect(r.bzip2).toBe("error");
    });
  }

  test("runs may not overflow the block size the stream header declares (level × 100 000)", async () => {
    // RUNA/RUNB symbols for a run of exactly n: bijective base 2.
    const run = (n: number) => {
      const out: number[] = [];
      for (let k = n - 1; ; k = (k - 2) >> 1) {
        out.push(k & 1);
        if (k < 2) break;
      }
      return out;
    };
    const one = enc.encode("a"); // one byte value in use: RUNA, RUNB, EOB (2)
    const fits = craftStream({ level: 1, blocks: [{ data: one, symbols: run(100_000) }] });
    const over = craftStream({ level: 1, blocks: [{ data: one, symbols: run(100_001) }] });
    // 100 000 × "a" is not what the stored CRC (of "a") describes: what matters is that the size
    // check lets a full block through and refuses one more byte.
    expect(await codeOf(fits)).toBe("ARCHIVE_CRC_MISMATCH");
    expect(await codeOf(over)).toBe("ARCHIVE_CORRUPT");
    // Two runs (of "a", then of "b" after its MTF symbol 2) that only together pass the limit.
    const two = craftStream({ level: 1, blocks: [{ data: enc.encode("ab"), symbols: [...run(60_000), 2, ...run(50_000)] }] });
    expect(await codeOf(two)).toBe("ARCHIVE_CORRUPT");
    if (hasBzip2) expect(bunzip2Cli(over)).toBeNull();
  });

  test("garbage and truncation inside crafted headers never hang", async () => {
    const good = craftStream({ blocks: [block({ nGroups: 6, nSelectors: 20_000, lengthWobble: 3 })] });
    for (let cut = 0; cut < good.length; cut += 53) expect([cut, await codeOf(good.subarray(0, cut), 13)]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
    for (let i = 10; i < Math.min(good.length, 4000); i += 37) {
      const bad = good.slice();
      bad[i] = 0xff - bad[i]!;
      expect(["ok", "ARCHIVE_CORRUPT", "ARCHIVE_CRC_MISMATCH", "ARCHIVE_UNSUPPORTED", "ARCHIVE_TRUNCATED"]).toContain((await judge(bad, DATA)).dsp);
    }
  });
});
