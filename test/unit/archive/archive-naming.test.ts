/** The folder (or inner name) an archive's contents go to, by the documented table. */
import { expect, test } from "bun:test";
import { archiveFolderFor, archiveNaming, innerNameFor } from "../../../src/archive/archive-naming.ts";

test.each([
  ["a/b/bundle.zip", "a/b/bundle", "folder"],
  ["bundle.zip", "bundle", "folder"],
  ["x.tar", "x", "folder"],
  ["x.tar.gz", "x", "folder"],
  ["x.tgz", "x", "folder"],
  ["x.tar.bz2", "x", "folder"],
  ["x.tbz2", "x", "folder"],
  ["x.tbz", "x", "folder"],
  ["x.tar.xz", "x", "folder"],
  ["x.txz", "x", "folder"],
  ["x.tar.lzma", "x", "folder"],
  ["x.tlz", "x", "folder"],
  ["x.7z", "x", "folder"],
  ["x.rar", "x", "folder"],
  ["A/B/Report.TAR.GZ", "A/B/Report", "folder"], // suffix case-insensitive, stem kept as written
  ["v1.2.3.zip", "v1.2.3", "folder"],
  ["x.csv.gz", "x.csv", "single-file"],
  ["a/x.json.xz", "a/x.json", "single-file"],
  ["x.log.bz2", "x.log", "single-file"],
  ["x.gz", "x", "single-file"],
  ["a/x.csv.lzma", "a/x.csv", "single-file"],
  ["a/.zip", "a/.zip", "folder"], // empty stem: the whole name
  [".tar.gz", ".tar.gz", "folder"],
  ["a/.gz", "a/.gz", "single-file"],
])("%p → %p (%s)", (rel, target, kind) => {
  expect(archiveNaming(rel)).toMatchObject({ target, kind });
  expect(archiveFolderFor(rel)).toBe(target);
});

test("names without an archive suffix are kept whole (a zip by magic called data.bin → data.bin/)", () => {
  for (const rel of ["data.bin", "a/b/report.pdf", "noext", "x.tar.gz.part", "x.gzip"]) {
    expect(archiveNaming(rel)).toBeNull();
    expect(archiveFolderFor(rel)).toBe(rel);
  }
});

test("only the last segment is touched", () => {
  expect(archiveFolderFor("dir.zip/inner.tar")).toBe("dir.zip/inner");
  expect(archiveFolderFor("a.tar.gz/x.csv.gz")).toBe("a.tar.gz/x.csv");
});

test("innerNameFor peels one compression layer", () => {
  expect(innerNameFor("a/x.tar.gz")).toBe("a/x.tar");
  expect(innerNameFor("x.tgz")).toBe("x.tar");
  expect(innerNameFor("X.TBZ2")).toBe("X.tar");
  expect(innerNameFor("x.txz")).toBe("x.tar");
  expect(innerNameFor("x.tar.lzma")).toBe("x.tar");
  expect(innerNameFor("x.TLZ")).toBe("x.tar");
  expect(innerNameFor("x.csv.lzma")).toBe("x.csv");
  expect(innerNameFor("x.csv.gz")).toBe("x.csv");
  expect(innerNameFor("x.gz")).toBe("x");
  expect(innerNameFor("x.zip")).toBe("x.zip"); // not a compression layer
  expect(innerNameFor("x.csv")).toBe("x.csv"); // a .csv that is really gzip decompresses to the .csv
  expect(innerNameFor(".gz")).toBe(".gz");
});

test("peeling first and naming after lands in the same folder as naming directly", () => {
  for (const rel of ["a/x.tar.gz", "x.tgz", "x.tar.bz2", "x.tbz2", "x.tbz", "x.tar.xz", "x.txz", "x.tar.lzma", "x.tlz", "a/.tar.gz", "Y.TAR.GZ"]) {
    expect(archiveFolderFor(innerNameFor(rel))).toBe(archiveFolderFor(rel));
  }
});
