/** Format detection: magic bytes and extension together; magic wins; disagreement flagged. */
import { describe, expect, test } from "bun:test";
import { detectFormat, extensionFormat, HEAD_BYTES } from "../../../src/archive/detect.ts";
import { magicFormat } from "../../../src/archive/magic.ts";
import { gzipMember } from "../../support/archive/gzip-fixtures.ts";
import { concat, tarBytes, tarHeader } from "../../support/archive/tar-writer.ts";
import { innerNameFor } from "../../../src/archive/archive-naming.ts";

const enc = new TextEncoder();
const bytes = (...xs: number[]) => new Uint8Array(xs);
const withTail = (head: Uint8Array) => concat([head, new Uint8Array(600)]);

const HEADS = {
  zip: withTail(bytes(0x50, 0x4b, 0x03, 0x04, 20, 0)),
  zipEmpty: withTail(bytes(0x50, 0x4b, 0x05, 0x06)),
  zipSpanned: withTail(bytes(0x50, 0x4b, 0x07, 0x08, 0x50, 0x4b, 0x03, 0x04)),
  gzip: gzipMember("x"),
  bzip2: withTail(enc.encode("BZh91AY&SY")),
  xz: withTail(bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04)),
  sevenZip: withTail(bytes(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04)),
  rar4: withTail(bytes(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00)),
  rar5: withTail(bytes(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00)),
  ustar: tarBytes([{ name: "a", data: "1" }]),
  v7: tarBytes([{ name: "a", data: "1", format: "v7" }]),
  pdf: withTail(enc.encode("%PDF-1.7\n")),
  csv: withTail(enc.encode("id,name\n1,a\n")),
};

test.each([
  ["zip", HEADS.zip],
  ["zip", HEADS.zipEmpty],
  ["zip", HEADS.zipSpanned],
  ["gzip", HEADS.gzip],
  ["bzip2", HEADS.bzip2],
  ["xz", HEADS.xz],
  ["7z", HEADS.sevenZip],
  ["rar", HEADS.rar4],
  ["rar", HEADS.rar5],
  ["tar", HEADS.ustar],
  ["tar", HEADS.v7],
  [null, HEADS.pdf],
  [null, HEADS.csv],
  [null, new Uint8Array(0)],
  [null, new Uint8Array(1024)], // zeros: no name, no checksum
  [null, enc.encode("BZh")], // too short for the block size digit
  [null, withTail(enc.encode("BZhX"))],
])("magic %p", (format, head) => {
  expect(magicFormat(head)).toBe(format as never);
});

test("a damaged ustar header is still a tar (reported as damaged later, not uploaded as a blob)", () => {
  const bad = tarHeader({ name: "a", checksum: "bad" });
  expect(magicFormat(bad)).toBe("tar");
  expect(magicFormat(tarHeader({ name: "a", checksum: "bad", format: "v7" }))).toBeNull(); // no magic, no checksum: text
});

describe("detectFormat", () => {
  test("name and content agree", () => {
    expect(detectFormat(HEADS.zip, "a/b.zip")).toEqual({ format: "zip", byMagic: true, magicSaid: "zip", extensionSaid: "zip", disagree: false });
    expect(detectFormat(HEADS.gzip, "x.tar.gz")).toMatchObject({ format: "gzip", extensionSaid: "gzip", disagree: false });
    expect(detectFormat(HEADS.gzip, "x.TGZ")).toMatchObject({ format: "gzip", disagree: false });
    expect(detectFormat(HEADS.bzip2, "x.tbz2")).toMatchObject({ format: "bzip2", disagree: false });
    expect(detectFormat(HEADS.xz, "x.json.xz")).toMatchObject({ format: "xz", disagree: false });
    expect(detectFormat(HEADS.ustar, "x.tar")).toMatchObject({ format: "tar", disagree: false });
    expect(detectFormat(HEADS.rar5, "x.rar")).toMatchObject({ format: "rar", rarVersion: 5, disagree: false });
    expect(detectFormat(HEADS.rar4, "x.rar")).toMatchObject({ rarVersion: 4 });
    expect(detectFormat(HEADS.csv, "x.csv")).toEqual({ format: "none", byMagic: false, disagree: false });
  });

  test("magic wins: a .zip that is a PDF is a regular file, a .csv that is gzip is gzip; both flagged", () => {
    expect(detectFormat(HEADS.pdf, "report.zip")).toEqual({ format: "none", byMagic: false, extensionSaid: "zip", disagree: true });
    expect(detectFormat(HEADS.gzip, "data.csv")).toEqual({ format: "gzip", byMagic: true, magicSaid: "gzip", disagree: true });
    expect(detectFormat(HEADS.ustar, "x.tar.gz")).toMatchObject({ format: "tar", extensionSaid: "gzip", disagree: true });
    expect(detectFormat(HEADS.sevenZip, "x.zip")).toMatchObject({ format: "7z", extensionSaid: "zip", disagree: true });
    expect(detectFormat(new Uint8Array(0), "empty.zip")).toMatchObject({ format: "none", disagree: true });
  });

  test("documents that are zip/gzip containers by design are regular files, without a warning", () => {
    for (const name of ["book.xlsx", "a/b/Report.DOCX", "app.jar", "x.epub", "slides.odp", "pkg.whl"]) {
      expect(detectFormat(HEADS.zip, name)).toMatchObject({ format: "none", magicSaid: "zip", disagree: false });
    }
    expect(detectFormat(HEADS.gzip, "drawing.svgz")).toMatchObject({ format: "none", magicSaid: "gzip", disagree: false });
    // A gzip named .xlsx is not what an .xlsx is: magic wins.
    expect(detectFormat(HEADS.gzip, "book.xlsx")).toMatchObject({ format: "gzip", disagree: true });
  });

  test("an empty tar (zero blocks only) named .tar is a tar", () => {
    expect(detectFormat(new Uint8Array(10240), "empty.tar")).toMatchObject({ format: "tar", byMagic: false, disagree: false });
    expect(detectFormat(new Uint8Array(10240), "zeros.bin")).toMatchObject({ format: "none", disagree: false });
  });

  test("the decompressed head of a .tar.gz is detected with the peeled name", () => {
    expect(detectFormat(HEADS.ustar, innerNameFor("a/x.tar.gz"))).toMatchObject({ format: "tar", disagree: false });
    expect(detectFormat(HEADS.csv, innerNameFor("a/x.csv.gz"))).toMatchObject({ format: "none", disagree: false });
  });

  test("HEAD_BYTES covers the tar checksum block", () => {
    expect(HEAD_BYTES).toBe(512);
    expect(detectFormat(HEADS.v7.subarray(0, HEAD_BYTES), "old.tar")).toMatchObject({ format: "tar" });
    expect(detectFormat(HEADS.v7.subarray(0, 300), "old.tar")).toMatchObject({ format: "none" });
  });
});

