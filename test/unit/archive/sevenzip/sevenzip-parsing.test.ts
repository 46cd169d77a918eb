/** The pure parts: method strings, the technical listing, 7-Zip's messages, the frame ring. */
import { describe, expect, test } from "bun:test";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { classify } from "../../../../src/archive/sevenzip/diagnostics.ts";
import { encodedHeaderCoders } from "../../../../src/archive/sevenzip/header-probe.ts";
import { parseListing } from "../../../../src/archive/sevenzip/listing.ts";
import { ListingStream } from "../../../../src/archive/sevenzip/listing-stream.ts";
import { parseMethod, parseSize } from "../../../../src/archive/sevenzip/method.ts";
import { createRing, FRAME_DATA, FRAME_END, FRAME_TEXT, RingReader, RingWriter } from "../../../../src/archive/sevenzip/ring-buffer.ts";

describe("method", () => {
  test.each([
    ["LZMA2:24", 2 ** 24, false],
    ["LZMA:24", 2 ** 24, false],
    ["LZMA2:1536k", 1536 * 1024, false],
    ["LZMA:3m", 3 * 2 ** 20, false],
    ["PPMD:o6:mem24", 2 ** 24, false],
    ["PPMD:o32:mem192m", 192 * 2 ** 20, false],
    ["BCJ2 LZMA2:26 LZMA:20 LZMA:20", 2 ** 26, false],
    ["LZMA2:24 7zAES:19", 2 ** 24, true],
    ["Delta:4 LZMA2:20", 2 ** 20, false],
    ["v6:m3:4M", 4 * 2 ** 20, false],
    ["v5:m0:128K AES:15:1", 128 * 1024, true],
    ["v6:128K:m0", 128 * 1024, false],
    ["m3:22", 2 ** 22, false],
    ["Deflate", 32 * 1024, false],
  ] as const)("%s", (method, dict, encrypted) => {
    expect(parseMethod(method)).toEqual({ dictionaryBytes: dict, encrypted });
  });

  test("no dictionary: BZip2, Copy, a RAR directory's method, cipher cycles are not sizes", () => {
    expect(parseMethod("BZip2")).toEqual({ encrypted: false });
    expect(parseMethod("Copy")).toEqual({ encrypted: false });
    expect(parseMethod("v6:m0")).toEqual({ encrypted: false });
    expect(parseMethod("7zAES:19")).toEqual({ encrypted: true });
    expect(parseSize("x")).toBeUndefined();
  });
});

const LISTING = `
7-Zip (z) 24.09 (LE) : Copyright (c) 1999-2024 Igor Pavlov : 2024-11-29

Listing archive: /in/archive

--
Path = /in/archive
Type = 7z
WARNINGS:
There are data after the end of archive
Physical Size = 785

----------
Path = dir
Size = 0
Attributes = D drwxr-xr-x
Encrypted = -
Method = 
Block = 

Path = a = b.txt
Size = 6
Attributes = A -rw-r--r--
CRC = 363A3020
Encrypted = -
Method = LZMA2:12
Block = 0

Path = link
Size = 5
Attributes = A lrwxrwxrwx
CRC = C1EBF7BA
Encrypted = -
Method = LZMA2:12
Block = 0

Path = win.txt
Size = 1
Attributes = RA
Encrypted = -
Method = Copy
Block = 1

Path = fifo
Size = 0
Attributes = A prw-r--r--
Encrypted = -
Method = 
Block = 

`;

