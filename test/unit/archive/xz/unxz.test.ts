/**
 * unxz round trips against the real `xz` (5.4 here): every preset, every check, blocks, streams,
 * padding, the window wrapping, incompressible and extremely compressible data, .lzma files. All
 * compared byte for byte (big ones by SHA-256), and with `xz -dc` where it is the reference.
 */
import { describe, expect, test } from "bun:test";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { chunked, codeOf, concat, csvText, digestOf, randomBytes, run, sha256, xzc, xzDecode, describeEachEngine, engine } from "./xz-test-support.ts";

const TEXT = csvText(300_000, 11);
const SMALL = csvText(20_000, 12);

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

describeEachEngine("presets and checks", () => {
  test("presets -0 .. -9 and -e decode to the input", async () => {
    for (const preset of ["-0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9", "-0e", "-6e", "-9e"]) {
      const xz = xzc(TEXT, preset);
      expect([preset, same(await run(xz, 4096), TEXT)]).toEqual([preset, true]);
    }
  }, 120_000);

  test("--check=none / crc32 / crc64 / sha256 are all verified and decode", async () => {
    for (const check of ["none", "crc32", "crc64", "sha256"]) {
      const xz = xzc(TEXT, "-3", `--check=${check}`);
      expect([check, same(await run(xz, 7777), TEXT)]).toEqual([check, true]);
    }
  });

  test("any chunking of the input gives the same output, down to one byte at a time", async () => {
    const xz = xzc(SMALL, "-6");
    for (const size of [1, 2, 3, 5, 13, 64, 4096, xz.length]) expect([size, same(await run(xz, size), SMALL)]).toEqual([size, true]);
    const cuts = [1, 2, 12, 13, 20, 24, 25, 100, 1000, xz.length - 40, xz.length - 12, xz.length - 1];
    expect(same(await run(xz, cuts), SMALL)).toBe(true);
  });

  test("small output chunks: every chunk but the last has exactly chunkSize bytes", async () => {
    const sizes: number[] = [];
    for await (const c of unxz(chunked(xzc(SMALL), 500), { engine: engine(), chunkSize: 1000 })) sizes.push(c.length);
    expect(sizes.slice(0, -1).every((n) => n === 1000)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(SMALL.length);
  });
});

describeEachEngine("blocks, streams, padding", () => {
  test("multi-block streams (--block-size), single- and multi-threaded (sizes in block headers)", async () => {
    for (const args of [["--block-size=10000"], ["--block-size=65536", "-1"], ["-T2", "--block-size=50000"], ["-T2", "--block-size=4096", "-0"]]) {
      const xz = xzc(TEXT, ...args);
      expect([args.join(" "), same(await run(xz, 3000), TEXT)]).toEqual([args.join(" "), true]);
    }
  });

  test("concatenated streams with different checks and presets decode to the concatenation, as xz -dc does", async () => {
    const parts = [xzc(SMALL, "-1", "--check=crc32"), xzc(new Uint8Array(0)), xzc(TEXT, "-6", "--check=sha256"), xzc(SMALL, "-0", "--check=none")];
    const file = concat(parts);
    const expected = concat([SMALL, TEXT, SMALL]);
    const native = xzDecode(file);
    expect(native.ok && same(native.out, expected)).toBe(true);
    expect(same(await run(file, 1234), expected)).toBe(true);
  });

  test("stream padding (zeros in fours) between and after streams is skipped", async () => {
    const a = xzc(SMALL, "-1");
    const z = (n: number) => new Uint8Array(n);
    const file = concat([a, z(4), a, z(4096), a, z(8)]);
    expect(xzDecode(file).ok).toBe(true);
    expect(same(await run(file, 999), concat([SMALL, SMALL, SMALL]))).toBe(true);
  });

  test("padding that is not a multiple of 4 is ARCHIVE_CORRUPT (xz refuses it too)", async () => {
    const a = xzc(SMALL, "-1");
    for (const file of [concat([a, new Uint8Array(3)]), concat([a, new Uint8Array(5), a])]) {
      expect(xzDecode(file).ok).toBe(false);
      expect(await codeOf(file)).toBe("ARCHIVE_CORRUPT");
    }
  });

  test("an empty file compressed (a stream with no blocks) decodes to nothing; no input at all is ARCHIVE_TRUNCATED", async () => {
    const empty = xzc(new Uint8Array(0));
    expect(empty.length).toBe(32);
    expect((await run(empty)).length).toBe(0);
    expect((await run(concat([empty, empty]))).length).toBe(0);
    expect(await codeOf(new Uint8Array(0))).toBe("ARCHIVE_TRUNCATED");
  });
});

describeEachEngine("data shapes", () => {
  test("random bytes (LZMA2 stores them as uncompressed chunks), also after compressible data", async () => {
    const rnd = randomBytes(400_000, 3);
    expect(same(await run(xzc(rnd, "-6"), 65536), rnd)).toBe(true);
    const mixed = concat([SMALL, rnd, SMALL, rnd.subarray(0, 1000), SMALL]);
    expect(same(await run(xzc(mixed, "-2"), 10_000), mixed)).toBe(true);
  });

  test("long runs and long repeats (matches of 273 bytes, runs of one byte, far distances)", async () => {
    const block = randomBytes(300_000, 5);
    const data = concat([new Uint8Array(3_000_000), block, new Uint8Array(1_000_000).fill(0x41), block, block, SMALL, block]);
    for (const preset of ["-0", "-6"]) {
      const xz = xzc(data, preset);
      expect(xz.length).toBeLessThan(data.length / 2);
      expect([preset, sha256(await run(xz, 65536))]).toEqual([preset, sha256(data)]);
    }
  });

  test("a dictionary smaller than the data: the window wraps many times (dict 4 KiB, 64 KiB)", async () => {
    const data = concat([TEXT, randomBytes(50_000, 9), TEXT.subarray(0, 100_000)]);
    for (const dict of ["4KiB", "64KiB", "1MiB"]) {
      const xz = xzc(data, `--lzma2=preset=6,dict=${dict}`);
      expect([dict, sha256(await run(xz, 5000, { chunkSize: 3000 }))]).toEqual([dict, sha256(data)]);
    }
  });

  test("every lc / lp / pb combination the format allows in LZMA2 (lc + lp ≤ 4)", async () => {
    const data = concat([SMALL, randomBytes(3000, 4), SMALL.subarray(0, 5000)]);
    for (const [lc, lp, pb] of [[0, 0, 0], [4, 0, 0], [0, 4, 4], [1, 3, 1], [3, 1, 4], [2, 2, 3]]) {
      const xz = xzc(data, `--lzma2=preset=1,lc=${lc},lp=${lp},pb=${pb}`);
      expect([lc, lp, pb, same(await run(xz, 777), data)]).toEqual([lc, lp, pb, true]);
    }
  });

  test("big files compared by SHA-256, in 64 KiB input chunks: 24 MB of CSV at -1, 6 MB at -6", async () => {
    for (const [mb, preset] of [[24, "-1"], [6, "-6"]] as const) {
      const data = csvText(mb * 1_000_000, 21);
      const xz = xzc(data, preset);
      expect(await digestOf(unxz(chunked(xz, 65536), { engine: engine() }))).toEqual({ bytes: data.length, sha256: sha256(data) });
    }
  }, 240_000);
});

describe("legacy .lzma (LZMA_Alone)", () => {
  test("xz --format=lzma files decode, any chunking", async () => {
    for (const args of [["-6"], ["-0"], ["--lzma1=preset=6,lc=0,lp=4,pb=0"], ["--lzma1=preset=1,lc=4,lp=0,pb=4"]]) {
      const lz = xzc(TEXT, "--format=lzma", ...args);
      expect([args.join(" "), same(await run(lz, 1500), TEXT)]).toEqual([args.join(" "), true]);
    }
    expect((await run(xzc(new Uint8Array(0), "--format=lzma"))).length).toBe(0);
  });

  test("a truncated .lzma is ARCHIVE_TRUNCATED; data after it is ARCHIVE_CORRUPT", async () => {
    const lz = xzc(SMALL, "--format=lzma");
    for (const cut of [13, 14, 20, lz.length >> 1, lz.length - 1]) expect([cut, await codeOf(lz.subarray(0, cut))]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
    expect(await codeOf(concat([lz, new Uint8Array([1, 2, 3])]))).toBe("ARCHIVE_CORRUPT");
  });
});