describe("legacy .lzma (LZMA-alone: no magic, so the name and a header xz would accept)", () => {
  /** properties byte, dictionary size (LE32), uncompressed size (LE64; undefined = unknown, all ones). */
  const lzmaHead = (props: number, dict: number, size?: number) => {
    const h = new Uint8Array(13 + 100);
    const view = new DataView(h.buffer);
    h[0] = props;
    view.setUint32(1, dict, true);
    if (size === undefined) h.fill(0xff, 5, 13);
    else view.setBigUint64(5, BigInt(size), true);
    return h;
  };
  const usual = lzmaHead(0x5d, 1 << 23, 1234); // lc=3 lp=0 pb=2, 8 MiB: what xz --format=lzma writes

  test("named .lzma, .tlz or .tar.lzma with a valid header: lzma, not by magic, no disagreement", () => {
    for (const name of ["x.csv.lzma", "logs.tar.lzma", "logs.TLZ", "a/b.lzma"]) {
      expect(detectFormat(usual, name)).toMatchObject({ format: "lzma", byMagic: false, extensionSaid: "lzma", disagree: false });
    }
    expect(detectFormat(lzmaHead(0x5d, 3 << 20), "unknown-size.lzma")).toMatchObject({ format: "lzma" });
  });

  test("a header xz would refuse is a regular file, the name flagged", () => {
    for (const [what, head] of [
      ["properties byte 225", lzmaHead(225, 1 << 23, 1)],
      ["lc + lp > 4", lzmaHead(4 + 9 * 1, 1 << 23, 1)], // lc=4, lp=1
      ["a dictionary of 1000 bytes", lzmaHead(0x5d, 1000, 1)],
      ["a size of 2^40", lzmaHead(0x5d, 1 << 23, 2 ** 40)],
      ["text", HEADS.csv],
      ["too short", usual.subarray(0, 11)],
    ] as const) {
      expect([what, detectFormat(head, "x.csv.lzma")]).toEqual([what, { format: "none", byMagic: false, extensionSaid: "lzma", disagree: true }]);
    }
  });

  test("only the name opens the door: the same header under another name is nothing; magic still wins", () => {
    expect(detectFormat(usual, "x.csv")).toMatchObject({ format: "none", disagree: false });
    expect(detectFormat(usual, "x.xz")).toMatchObject({ format: "none", disagree: true });
    expect(detectFormat(HEADS.xz, "x.lzma")).toMatchObject({ format: "xz", byMagic: true, extensionSaid: "lzma", disagree: true });
  });
});

test("extensionFormat names the outer layer", () => {
  expect(extensionFormat("x.tar.gz")).toBe("gzip");
  expect(extensionFormat("x.tgz")).toBe("gzip");
  expect(extensionFormat("x.tar.bz2")).toBe("bzip2");
  expect(extensionFormat("x.txz")).toBe("xz");
  expect(extensionFormat("x.tar.lzma")).toBe("lzma");
  expect(extensionFormat("x.tlz")).toBe("lzma");
  expect(extensionFormat("x.tar")).toBe("tar");
  expect(extensionFormat("x.csv")).toBeUndefined();
});
