/**
 * Data descriptors (general purpose bit 3): the four layouts (with or without the signature, 32- or
 * 64-bit sizes), stored and deflated, ZIP64, and descriptors that contradict the central directory.
 */
import { describe, expect, test } from "bun:test";
import { payload } from "../../../support/payload.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { expectArchiveError, listEntries, openBytes, readAll, readEntry } from "./zip-test-support.ts";

describe("data descriptors", () => {
  const layouts = [
    { signature: true, wide: false },
    { signature: true, wide: true },
    { signature: false, wide: false },
    { signature: false, wide: true },
  ];

  for (const d of layouts) {
    for (const method of [0, 8]) {
      test(`${d.signature ? "with" : "without"} signature, ${d.wide ? "64" : "32"}-bit sizes, ${method ? "deflated" : "stored"}`, async () => {
        const a = payload(90_000, 31);
        const b = payload(10, 32);
        const got = await readAll(
          buildZip([
            { name: "a", data: a, method, descriptor: d },
            { name: "b", data: b, method, descriptor: d }, // the descriptor of "a" ends right where "b" starts
          ]),
        );
        expect(got.get("a")!.equals(a)).toBe(true);
        expect(got.get("b")!.equals(b)).toBe(true);
      });
    }
  }

  test("ZIP64 entries with descriptors, as Python writes them to a pipe", async () => {
    const data = payload(50_000, 33);
    const got = await readAll(buildZip([{ name: "z", data, zip64: true, descriptor: true }, { name: "last", data: "x" }]));
    expect(got.get("z")!.equals(data)).toBe(true);
  });

  test("a descriptor whose CRC or sizes contradict the central directory is ZIP_BAD_DESCRIPTOR, after the data checked out", async () => {
    for (const lie of [{ crc32: 1234 }, { compressedSize: 1 }, { uncompressedSize: 7 }]) {
      const reader = await openBytes(buildZip([{ name: "a", data: payload(1000, 34), descriptor: { ...lie } }]));
      const [e] = await listEntries(reader);
      const err = await expectArchiveError(readEntry(reader, e!), "ZIP_BAD_DESCRIPTOR");
      expect(err.entry).toBe("a");
    }
  });

  test("a missing descriptor (the next entry starts right after the data) is refused before the data is read", async () => {
    // bit 3 set, but no descriptor written: the local header of "b" follows the data of "a"
    const bytes = buildZip([
      { name: "a", data: "aaaa", method: 0, flags: 0x08, localFlags: 0x08 },
      { name: "b", data: "bbbb", method: 0 },
    ]);
    const err = await expectArchiveError(openBytes(bytes), "ZIP_OVERLAP");
    expect(err.entry).toBe("a");
  });
});
