/**
 * Entry names: the CP437 table against Python's codec, the UTF-8 flag, the Info-ZIP Unicode Path
 * field (used when its CRC matches the header name, ignored when stale), invalid UTF-8, a byte
 * order mark, and the name length limit in bytes.
 */
import { describe, expect, test } from "bun:test";
import { crc32 } from "node:zlib";
import { decodeCp437 } from "../../../../src/archive/zip/cp437.ts";
import { buildZip, extraField } from "../../../support/archive/zip-writer.ts";
import { expectArchiveError, listEntries, openBytes, run } from "./zip-test-support.ts";

function unicodePath(headerName: Uint8Array, name: string | Uint8Array, crc = crc32(headerName) >>> 0): Uint8Array {
  const utf8 = typeof name === "string" ? new TextEncoder().encode(name) : name;
  const data = new Uint8Array(5 + utf8.length);
  data[0] = 1;
  new DataView(data.buffer).setUint32(1, crc, true);
  data.set(utf8, 5);
  return extraField(0x7075, data);
}

async function namesOf(bytes: Uint8Array): Promise<[string, string][]> {
  return (await listEntries(await openBytes(bytes))).map((e) => [e.name, e.nameEncoding]);
}

describe("entry names", () => {
  test("the CP437 table matches Python's cp437 codec for all 256 bytes", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const py = run("python3", ["-c", "import sys; sys.stdout.buffer.write(bytes(range(256)).decode('cp437').encode('utf-8'))"]);
    expect(py.status).toBe(0);
    expect(decodeCp437(all)).toBe(py.stdout.toString("utf8"));
  });

  test("names without the UTF-8 flag are CP437; with it, UTF-8", async () => {
    const cp437 = Uint8Array.of(0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74); // "café.txt" in CP437
    expect(
      await namesOf(
        buildZip([
          { name: cp437, data: "1" },
          { name: "Größe/数据.csv", data: "2" },
          { name: new TextEncoder().encode("ünflagged-utf8"), data: "3", utf8: false },
        ]),
      ),
    ).toEqual([
      ["café.txt", "cp437"],
      ["Größe/数据.csv", "utf8"],
      ["├╝nflagged-utf8", "cp437"], // as the specification says; rawName keeps the bytes
    ]);
  });

  test("the Unicode Path field gives the name when its CRC matches the header name, and is ignored when stale", async () => {
    const header = new TextEncoder().encode("_.txt");
    expect(
      await namesOf(
        buildZip([
          { name: header, data: "1", centralExtra: unicodePath(header, "日本.txt") },
          { name: "old.txt", data: "2", centralExtra: unicodePath(header, "stale.txt") },
          { name: "bad.txt", data: "3", centralExtra: unicodePath(new TextEncoder().encode("bad.txt"), Uint8Array.of(0xed, 0xa0, 0x80)) },
        ]),
      ),
    ).toEqual([
      ["日本.txt", "unicode-path"],
      ["old.txt", "cp437"],
      ["bad.txt", "cp437"], // the field holds an encoded surrogate, invalid UTF-8: the header name stands
    ]);
  });

  test("invalid UTF-8 under the UTF-8 flag is ZIP_BAD_NAME, never replaced", async () => {
    for (const bad of [Uint8Array.of(0x61, 0xff), Uint8Array.of(0xc0, 0xaf), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xe2, 0x82)]) {
      const err = await expectArchiveError(openBytes(buildZip([{ name: bad, data: "x", utf8: true }])), "ZIP_BAD_NAME");
      expect(err.offset).toBeGreaterThanOrEqual(0);
    }
  });

  test("a byte order mark is part of the name", async () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61);
    expect(await namesOf(buildZip([{ name: bom, data: "x", utf8: true }]))).toEqual([["\ufeffa", "utf8"]]);
  });

  test("names longer than maxNameBytes are refused before any entry is yielded", async () => {
    const long = "d/".repeat(600) + "f"; // 1,201 bytes
    const err = await expectArchiveError(openBytes(buildZip([{ name: "ok", data: "" }, { name: long, data: "" }])), "ARCHIVE_LIMIT_NAME_BYTES");
    expect(err.message).toContain("1201 bytes");
    const reader = await openBytes(buildZip([{ name: long, data: "" }]), { limits: { maxNameBytes: 2000 } });
    expect((await listEntries(reader))[0]!.name).toBe(long);
    // Multi-byte characters count in bytes: 400 × 3 bytes.
    await expectArchiveError(openBytes(buildZip([{ name: "€".repeat(400), data: "" }])), "ARCHIVE_LIMIT_NAME_BYTES");
  });
});
