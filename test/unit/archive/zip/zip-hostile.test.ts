/**
 * Hostile and broken archives: overlapping entries (the non-recursive zip bomb), lying CRCs and
 * sizes, local headers that disagree with the central directory, duplicate names, truncation at
 * every byte, corrupt structures and random corruption. Each must end in an ArchiveError with its
 * code and context, never another exception, a hang or wrong bytes.
 */
import { describe, expect, test } from "bun:test";
import { deflateRawSync } from "node:zlib";
import { isArchiveError } from "../../../../src/archive/zip/archive-error.ts";
import { bytesSource, type RandomAccessSource } from "../../../../src/archive/zip/random-access-source.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { payload } from "../../../support/payload.ts";
import { mulberry32 } from "../../../support/random.ts";
import { buildZip, buildZipDetailed } from "../../../support/archive/zip-writer.ts";
import { drainEntry, expectArchiveError, listEntries, openBytes, readAll, readEntry } from "./zip-test-support.ts";

/** Opens the archive and reads its only (or named) entry. */
async function readOne(bytes: Uint8Array, name?: string): Promise<Buffer> {
  const reader = await openBytes(bytes);
  const entries = await listEntries(reader);
  const e = name === undefined ? entries[0]! : entries.find((x) => x.name === name)!;
  return readEntry(reader, e);
}

describe("overlapping entries", () => {
  test("many central records sharing one local header (Fifield's kernel) are refused before any entry", async () => {
    const kernel = { name: "kernel", data: new Uint8Array(1_000_000) };
    const clones = Array.from({ length: 1000 }, (_, i) => ({ ...kernel, name: `clone-${i}`, centralOnly: true, localHeaderOffset: 0 }));
    const err = await expectArchiveError(openBytes(buildZip([kernel, ...clones])), "ZIP_OVERLAP");
    expect(err.offset).toBe(0);
    expect(err.message).toContain("overlaps entry");
  });

  test("an entry quoted inside another one's stored data (each valid on its own) is refused", async () => {
    const inner = buildZipDetailed([{ name: "b", data: "inner bytes", method: 0 }]);
    const quoted = inner.bytes.subarray(0, inner.entries[0]!.dataEnd); // b's local header and data
    const bytes = buildZip([
      { name: "a", data: Buffer.concat([quoted, Buffer.from(" outer tail")]), method: 0 },
      { name: "b", data: "inner bytes", method: 0, centralOnly: true, localHeaderOffset: 31 }, // a's data starts at 30 + 1
    ]);
    const err = await expectArchiveError(openBytes(bytes), "ZIP_OVERLAP");
    expect(err.entry).toBe("a");
  });

  test("a local extra field that pushes the data into the next entry is caught when the entry is opened, before its data", async () => {
    // "a" has a 40-byte local extra field; "b"'s central record claims the bytes right after a's
    // minimal extent (header + name + data), which are in fact a's extra field and data.
    const extra = new Uint8Array(44);
    extra.set([0x99, 0x99, 40, 0]); // id 0x9999, 40 bytes of data
    const bytes = buildZip([
      { name: "a", data: "aaaa", method: 0, localExtra: extra },
      { name: "b", data: "bbbb", method: 0 },
      { name: "c", data: "cccc", method: 0, centralOnly: true, localHeaderOffset: 35 },
    ]);
    const reader = await openBytes(bytes);
    const entries = await listEntries(reader);
    const err = await expectArchiveError(readEntry(reader, entries[0]!), "ZIP_OVERLAP");
    expect(err.entry).toBe("a");
    expect(err.message).toContain("44-byte local extra field");
  });

  test("data declared larger than the space before the central directory is refused", async () => {
    await expectArchiveError(openBytes(buildZip([{ name: "a", data: "abc", method: 0, compressedSize: 500, uncompressedSize: 500 }])), "ZIP_OVERLAP");
    await expectArchiveError(openBytes(buildZip([{ name: "a", data: "abc", method: 0, centralOnly: true, localHeaderOffset: 1e6 }])), "ZIP_OVERLAP");
  });
});

