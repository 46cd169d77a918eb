/**
 * Damaged archives end in an ArchiveError, never in a success with wrong bytes and never in a hang;
 * and a dictionary over the caller's limit is refused before anything is decoded.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isArchiveError, type ArchiveError } from "../../../../src/archive/archive-error.ts";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { liveSevenZipWorkers } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { buildRar5 } from "./rar-fixtures.ts";
import { collect, csvText, make7z, noise, patchLzma2Dictionary, tempDir, writeTree } from "./sevenzip-support.ts";

const tmp = tempDir();
const src = join(tmp.dir, "src");
const TREE = { "a.csv": csvText(60_000, 3), "b.bin": noise(20_000, 5), "c.txt": "small\n", "d/e.csv": csvText(30_000, 9) };

beforeAll(() => writeTree(src, TREE));
afterAll(() => tmp.remove());

/** Either an ArchiveError, or every file exactly as 7zz was given it. */
async function errorOrExact(bytes: Uint8Array, format: "7z" | "rar", expected: Record<string, string | Uint8Array>): Promise<ArchiveError | "exact"> {
  try {
    const { files } = await collect({ bytes }, format);
    for (const [path, content] of Object.entries(expected)) {
      expect(Buffer.compare(files.get(path) ?? Buffer.alloc(0), Buffer.from(content)), `${path} after damage`).toBe(0);
    }
    return "exact";
  } catch (err) {
    if (!isArchiveError(err)) throw err;
    return err;
  }
}

describe("7z damage", () => {
  for (const solid of [true, false]) {
    test(`truncated at many lengths (${solid ? "solid" : "non-solid"}): ARCHIVE_TRUNCATED or another ArchiveError`, async () => {
      const archive = readFileSync(make7z(src, join(tmp.dir, `t-${solid}.7z`), ["."], ["-m0=LZMA2", `-ms=${solid ? "on" : "off"}`]));
      const lengths = [0, 5, 31, 32, 100, archive.length >> 2, archive.length >> 1, archive.length - 40, archive.length - 1];
      for (const n of lengths) {
        const got = await errorOrExact(archive.subarray(0, n), "7z", TREE);
        expect(got, `cut at ${n}`).not.toBe("exact");
        if (n >= 32) expect((got as ArchiveError).code, `cut at ${n}`).toBe("ARCHIVE_TRUNCATED");
      }
    });

    test(`bit flips everywhere (${solid ? "solid" : "non-solid"}): an error, or exact bytes`, async () => {
      const archive = readFileSync(make7z(src, join(tmp.dir, `f-${solid}.7z`), ["."], ["-m0=LZMA2", `-ms=${solid ? "on" : "off"}`]));
      const codes = new Map<string, number>();
      let x = 12345;
      for (let i = 0; i < 40; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        const pos = i < 8 ? 32 + i * 7 : x % archive.length;
        const damaged = archive.slice();
        damaged[pos]! ^= 1 << (x % 8);
        const got = await errorOrExact(damaged, "7z", TREE);
        const key = got === "exact" ? "exact" : got.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }
      // Most flips land in compressed data or in CRC-protected headers: they must be caught.
      expect([(codes.get("ARCHIVE_CORRUPT") ?? 0) + (codes.get("ARCHIVE_CRC_MISMATCH") ?? 0) > 20, [...codes]]).toEqual([true, [...codes]]);
      expect(liveSevenZipWorkers()).toBe(0);
    });
  }

  test("a flipped byte in stored (Copy) data: ARCHIVE_CRC_MISMATCH", async () => {
    const archive = readFileSync(make7z(src, join(tmp.dir, "copy.7z"), ["c.txt"], ["-m0=Copy"]));
    const damaged = archive.slice();
    damaged[32 + 2]! ^= 0x01; // the data starts right after the 32-byte signature header
    const got = await errorOrExact(damaged, "7z", { "c.txt": TREE["c.txt"] });
    expect(got).not.toBe("exact");
    expect((got as ArchiveError).code).toBe("ARCHIVE_CRC_MISMATCH");
    // Caught by the reader's own CRC-32 check of the listed value, or by 7-Zip's "CRC Failed".
    expect((got as ArchiveError).context.entry).toBe("c.txt");
  });

  test("bytes after the end of the archive (a padded copy) are tolerated, the files are exact", async () => {
    const archive = readFileSync(make7z(src, join(tmp.dir, "trailing.7z"), ["."], ["-m0=LZMA2"]));
    const padded = new Uint8Array(archive.length + 4096);
    padded.set(archive, 0);
    padded.set(noise(4096, 11), archive.length);
    expect(await errorOrExact(padded, "7z", TREE)).toBe("exact");
  });

  test("not a 7z at all: ARCHIVE_CORRUPT", async () => {
    const got = await errorOrExact(new TextEncoder().encode("hello, not an archive"), "7z", {});
    expect((got as ArchiveError).code).toBe("ARCHIVE_CORRUPT");
  });
});

