/**
 * ZIP64: more than 65,535 entries (70,000, central directory streamed through a bounded window),
 * an entry over 4 GiB (a crafted deflate stream of 4.5 GiB of zeros, in memory), offsets over
 * 4 GiB (a sparse source that synthesises a 4.5 GiB stored entry), and the consistency rules
 * between the 32-bit fields and their ZIP64 counterparts.
 */
import { describe, expect, test } from "bun:test";
import { bytesSource } from "../../../../src/archive/zip/random-access-source.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { crcOfZeros, deflatedZeros } from "../../../support/archive/zeros-deflate.ts";
import { buildZip, buildZipDetailed, extraField, sparseZip } from "../../../support/archive/zip-writer.ts";
import { drainEntry, expectArchiveError, listEntries, openBytes, readEntry } from "./zip-test-support.ts";

const GiB = 2 ** 30;

describe("ZIP64", () => {
  test("70,000 entries: all listed in order through a bounded window, any one readable", async () => {
    const n = 70_000;
    const bytes = buildZip(Array.from({ length: n }, (_, i) => ({ name: `dir${i % 100}/file-${i}.txt`, data: `content ${i}`, method: i % 2 ? 8 : 0 })));
    const reader = await openZip(bytesSource(bytes), { limits: { maxEntries: 100_000 }, chunkSize: 64 * 1024 });
    expect(reader.zip64).toBe(true);
    expect(reader.entryCount).toBe(n);
    let i = 0;
    for await (const e of reader.entries()) {
      expect(e.name).toBe(`dir${i % 100}/file-${i}.txt`);
      if (i % 9999 === 0) expect((await readEntry(reader, e)).toString()).toBe(`content ${i}`);
      i++;
    }
    expect(i).toBe(n);
  });

  test("an entry over 4 GiB streams with exact size and CRC-32 (4.5 GiB of zeros, deflated in memory)", async () => {
    const size = 4.5 * GiB;
    const z = deflatedZeros(size);
    const reader = await openBytes(buildZip([{ name: "huge.bin", compressed: z.compressed, crc32: z.crc32, uncompressedSize: size }]), {
      limits: { maxRatio: 2000 },
    });
    const [e] = await listEntries(reader);
    expect(e).toMatchObject({ zip64: true, uncompressedSize: size, compressedSize: z.compressed.length });
    expect(await drainEntry(reader, e!)).toBe(size);
  });

  test("offsets over 4 GiB: an entry stored after a 4.5 GiB sparse entry, central directory past 4 GiB", async () => {
    const big = 4.5 * GiB;
    const { source, entries, centralOffset } = sparseZip([
      { name: "sparse.bin", storedZeros: big },
      { name: "after.txt", data: "found me past 4 GiB" },
    ]);
    expect(entries[1]!.localHeaderOffset).toBeGreaterThan(2 ** 32);
    expect(centralOffset).toBeGreaterThan(2 ** 32);
    const reader = await openZip(source);
    expect(reader.zip64).toBe(true);
    const [sparse, after] = await listEntries(reader);
    expect(after!.localHeaderOffset).toBe(entries[1]!.localHeaderOffset);
    expect((await readEntry(reader, after!)).toString()).toBe("found me past 4 GiB");
    expect(sparse).toMatchObject({ uncompressedSize: big, crc32: crcOfZeros(big) });
    expect(await drainEntry(reader, sparse!)).toBe(big);
  });

  test("a ZIP64 field holds only the saturated values, in order (here the uncompressed size alone)", async () => {
    const data = Buffer.from("sixty-four bits of size");
    const field = Buffer.alloc(8);
    field.writeBigUInt64LE(BigInt(data.length));
    const built = buildZipDetailed([{ name: "pad", data: "p" }, { name: "z", data, method: 0, centralExtra: extraField(1, field) }]);
    const b = Buffer.from(built.bytes);
    const second = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), built.centralOffset + 1);
    b.writeUInt32LE(0xffffffff, second + 24); // the uncompressed size defers to the field
    const reader = await openBytes(b);
    const z = (await listEntries(reader))[1]!;
    expect(z).toMatchObject({ zip64: true, uncompressedSize: data.length, compressedSize: data.length });
    expect((await readEntry(reader, z)).equals(data)).toBe(true);
  });

  test("a saturated size without its ZIP64 extra field is ARCHIVE_CORRUPT", async () => {
    const built = buildZipDetailed([{ name: "a", data: "abc", method: 0 }]);
    const b = Buffer.from(built.bytes);
    b.writeUInt32LE(0xffffffff, built.centralOffset + 20); // compressed size defers to a missing field
    const err = await expectArchiveError(openBytes(b), "ARCHIVE_CORRUPT");
    expect(err.message).toContain("ZIP64 extra field that is missing");
  });

  test("end records that disagree (32-bit count not saturated and different) are ARCHIVE_CORRUPT", async () => {
    const built = buildZipDetailed([{ name: "a", data: "" }, { name: "b", data: "" }], { zip64End: true });
    const b = Buffer.from(built.bytes);
    b.writeUInt16LE(1, built.eocdOffset + 10); // the classic record says 1, the ZIP64 record says 2
    b.writeUInt16LE(1, built.eocdOffset + 8);
    const err = await expectArchiveError(openBytes(b), "ARCHIVE_CORRUPT");
    expect(err.message).toContain("disagree on the entry count");
  });

  test("a ZIP64 locator pointing at garbage, or past itself, is ARCHIVE_CORRUPT", async () => {
    const built = buildZipDetailed([{ name: "a", data: "x" }], { zip64End: true });
    const locator = built.eocdOffset - 20;
    const garbage = Buffer.from(built.bytes);
    garbage.writeBigUInt64LE(0n, locator + 8); // points at the local header
    expect((await expectArchiveError(openBytes(garbage), "ARCHIVE_CORRUPT")).message).toContain("does not point at a ZIP64 end record");
    const past = Buffer.from(built.bytes);
    past.writeBigUInt64LE(BigInt(locator), locator + 8);
    await expectArchiveError(openBytes(past), "ARCHIVE_CORRUPT");
    const huge = Buffer.from(built.bytes);
    huge.writeBigUInt64LE(2n ** 62n, locator + 8);
    expect((await expectArchiveError(openBytes(huge), "ARCHIVE_CORRUPT")).message).toContain("larger than any real file");
  });
});