describe("lying CRCs and sizes", () => {
  for (const method of [0, 8]) {
    test(`a bad CRC-32 (${method ? "deflated" : "stored"}) fails at the end with both values`, async () => {
      const err = await expectArchiveError(readOne(buildZip([{ name: "f.csv", data: payload(500_000, 41), method, crc32: 0xdeadbeef }])), "ZIP_BAD_CRC");
      expect(err.entry).toBe("f.csv");
      expect(err.message).toContain("declared deadbeef");
    });
  }

  test("inflating past the declared size stops at the first extra byte, before handing it out", async () => {
    const data = payload(1_000_000, 42);
    const reader = await openBytes(buildZip([{ name: "big", data, uncompressedSize: 300_000 }]));
    const [e] = await listEntries(reader);
    let got = 0;
    const err = await expectArchiveError(async () => {
      for await (const c of reader.open(e!)) got += c.length;
    }, "ZIP_SIZE_MISMATCH");
    expect(got).toBeLessThanOrEqual(300_000); // no byte past the declared size was handed out
    expect(got).toBeGreaterThan(0);
    expect(err.message).toContain("inflates past its declared size of 300000");
  });

  test("data that ends short of the declared size fails", async () => {
    const err = await expectArchiveError(readOne(buildZip([{ name: "s", data: payload(1000, 43), uncompressedSize: 5000 }])), "ZIP_SIZE_MISMATCH");
    expect(err.message).toContain("ends after 1000 of the declared 5000");
  });

  test("a stored entry whose two sizes differ is refused before reading", async () => {
    await expectArchiveError(readOne(buildZip([{ name: "s", data: "abcdef", method: 0, uncompressedSize: 3 }])), "ZIP_SIZE_MISMATCH");
  });

  test("a deflate stream that ends before the declared compressed size is refused", async () => {
    const compressed = Buffer.concat([deflateRawSync(Buffer.from("hello")), Buffer.from("junk after the stream")]);
    const err = await expectArchiveError(readOne(buildZip([{ name: "j", data: "hello", compressed }])), "ZIP_SIZE_MISMATCH");
    expect(err.message).toContain("ends 21 bytes before");
  });

  test("a deflate stream cut short, and invalid deflate data, are ARCHIVE_CORRUPT with the offset", async () => {
    const full = deflateRawSync(payload(100_000, 44));
    const cut = await expectArchiveError(
      readOne(buildZip([{ name: "c", data: payload(100_000, 44), compressed: full.subarray(0, full.length - 10) }])),
      "ARCHIVE_CORRUPT",
    );
    expect(cut.message).toContain("unexpected end of file");
    const garbage = await expectArchiveError(
      readOne(buildZip([{ name: "g", data: "x", compressed: Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3) }])),
      "ARCHIVE_CORRUPT",
    );
    expect(garbage.message).toContain("invalid deflate data");
    expect(garbage.offset).toBe(31);
  });
});

describe("local headers that disagree with the central directory", () => {
  test("a different local name is ZIP_NAME_MISMATCH (same length or not)", async () => {
    for (const localName of ["evil", "../../etc/cron.d/x"]) {
      const err = await expectArchiveError(readOne(buildZip([{ name: "good", data: "x", localName }])), "ZIP_NAME_MISMATCH");
      expect(err.entry).toBe("good");
      expect(err.message).toContain(localName.slice(0, 10));
    }
  });

  test("a different method, encryption flag or CRC is ZIP_HEADER_MISMATCH", async () => {
    await expectArchiveError(readOne(buildZip([{ name: "m", data: "x", localMethod: 0 }])), "ZIP_HEADER_MISMATCH");
    await expectArchiveError(readOne(buildZip([{ name: "f", data: "x", localFlags: 0x01 }])), "ZIP_HEADER_MISMATCH");
    await expectArchiveError(readOne(buildZip([{ name: "c", data: "x", localCrc32: 7 }])), "ZIP_HEADER_MISMATCH");
  });

  test("a bad local header signature is ARCHIVE_CORRUPT at its offset", async () => {
    const built = buildZipDetailed([{ name: "a", data: "1" }, { name: "b", data: "2" }]);
    const b = Buffer.from(built.bytes);
    b[built.entries[1]!.localHeaderOffset] = 0;
    const err = await expectArchiveError(readOne(b, "b"), "ARCHIVE_CORRUPT");
    expect(err.offset).toBe(built.entries[1]!.localHeaderOffset);
  });
});

describe("duplicate names", () => {
  test("two entries with one name are refused before any entry is yielded", async () => {
    const err = await expectArchiveError(openBytes(buildZip([{ name: "a.csv", data: "1" }, { name: "b", data: "" }, { name: "a.csv", data: "2" }])), "ZIP_DUPLICATE_NAME");
    expect(err.message).toContain("entries 0 and 2");
  });

  test("names that differ in bytes but decode alike (CP437 and UTF-8 'é') are duplicates", async () => {
    await expectArchiveError(openBytes(buildZip([{ name: Uint8Array.of(0x82), data: "1" }, { name: "é", data: "2" }])), "ZIP_DUPLICATE_NAME");
  });
});