describe("RAR damage", () => {
  const files = [
    { name: "a.txt", data: new TextEncoder().encode("alpha\n".repeat(500)) },
    { name: "b.bin", data: noise(5000, 7) },
  ];
  const expected = Object.fromEntries(files.map((f) => [f.name, f.data]));

  test("RAR5 truncated: an ArchiveError at every length", async () => {
    const rar = buildRar5(files);
    for (const n of [4, 8, 20, 60, rar.length >> 1, rar.length - 10, rar.length - 1]) {
      const got = await errorOrExact(rar.subarray(0, n), "rar", expected);
      expect(got, `cut at ${n}`).not.toBe("exact");
    }
  });

  test("RAR5 flipped data byte: ARCHIVE_CRC_MISMATCH", async () => {
    const rar = buildRar5(files);
    const damaged = rar.slice();
    damaged[rar.length - 100]! ^= 0x04; // inside b.bin's stored data
    const got = await errorOrExact(damaged, "rar", expected);
    expect((got as ArchiveError).code).toBe("ARCHIVE_CRC_MISMATCH");
  });
});

describe("dictionary limit", () => {
  test("-md=256m on a small input: 7-Zip shrinks the dictionary to the data, the listing says so", async () => {
    const archive = make7z(src, join(tmp.dir, "md.7z"), ["c.txt"], ["-m0=LZMA2", "-md=256m"]);
    const seen: number[] = [];
    const { entries } = await collect({ path: archive }, "7z", { checkDictionary: (b) => seen.push(b) });
    expect(entries[0]!.dictionaryBytes).toBeLessThanOrEqual(64 * 1024);
    expect(seen).toEqual([entries[0]!.dictionaryBytes!]);
  });

  test("a declared 256 MiB LZMA2 dictionary is refused by LimitTracker (64 MiB) before decoding", async () => {
    const plain = readFileSync(make7z(src, join(tmp.dir, "dict.7z"), ["c.txt", "a.csv"], ["-m0=LZMA2", "-mhc=off"]));
    const patched = patchLzma2Dictionary(plain, 32); // 2^28
    // Still a valid archive: with no limit, it extracts.
    const ok = await collect({ bytes: patched }, "7z");
    expect(ok.entries[0]!.dictionaryBytes).toBe(2 ** 28);
    expect(ok.files.get("c.txt")?.toString()).toBe("small\n");
    const tracker = new LimitTracker("dict.7z");
    let err: unknown;
    try {
      await collect({ bytes: patched }, "7z", { checkDictionary: (b, e) => tracker.checkDictionary(b, e) });
    } catch (e) {
      err = e;
    }
    expect(isArchiveError(err, "ARCHIVE_LIMIT_DICTIONARY")).toBe(true);
    expect((err as ArchiveError).context).toMatchObject({ dictionaryBytes: 2 ** 28, limit: "DSP_ARCHIVE_MAX_DICTIONARY" });
    expect(liveSevenZipWorkers()).toBe(0);
  });

  test("a smaller limit refuses an ordinary archive too (the callback sees every entry)", async () => {
    const archive = make7z(src, join(tmp.dir, "ordinary.7z"), ["."], ["-m0=LZMA2", "-md=1m"]);
    const tracker = new LimitTracker("ordinary.7z", { maxDictionaryBytes: 1024 });
    let err: unknown;
    try {
      await collect({ path: archive }, "7z", { checkDictionary: (b, e) => tracker.checkDictionary(b, e) });
    } catch (e) {
      err = e;
    }
    expect(isArchiveError(err, "ARCHIVE_LIMIT_DICTIONARY")).toBe(true);
  });
});
