/**
 * Filters (Delta decoded, BCJ refused by name) and the dictionary limit (refused before the window
 * is allocated, by default or through LimitTracker.checkDictionary).
 */
import { describe, expect, test } from "bun:test";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { LzWindow } from "../../../../src/archive/xz/lz-window.ts";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { parseBlockHeader } from "../../../../src/archive/xz/xz-headers.ts";
import { planFilters } from "../../../../src/archive/xz/xz-filters.ts";
import { chunked, concat, csvText, randomBytes, run, xzc, describeEachEngine, engine } from "./xz-test-support.ts";

const TEXT = csvText(100_000, 51);
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** 16-bit little-endian samples of a slow wave: the data Delta is made for. */
function samples(n: number): Uint8Array {
  const out = new Uint8Array(n * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) view.setInt16(i * 2, Math.round(8000 * Math.sin(i / 50) + 100 * Math.sin(i / 3)), true);
  return out;
}

describeEachEngine("filters", () => {
  test("Delta (distances 1, 2, 4, 256, and two chained) decodes to the input", async () => {
    const data = concat([samples(60_000), TEXT.subarray(0, 20_000), randomBytes(5000, 2)]);
    for (const args of [["--delta=dist=1"], ["--delta=dist=2"], ["--delta=dist=4"], ["--delta=dist=256"], ["--delta=dist=2", "--delta=dist=3"]]) {
      const xz = xzc(data, ...args, "--lzma2=preset=6");
      expect([args.join(" "), same(await run(xz, 3333, { chunkSize: 4096 }), data)]).toEqual([args.join(" "), true]);
    }
  });

  test("BCJ filters are refused with ARCHIVE_UNSUPPORTED naming the filter (decision in xz-filters.ts)", async () => {
    for (const [flag, name] of [["--x86", "BCJ x86 (ID 0x4)"], ["--powerpc", "BCJ PowerPC (ID 0x5)"], ["--ia64", "BCJ IA-64 (ID 0x6)"], ["--arm", "BCJ ARM (ID 0x7)"], ["--armthumb", "BCJ ARM-Thumb (ID 0x8)"], ["--sparc", "BCJ SPARC (ID 0x9)"]]) {
      const xz = xzc(TEXT, flag!, "--lzma2=preset=1");
      const err = await run(xz).catch((e) => e);
      expect([flag, err.code]).toEqual([flag, "ARCHIVE_UNSUPPORTED"]);
      expect(err.message).toContain(name);
      expect(err.context.filterId).toBeGreaterThanOrEqual(4);
    }
  });

  test("chain rules: LZMA2 must be last and only last", () => {
    const lz = { id: 0x21, props: new Uint8Array([0x10]) };
    const delta = { id: 0x03, props: new Uint8Array([0]) };
    expect(planFilters([delta, lz]).deltas.length).toBe(1);
    expect(() => planFilters([lz, delta])).toThrow("not LZMA2");
    expect(() => planFilters([lz, lz])).toThrow("not the last");
    expect(() => planFilters([{ id: 0x40, props: new Uint8Array(0) }, lz])).toThrow("unknown filter (ID 0x40), which dsp does not decode");
  });
});

describeEachEngine("dictionary limit", () => {
  const MiB = 2 ** 20;
  const big = xzc(TEXT.subarray(0, 2000), "--lzma2=preset=1,dict=256MiB");

  test("the header really declares 256 MiB (the file is tiny)", () => {
    const header = parseBlockHeader(big.subarray(12, 12 + (big[12]! + 1) * 4));
    expect(planFilters(header.filters).dictSize).toBe(256 * MiB);
    expect(big.length).toBeLessThan(2000);
  });

  test("refused by default (128 MiB) before any window is allocated or anything decoded", async () => {
    // Every LzWindow computes its size through LzWindow.sizeFor in its constructor: watch it.
    const sizeFor = LzWindow.sizeFor;
    const windows: number[] = [];
    LzWindow.sizeFor = (bytes: number) => (windows.push(bytes), sizeFor(bytes));
    try {
      const err = await run(big, 100, { name: "big-dict.xz" }).catch((e) => e);
      expect(err.code).toBe("ARCHIVE_LIMIT_DICTIONARY");
      expect(err.context).toMatchObject({ entry: "big-dict.xz", dictionaryBytes: 256 * MiB, allowed: 128 * MiB, bytesOut: 0 });
      expect(windows).toEqual([]);
      await run(xzc(TEXT.subarray(0, 2000), "--lzma2=preset=1,dict=64MiB"));
      expect(windows).toEqual([64 * MiB]); // the spy works: an accepted dictionary does allocate
    } finally {
      LzWindow.sizeFor = sizeFor;
    }
  });

  test("checkDictionary sees the declared size first; throwing there stops the stream before any output", async () => {
    const seen: number[] = [];
    let out = 0;
    const err = await (async () => {
      for await (const c of unxz(chunked(big, 64), {
        engine: engine(),
        checkDictionary: (bytes) => {
          seen.push(bytes);
          throw new Error(`refused ${bytes}`);
        },
      }))
        out += c.length;
    })().catch((e) => e);
    expect(err.message).toBe(`refused ${256 * MiB}`);
    expect(seen).toEqual([256 * MiB]);
    expect(out).toBe(0);
  });

  test("through LimitTracker.checkDictionary: the tracker's code and message; a raised limit lets it through", async () => {
    const tracker = new LimitTracker("in/big-dict.xz");
    const err = await run(big, 1000, { name: "big-dict.xz", checkDictionary: (b) => tracker.checkDictionary(b, "big-dict.xz") }).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_LIMIT_DICTIONARY");
    expect(err.message).toContain("DSP_ARCHIVE_MAX_DICTIONARY allows 134217728");
    expect(err.context.offset).toBeGreaterThan(0);
    const roomy = new LimitTracker("in/big-dict.xz", { maxDictionaryBytes: 256 * MiB });
    const ok = await run(big, 1000, { checkDictionary: (b) => roomy.checkDictionary(b) });
    expect(same(ok, TEXT.subarray(0, 2000))).toBe(true);
  });

  test("xz -9 (64 MiB) passes the default; every block of a multi-block stream is checked", async () => {
    expect(same(await run(xzc(TEXT, "-9")), TEXT)).toBe(true);
    const seen: number[] = [];
    await run(xzc(TEXT, "-1", "--block-size=30000"), 1000, { checkDictionary: (b) => void seen.push(b) });
    expect(seen).toEqual([MiB, MiB, MiB, MiB]);
  });
});