describe("truncated and corrupt archives", () => {
  const built = buildZipDetailed(
    [
      { name: "one.txt", data: payload(3000, 51) },
      { name: "two.bin", data: payload(200, 52), method: 0, descriptor: true },
    ],
    { comment: "c" },
  );

  test("every truncation ends in ARCHIVE_TRUNCATED (the end record is gone), including the named points", async () => {
    for (let cut = 4; cut < built.bytes.length; cut++) {
      await expectArchiveError(openBytes(built.bytes.subarray(0, cut)), "ARCHIVE_TRUNCATED");
    }
    const err = await expectArchiveError(openBytes(built.bytes.subarray(0, built.centralOffset + 10)), "ARCHIVE_TRUNCATED");
    expect(err.message).toContain("end of central directory record is missing");
  });

  test("a file that is not a ZIP at all, and an empty file, are ARCHIVE_CORRUPT", async () => {
    await expectArchiveError(openBytes(Buffer.from("%PDF-1.7\n" + "x".repeat(1000))), "ARCHIVE_CORRUPT");
    await expectArchiveError(openBytes(new Uint8Array(0)), "ARCHIVE_CORRUPT");
  });

  test("a central directory offset pointing past the data or at garbage is ARCHIVE_CORRUPT with the offset", async () => {
    const b = Buffer.from(built.bytes);
    b.writeUInt32LE(built.centralOffset + 5, built.eocdOffset + 16); // offset + size now overlap the end record
    await expectArchiveError(openBytes(b), "ARCHIVE_CORRUPT");
    const c = Buffer.from(built.bytes);
    c[built.centralOffset] = 0x51;
    const err = await expectArchiveError(openBytes(c), "ARCHIVE_CORRUPT");
    expect(err.offset).toBe(built.centralOffset);
    expect(err.message).toContain("record 0 has a bad signature");
  });

  test("an end record that counts more, or fewer, entries than the directory holds is ARCHIVE_CORRUPT", async () => {
    await expectArchiveError(openBytes(buildZip([{ name: "a", data: "" }], { entryCount: 2 })), "ARCHIVE_CORRUPT");
    const fewer = await expectArchiveError(openBytes(buildZip([{ name: "a", data: "" }, { name: "b", data: "" }], { entryCount: 1 })), "ARCHIVE_CORRUPT");
    expect(fewer.message).toContain("unexplained bytes");
  });

  test("split archives are ARCHIVE_UNSUPPORTED", async () => {
    const b = Buffer.from(built.bytes);
    b.writeUInt16LE(1, built.eocdOffset + 4);
    await expectArchiveError(openBytes(b), "ARCHIVE_UNSUPPORTED");
  });

  test("a central directory that changes between the checking walk and the yielding walk is caught", async () => {
    const bytes = Buffer.from(buildZip([{ name: "a", data: "1" }, { name: "b", data: "2" }]));
    const reader = await openZip(bytesSource(bytes));
    const at = bytes.length - 22 - 10; // a byte of the last central record's name: "b" becomes "B"
    bytes[at] = bytes[at]! ^ 0x20;
    const err = await expectArchiveError(listEntries(reader), "ARCHIVE_CORRUPT");
    expect(err.message).toContain("changed while the archive was being read");
  });

  test("a source that shrinks while an entry is read fails with ARCHIVE_TRUNCATED", async () => {
    const bytes = buildZip([{ name: "a", data: payload(600_000, 53), method: 0 }]);
    let shrunk = false;
    const source: RandomAccessSource = {
      size: bytes.length,
      read: async (pos, len) => (shrunk ? new Uint8Array(0) : bytesSource(bytes).read(pos, len)),
    };
    const reader = await openZip(source, { chunkSize: 64 * 1024 });
    const [e] = await listEntries(reader);
    await expectArchiveError(async () => {
      for await (const _ of reader.open(e!)) shrunk = true;
    }, "ARCHIVE_TRUNCATED");
  });

  test("random corruption never escapes as anything but an ArchiveError, and never yields unchecked bytes", async () => {
    const original = buildZip([
      { name: "a.txt", data: payload(2000, 54) },
      { name: "b/c.bin", data: payload(500, 55), method: 0, descriptor: true },
      { name: "z64", data: payload(300, 56), zip64: true },
    ]);
    const good = await readAll(original);
    const random = mulberry32(7);
    for (let round = 0; round < 1500; round++) {
      const b = Buffer.from(original);
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      try {
        const reader = await openBytes(b);
        for await (const e of reader.entries()) {
          try {
            const bytes = await readEntry(reader, e);
            // A successful read returned what the archive holds under that name, or the corruption
            // hit only metadata nobody checks (time, attributes, comment).
            if (good.has(e.name)) expect(bytes.equals(good.get(e.name)!)).toBe(true);
          } catch (err) {
            if (!isArchiveError(err)) throw err;
          }
        }
      } catch (err) {
        if (!isArchiveError(err)) throw err;
      }
    }
  });
});

describe("entries yielded lazily", () => {
  test("an archive of valid entries can be drained entry by entry", async () => {
    const reader = await openBytes(buildZip(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: payload(1000 + i, i) }))));
    let total = 0;
    for await (const e of reader.entries()) total += await drainEntry(reader, e);
    expect(total).toBe(50 * 1000 + (49 * 50) / 2);
  });
});