describe("listing", () => {
  test("archive properties, warnings, entries with kinds, CRC, block", () => {
    const l = parseListing(LISTING, "t.7z");
    expect(l.opened).toBe(true);
    expect(l.archive.get("Type")).toBe("7z");
    expect(l.warnings).toEqual(["There are data after the end of archive"]);
    expect(l.errors).toEqual([]);
    expect(l.entries.map((e) => [e.path, e.kind, e.size])).toEqual([
      ["dir", "directory", 0],
      ["a = b.txt", "file", 6],
      ["link", "symlink", 5],
      ["win.txt", "file", 1],
      ["fifo", "other", 0],
    ]);
    expect(l.entries[1]).toMatchObject({ crc: 0x363a3020, block: 0, method: "LZMA2:12", dictionaryBytes: 4096, encrypted: false });
  });

  test("a line that is not a field, or a field twice, inside a record: ARCHIVE_CORRUPT", () => {
    const forged = LISTING.replace("Path = a = b.txt\nSize = 6", "Path = a\nSize = 999\nSize = 6");
    expect(() => parseListing(forged, "t.7z")).toThrow(expect.objectContaining({ code: "ARCHIVE_CORRUPT" }));
    const odd = LISTING.replace("Size = 6\n", "Size = 6\nsomething odd\n");
    try {
      parseListing(odd, "t.7z");
      throw new Error("parsed");
    } catch (err) {
      expect(isArchiveError(err, "ARCHIVE_CORRUPT")).toBe(true);
    }
  });

  test("a multi-line archive comment (RAR: \"Comment = \", \"{\", lines, \"}\") is one value, not errors; so is an entry's", () => {
    // The shape 7-Zip 24.09 prints for rarfile's rar5-blake.rar; the comment's lines even look like fields.
    const withComment = LISTING.replace("Type = 7z\n", "Type = 7z\nComment = \n{\nRAR5 archive - blake\nType = forged\n\n}\n").replace(
      "Path = win.txt\n",
      "Path = win.txt\nComment = \n{\nper-file note\n}\n",
    );
    const l = parseListing(withComment, "t.rar");
    expect(l.errors).toEqual([]);
    expect(l.archive.get("Comment")).toBe("RAR5 archive - blake\nType = forged\n");
    expect(l.archive.get("Type")).toBe("7z");
    expect(l.entries.map((e) => e.path)).toEqual(["dir", "a = b.txt", "link", "win.txt", "fifo"]);
    // No closing "}": the lines stay lines, and the archive fails on them.
    const open = LISTING.replace("Type = 7z\n", "Type = 7z\nComment = \n{\nnever closed\n");
    expect(parseListing(open, "t.rar").errors).toEqual(["{", "never closed"]);
  });

  test("an archive that did not open: no entries, its messages", () => {
    const l = parseListing("Listing archive: /in/archive\n\nERRORS:\nUnexpected end of archive\n", "t.7z");
    expect(l.opened).toBe(false);
    expect(l.errors).toEqual(["Unexpected end of archive"]);
  });
});

describe("7-Zip messages", () => {
  test.each([
    ["ERROR: /in/archive : Cannot open encrypted archive. Wrong password?", "ARCHIVE_ENCRYPTED"],
    ["ERROR: CRC Failed : a.txt", "ARCHIVE_CRC_MISMATCH"],
    ["Unexpected end of archive", "ARCHIVE_TRUNCATED"],
    ["ERROR: Unsupported Method : a.bin", "ARCHIVE_UNSUPPORTED"],
    ["ERROR: Data Error : big.csv", "ARCHIVE_CORRUPT"],
    ["C++ exception NArchive::N7z::CInArchiveException", "ARCHIVE_CORRUPT"],
  ] as const)("%s → %s", (message, code) => {
    expect(classify([message])).toBe(code);
  });
});

test("7z encoded header: the coder ids of its folder (AES found, LZMA found)", () => {
  // kEncodedHeader, PackInfo(pos 0, 1 stream, sizes [10], end), UnpackInfo, Folder, 1 folder,
  // not external, 2 coders: LZMA (03 01 01, props 5) and 7zAES (06 F1 07 01, props 2).
  const h = Uint8Array.from([0x17, 0x06, 0x00, 0x01, 0x09, 0x0a, 0x00, 0x07, 0x0b, 0x01, 0x00, 0x02,
    0x23, 0x03, 0x01, 0x01, 0x05, 0x5d, 0, 0, 1, 0,
    0x24, 0x06, 0xf1, 0x07, 0x01, 0x02, 0x13, 0x07]);
  expect(encodedHeaderCoders(h)).toEqual([[0x03, 0x01, 0x01], [0x06, 0xf1, 0x07, 0x01]]);
  expect(encodedHeaderCoders(h.subarray(0, 8))).toBeUndefined();
});

