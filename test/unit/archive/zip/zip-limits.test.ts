/**
 * The limits: entry count (from the end record, before the directory is read), total uncompressed
 * bytes (declared, and produced across repeated opens), expansion ratio (declared, streaming after
 * the floor, and for the archive as a whole), and their overrides. Name length is in
 * zip-names.test.ts, the in-memory limit for nested archives in zip-sources.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { bytesSource, type RandomAccessSource } from "../../../../src/archive/zip/random-access-source.ts";
import { DEFAULT_ZIP_LIMITS } from "../../../../src/archive/zip/limits.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { payload } from "../../../support/payload.ts";
import { deflatedZeros } from "../../../support/archive/zeros-deflate.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { drainEntry, expectArchiveError, listEntries, openBytes } from "./zip-test-support.ts";

const MiB = 2 ** 20;

describe("entry count", () => {
  test("the default is 10,000; one more is refused from the end record alone", async () => {
    expect(DEFAULT_ZIP_LIMITS.maxEntries).toBe(10_000);
    const bytes = buildZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}`, method: 0 })));
    const reads: number[] = [];
    const source: RandomAccessSource = { size: bytes.length, read: (p, l) => (reads.push(p), bytesSource(bytes).read(p, l)) };
    const err = await expectArchiveError(openZip(source), "ARCHIVE_LIMIT_ENTRIES");
    expect(err.message).toContain("10001 entries, above the limit of 10000");
    expect(reads).toEqual([Math.max(0, bytes.length - 65_557)]); // only the tail was read
    expect((await openBytes(bytes, { limits: { maxEntries: 10_001 } })).entryCount).toBe(10_001);
  });

  test("a lying end record claiming a million entries fails fast, whatever the directory holds", async () => {
    await expectArchiveError(openBytes(buildZip([{ name: "a", data: "" }], { entryCount: 60_000, zip64End: true })), "ARCHIVE_LIMIT_ENTRIES");
    await expectArchiveError(
      openBytes(buildZip([{ name: "a", data: "" }], { entryCount: 1_000_000, zip64End: true }), { limits: { maxEntries: 2_000_000 } }),
      "ARCHIVE_CORRUPT", // 46 bytes per record: the directory cannot hold them
    );
  });
});

describe("total uncompressed bytes", () => {
  test("declared totals above the limit are refused before any entry is yielded", async () => {
    const bytes = buildZip([
      { name: "a", data: payload(600_000, 1) },
      { name: "b", data: payload(600_000, 2) },
    ]);
    const err = await expectArchiveError(openBytes(bytes, { limits: { maxTotalBytes: 1_000_000 } }), "ARCHIVE_LIMIT_BYTES");
    expect(err.message).toContain("declare 1200000 bytes");
  });

  test("bytes produced count across opens: reading an entry again cannot bypass the limit", async () => {
    const reader = await openBytes(buildZip([{ name: "a", data: payload(600_000, 3) }]), { limits: { maxTotalBytes: 1_000_000 } });
    const [e] = await listEntries(reader);
    expect(await drainEntry(reader, e!)).toBe(600_000);
    const err = await expectArchiveError(drainEntry(reader, e!), "ARCHIVE_LIMIT_BYTES");
    expect(err.message).toContain("produced");
  });
});

describe("expansion ratio", () => {
  const zeros = (size: number) => {
    const z = deflatedZeros(size);
    return { compressed: z.compressed, crc32: z.crc32, uncompressedSize: size };
  };

  test("below the 10 MiB floor any ratio is fine (a small file of blanks is no bomb)", async () => {
    const reader = await openBytes(buildZip([{ name: "blank", ...zeros(9 * MiB) }]));
    const [e] = await listEntries(reader);
    expect(e!.uncompressedSize / e!.compressedSize).toBeGreaterThan(900);
    expect(await drainEntry(reader, e!)).toBe(9 * MiB);
  });

  test("an archive declaring more than 100:1 past the floor is refused when opened", async () => {
    const err = await expectArchiveError(openBytes(buildZip([{ name: "bomb", ...zeros(50 * MiB) }])), "ARCHIVE_LIMIT_RATIO");
    expect(err.message).toMatch(/archive \(as declared\) expands \d+:1/);
  });

  test("an entry declaring more than 100:1 past the floor is refused before its data is read", async () => {
    // Padding with a large random entry keeps the archive as a whole under 100:1.
    const reader = await openBytes(buildZip([{ name: "pad", data: payload(1 * MiB, 4), method: 0 }, { name: "bomb", ...zeros(50 * MiB) }]));
    const bomb = (await listEntries(reader))[1]!;
    expect(reader.problem(bomb)?.code).toBe("ARCHIVE_LIMIT_RATIO");
    await expectArchiveError(drainEntry(reader, bomb), "ARCHIVE_LIMIT_RATIO");
  });

  test("an entry that is fine overall but expands more than 100:1 while streaming stops just after the floor", async () => {
    // 15 MiB of zeros then 1 MiB of noise: ~15:1 declared, ~1000:1 over its first 10 MiB.
    const z = deflatedZeros(15 * MiB);
    const noise = payload(1 * MiB, 5);
    const { deflateRawSync, crc32 } = await import("node:zlib");
    const compressed = Buffer.concat([z.compressed.subarray(0, z.compressed.length - 2), deflateRawSync(noise)]);
    const crc = crc32(noise, z.crc32) >>> 0;
    const reader = await openBytes(buildZip([{ name: "sneaky", compressed, crc32: crc, uncompressedSize: 16 * MiB }]));
    const [e] = await listEntries(reader);
    expect(reader.problem(e!)).toBeUndefined();
    let got = 0;
    const err = await expectArchiveError(async () => {
      for await (const c of reader.open(e!)) got += c.length;
    }, "ARCHIVE_LIMIT_RATIO");
    expect(got).toBeGreaterThanOrEqual(10 * MiB - 256 * 1024);
    expect(got).toBeLessThanOrEqual(10 * MiB + 256 * 1024);
    expect(err.entry).toBe("sneaky");
    // Raising the ratio (or the floor) lets it through.
    const lenient = await openBytes(buildZip([{ name: "sneaky", compressed, crc32: crc, uncompressedSize: 16 * MiB }]), { limits: { maxRatio: 2000 } });
    expect(await drainEntry(lenient, (await listEntries(lenient))[0]!)).toBe(16 * MiB);
  });

  test("limits are validated", async () => {
    await expect(openBytes(buildZip([]), { limits: { maxRatio: -1 } })).rejects.toThrow(RangeError);
    await expect(openBytes(buildZip([]), { limits: { maxEntries: Number.NaN } })).rejects.toThrow(RangeError);
  });
});
