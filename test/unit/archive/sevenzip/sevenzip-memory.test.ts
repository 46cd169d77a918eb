/**
 * 7-Zip's memory is capped per run (heap-limit.ts): the listing by the entries still allowed, the
 * extraction by that plus the dictionary limit. A run refused memory fails with ARCHIVE_LIMIT_MEMORY
 * (never "corrupt" or "unsupported"), names the key that raises the cap, and leaves no worker; a run
 * within its cap is unaffected.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isArchiveError, type ArchiveError } from "../../../../src/archive/archive-error.ts";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { BYTES_PER_ENTRY, CODER_BUFFERS_BYTES, heapLimits, LISTING_BASE_BYTES } from "../../../../src/archive/sevenzip/heap-limit.ts";
import { liveSevenZipWorkers } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { plainHeaderSevenZip } from "../../../support/archive/seven-zip-writer.ts";
import { collect, csvText, make7z, patchLzma2Dictionary, tempDir, writeTree } from "./sevenzip-support.ts";

const MiB = 1024 * 1024;
const tmp = tempDir("dsp-7z-memory-");
const src = join(tmp.dir, "src");

beforeAll(() => writeTree(src, { "a.csv": csvText(200_000, 4), "c.txt": "small\n" }));
afterAll(() => tmp.remove());

async function failure(run: () => Promise<unknown>): Promise<ArchiveError> {
  try {
    await run();
  } catch (err) {
    if (isArchiveError(err)) return err;
    throw err;
  }
  throw new Error("expected the archive to fail");
}

test("the caps: 32 MiB + 2.2 KiB per entry allowed to list; plus the dictionary limit and 32 MiB to extract", () => {
  const defaults = heapLimits(10_000, 128 * MiB);
  expect(defaults.listingBytes).toBe(LISTING_BASE_BYTES + 10_000 * BYTES_PER_ENTRY);
  expect(Math.round(defaults.listingBytes / MiB)).toBe(53);
  expect(defaults.extractionBytes).toBe(defaults.listingBytes + 128 * MiB + CODER_BUFFERS_BYTES);
  // Nothing above WASM's own 2 GiB.
  expect(heapLimits(10_000_000, 4096 * MiB)).toEqual({ listingBytes: 2 ** 31, extractionBytes: 2 ** 31 });
});

describe("listing: the archive database", () => {
  // 400,000 entries: 7-Zip's heap grows from 16 to ~34 MiB while it reads the header.
  const bomb = plainHeaderSevenZip(400_000);

  test("a header whose database passes the listing cap fails with ARCHIVE_LIMIT_MEMORY, naming DSP_ARCHIVE_MAX_ENTRIES", async () => {
    const err = await failure(() => collect({ bytes: bomb }, "7z", { heapLimits: { listingBytes: 20 * MiB, extractionBytes: 20 * MiB } }));
    expect(err.code).toBe("ARCHIVE_LIMIT_MEMORY");
    expect(err.message).toContain("7-Zip needs more than 20 MiB of memory to read the archive's headers");
    expect(err.message).toContain("DSP_ARCHIVE_MAX_ENTRIES");
    expect(err.context).toMatchObject({ stage: "listing", limit: "DSP_ARCHIVE_MAX_ENTRIES", allowed: 20 * MiB });
    expect(err.context.requested as number).toBeGreaterThan(20 * MiB);
    expect(liveSevenZipWorkers()).toBe(0);
  });

  test("the same archive within its cap lists every entry", async () => {
    const { entries } = await collect({ bytes: bomb }, "7z", { heapLimits: heapLimits(400_000, 128 * MiB) });
    expect(entries.length).toBe(400_000);
    expect(entries[399_999]!.path).toBe("f399999.txt");
  });
});

describe("extraction: the decoders", () => {
  // A valid archive whose LZMA2 coder declares 96 MiB, 7-Zip 26's ultra preset: 7-Zip allocates
  // all of it, even for 200 KB of data.
  let bigDictionary: Uint8Array;
  beforeAll(() => {
    const plain = readFileSync(make7z(src, join(tmp.dir, "dict.7z"), ["c.txt", "a.csv"], ["-m0=LZMA2", "-mhc=off"]));
    bigDictionary = patchLzma2Dictionary(plain, 29); // 3 × 2^25
  });

  test("a dictionary the dictionary limit allows but the extraction cap does not: ARCHIVE_LIMIT_MEMORY, naming DSP_ARCHIVE_MAX_DICTIONARY", async () => {
    const seen: number[] = [];
    const err = await failure(() =>
      collect({ bytes: bigDictionary }, "7z", {
        checkDictionary: (bytes) => seen.push(bytes),
        heapLimits: { listingBytes: 64 * MiB, extractionBytes: 64 * MiB },
      }),
    );
    expect(seen).toEqual([96 * MiB, 96 * MiB]);
    expect(err.code).toBe("ARCHIVE_LIMIT_MEMORY");
    expect(err.message).toContain("7-Zip needs more than 64 MiB of memory to decode it");
    expect(err.message).toContain("DSP_ARCHIVE_MAX_DICTIONARY");
    expect(err.context).toMatchObject({ stage: "extraction", limit: "DSP_ARCHIVE_MAX_DICTIONARY", allowed: 64 * MiB });
    expect(liveSevenZipWorkers()).toBe(0);
  });

  test("the default limits (dictionary and caps) let 7-Zip's ultra dictionary through, bytes intact", async () => {
    const tracker = new LimitTracker("dict.7z");
    const { files } = await collect({ bytes: bigDictionary }, "7z", {
      checkDictionary: (bytes, entry) => tracker.checkDictionary(bytes, entry),
      heapLimits: heapLimits(tracker.entriesLeft, tracker.limits.maxDictionaryBytes),
    });
    expect(files.get("c.txt")?.toString()).toBe("small\n");
    expect(files.get("a.csv")?.toString()).toBe(csvText(200_000, 4));
  });
});