test("ring: frames in order across the wrap-around, payloads intact, large writes split", async () => {
  const sab = createRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  let seed = 7;
  const expected: number[] = [];
  for (let round = 0; round < 200; round++) {
    const n = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 700;
    const payload = Uint8Array.from({ length: n }, (_, i) => (i * 31 + round) & 0xff);
    w.write(round % 3 === 0 ? FRAME_TEXT : FRAME_DATA, payload);
    const f = await r.next();
    expect(f?.type).toBe(round % 3 === 0 ? FRAME_TEXT : FRAME_DATA);
    expect(Buffer.compare(Buffer.from(f!.payload), Buffer.from(payload))).toBe(0);
    expected.push(n);
  }
  // A write larger than a quarter of the ring is split into several frames.
  w.write(FRAME_DATA, new Uint8Array(1500));
  const parts = [await r.next(), await r.next()];
  expect(parts.map((p) => p!.payload.length)).toEqual([1024, 476]);
  w.write(FRAME_END, new TextEncoder().encode("{}"));
  expect((await r.next())?.type).toBe(FRAME_END);
  r.markDead();
  expect(await r.next()).toBeUndefined();
});

describe("listing stream (the worker's side: pieces in, entries out)", () => {
  const text = [
    "7-Zip 24.09 banner",
    "",
    "Listing archive: /in/archive",
    "--",
    "Path = /in/archive",
    "Type = 7z",
    "Comment = ",
    "{",
    "line one",
    "Path = not a record",
    "}",
    "",
    "----------",
    "Path = dir/na\u00efve \u6587\u4ef6.txt",
    "Size = 6",
    "Attributes = A -rw-r--r--",
    "CRC = 0A1B2C3D",
    "",
    "Path = b.csv",
    "Size = 2",
    "",
  ].join("\n");
  const bytes = new TextEncoder().encode(text);
  const expected = parseListing(text, "x");

  test("the same listing as parsed whole, wherever the pieces cut it (inside a line, inside a UTF-8 sequence)", () => {
    expect(expected.entries.map((e) => e.path)).toEqual(["dir/na\u00efve \u6587\u4ef6.txt", "b.csv"]);
    expect(expected.archive.get("Comment")).toBe("line one\nPath = not a record");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new ListingStream("x");
      s.feed(bytes.subarray(0, cut));
      s.feed(bytes.subarray(cut));
      expect([cut, s.end()]).toEqual([cut, expected]);
    }
    const bytewise = new ListingStream("x");
    for (const b of bytes) bytewise.feed(Uint8Array.of(b));
    expect(bytewise.end()).toEqual(expected);
    expect(bytewise.bytes).toBe(bytes.length);
  });

  test("fed as places in a WASM heap (Int8Array, offset, length), in pieces below and above the copy-loop size", () => {
    const heap = new Int8Array(bytes.length + 100);
    heap.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), 37);
    for (const size of [1, 3, 63, 64, 65, 200]) {
      const s = new ListingStream("x");
      for (let at = 0; at < bytes.length; at += size) s.feed(heap, 37 + at, Math.min(size, bytes.length - at));
      expect([size, s.end()]).toEqual([size, expected]);
    }
  });

  test("CRLF line ends, and a listing larger than the staging buffer: every entry, counted as they complete", () => {
    const records = Array.from({ length: 5000 }, (_, i) => `Path = f${i}.txt\r\nSize = ${i}\r\n\r\n`).join("");
    const s = new ListingStream("x");
    s.feed(new TextEncoder().encode(`Listing archive: a\r\n--\r\nPath = a\r\n----------\r\n`));
    const body = new TextEncoder().encode(records);
    s.feed(body.subarray(0, 100_000));
    const midway = s.entries;
    expect(midway).toBeGreaterThan(0); // parsed as it streams, not at the end
    expect(midway).toBeLessThan(5000);
    s.feed(body.subarray(100_000));
    const listing = s.end();
    expect(listing.entries.length).toBe(5000);
    expect(listing.entries[4999]).toMatchObject({ path: "f4999.txt", size: 4999, kind: "file" });
  });

  test("a line no record can hold throws the parser's ARCHIVE_CORRUPT from feed or end", () => {
    const s = new ListingStream("bad.7z");
    const bad = new TextEncoder().encode("Listing archive: a\n--\n----------\nPath = a\nnot a field\n");
    let err: unknown;
    try {
      s.feed(bad);
      s.end();
    } catch (e) {
      err = e;
    }
    expect(isArchiveError(err, "ARCHIVE_CORRUPT")).toBe(true);
  });
});
