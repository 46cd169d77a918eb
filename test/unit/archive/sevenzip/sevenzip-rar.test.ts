/**
 * RAR 4 and RAR 5 through 7-Zip (WASM), on archives built by the test-only writers of
 * rar-fixtures.ts (7zz cannot create RAR): stored entries, directories, empty files, symlinks,
 * unicode names, both sources. Compressed RAR methods are 7-Zip's code and are not exercised here.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRar4, buildRar5, type RarFixtureEntry } from "./rar-fixtures.ts";
import { collect, noise, tempDir } from "./sevenzip-support.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());
const enc = new TextEncoder();

const ENTRIES: RarFixtureEntry[] = [
  { name: "docs", directory: true },
  { name: "docs/a.txt", data: enc.encode("hello rar\n") },
  { name: "docs/ünïcödé.txt", data: enc.encode("ü".repeat(500)) },
  { name: "empty.txt", data: new Uint8Array(0) },
  { name: "link", symlink: "docs/a.txt" },
  { name: "data/b.bin", data: noise(70_000, 3) },
];

function expectFiles(files: Map<string, Buffer>, entries: RarFixtureEntry[]): void {
  for (const e of entries) {
    if (e.directory || e.symlink !== undefined) continue;
    expect(Buffer.compare(files.get(e.name)!, Buffer.from(e.data!)), e.name).toBe(0);
  }
}

describe("RAR5", () => {
  test("listing: kinds, sizes, method with the dictionary; extraction: every file exact", async () => {
    const path = join(tmp.dir, "a5.rar");
    writeFileSync(path, buildRar5(ENTRIES));
    const { entries, files, order } = await collect({ path }, "rar");
    expect(entries.map((e) => [e.path, e.kind, e.size])).toEqual([
      ["docs", "directory", 0],
      ["docs/a.txt", "file", 10],
      ["docs/ünïcödé.txt", "file", 1000],
      ["empty.txt", "file", 0],
      ["link", "symlink", 0],
      ["data/b.bin", "file", 70_000],
    ]);
    expect(entries[1]!.method).toMatch(/^v\d+:m0:128K$/);
    expect(entries[1]!.dictionaryBytes).toBe(128 * 1024);
    expect(order).toEqual(["docs/a.txt", "docs/ünïcödé.txt", "empty.txt", "data/b.bin"]);
    expectFiles(files, ENTRIES);
  });

  test("{ bytes } gives the same as { path }", async () => {
    const bytes = buildRar5(ENTRIES);
    const { files, entries } = await collect({ bytes }, "rar");
    expect(entries.length).toBe(ENTRIES.length);
    expectFiles(files, ENTRIES);
  });
});

describe("RAR4", () => {
  // RAR 4 names are not UTF-8 unless flagged as Unicode (not written here): ASCII names only.
  const ascii = ENTRIES.map((e) => ({ ...e, name: e.name.replace("ünïcödé", "unicode") }));

  test("listing and extraction; a RAR4 symlink is known from its file header (7-Zip's listing shows no mode) and not extracted", async () => {
    const path = join(tmp.dir, "a4.rar");
    writeFileSync(path, buildRar4(ascii));
    const { entries, files } = await collect({ path }, "rar");
    expect(entries.map((e) => [e.path, e.kind, e.size])).toEqual([
      ["docs", "directory", 0],
      ["docs/a.txt", "file", 10],
      ["docs/unicode.txt", "file", 1000],
      ["empty.txt", "file", 0],
      ["link", "symlink", 10],
      ["data/b.bin", "file", 70_000],
    ]);
    expect(entries[1]!.method).toBe("m0:16");
    expect(entries[1]!.dictionaryBytes).toBe(64 * 1024);
    expectFiles(files, ascii);
    expect(files.has("link")).toBe(false);
  });

  test("a RAR4 symlink in a folder written with Windows separators, after a large-file header, is still found", async () => {
    const path = join(tmp.dir, "a4-sep.rar");
    writeFileSync(path, buildRar4([{ name: "big.bin", data: new Uint8Array(5000) }, { name: "sub\\ln", symlink: "../../etc/passwd" }, { name: "sub\\f.txt", data: new Uint8Array([104, 105]) }]));
    const { entries, files } = await collect({ path }, "rar");
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ["big.bin", "file"],
      ["sub/ln", "symlink"],
      ["sub/f.txt", "file"],
    ]);
    expect([...files.keys()]).toEqual(["big.bin", "sub/f.txt"]);
  });

  // Regression: such a link was matched by its plain (OEM) name, "sub/??ln", which is not the
  // name 7-Zip lists, so it stayed a file holding its target and would have been uploaded.
  test("a RAR4 symlink whose name is in RAR's Unicode encoding (as rar writes on Windows) is found under the name 7-Zip lists", async () => {
    const path = join(tmp.dir, "a4-unicode-link.rar");
    const unicodeField = { plain: "sub\\??ln", encoded: [0x04, 0xdb, 0x02, 0x36, 0xac, 0x20, 0x00] }; // "sub\\ж€ln"
    writeFileSync(path, buildRar4([{ name: "", symlink: "../../etc/passwd", unicodeField }, { name: "sub\\f.txt", data: new Uint8Array([104, 105]) }]));
    const { entries, files } = await collect({ path }, "rar");
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ["sub/ж€ln", "symlink"],
      ["sub/f.txt", "file"],
    ]);
    expect([...files.keys()]).toEqual(["sub/f.txt"]);
  });
});
