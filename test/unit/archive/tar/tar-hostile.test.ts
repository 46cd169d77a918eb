/**
 * TAR reader on damaged and hostile input: bad checksums, truncation everywhere, sparse and
 * multi-volume entries, oversized metadata, trailing data, every chunking of the same bytes.
 */
import { describe, expect, test } from "bun:test";
import { safeEntryPath } from "../../../../src/archive/entry-path.ts";
import { readTar, type TarWarning } from "../../../../src/archive/tar/tar-reader.ts";
import { mulberry32 } from "../../../support/random.ts";
import { collectTar, once, summary } from "../../../support/archive/collect.ts";
import { chunked, concat, padded, paxRecords, tarBytes, tarEntry, tarHeader } from "../../../support/archive/tar-writer.ts";

const enc = new TextEncoder();

const SMALL = tarBytes([
  { name: "dir/", typeflag: "5" },
  { name: "dir/a.txt", data: "alpha".repeat(120) }, // 600 bytes: a body over a block boundary
  { name: "x".repeat(150), gnuLongName: true, data: "long", format: "gnu" },
  { name: "p", pax: { path: "pax/é.txt", mtime: "1.25" }, data: "pax body" },
  { name: "lnk", typeflag: "2", linkname: "dir/a.txt" },
  { name: "empty", data: "" },
]);

describe("damage", () => {
  test("a bad checksum is ARCHIVE_CORRUPT with the header's offset", async () => {
    const tar = tarBytes([{ name: "ok", data: "1" }, { name: "bad", data: "2", checksum: "bad" }]);
    const seen: string[] = [];
    const run = async () => {
      for await (const e of readTar(once(tar))) seen.push(e.name);
    };
    await expect(run()).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT", context: { offset: 1024, entry: "bad" } });
    expect(seen).toEqual(["ok"]); // what came before the damage was yielded
  });

  test("a single flipped bit in any header byte is caught (checksum, field or magic)", async () => {
    const tar = tarBytes([{ name: "file.txt", data: "data" }]);
    for (let i = 0; i < 512; i++) {
      if (i === 155) continue; // after the checksum's NUL terminator: ignored by every tar, and by us
      const copy = tar.slice();
      copy[i]! ^= 0x01;
      const outcome = await collectTar(once(copy)).then(
        (e) => `ok:${summary(e).join("|")}`,
        (err) => err.code,
      );
      expect([i, outcome]).toEqual([i, "ARCHIVE_CORRUPT"]);
    }
  });

  test("non-tar bytes are ARCHIVE_CORRUPT at offset 0", async () => {
    const text = enc.encode("id,name\n".repeat(200));
    await expect(collectTar(once(text))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT", context: { offset: 0 } });
  });

  test("a non-octal size field is ARCHIVE_CORRUPT naming the field", async () => {
    const h = tarHeader({ name: "f", size: 1 });
    h.set(enc.encode("0000000009z\0"), 124);
    h.fill(0x20, 148, 156);
    h.set(enc.encode(`${h.reduce((a, b) => a + b, 0).toString(8).padStart(6, "0")}\0 `), 148);
    await expect(collectTar(once(concat([h, new Uint8Array(1536)])))).rejects.toMatchObject({
      code: "ARCHIVE_CORRUPT",
      context: { field: "size", offset: 0 },
    });
  });

  test("malformed PAX records and values are ARCHIVE_CORRUPT", async () => {
    const cases = ["99 path=x\n", "5 path=abc\n", "x path=y\n", "8 =abc\n", "12 pathonly\n"];
    for (const rec of cases) {
      const data = enc.encode(rec);
      const tar = concat([tarHeader({ name: "x", typeflag: "x", size: data.length }), padded(data), tarBytes([{ name: "f" }])]);
      await expect(collectTar(once(tar))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT" });
    }
    const badValues: Record<string, string>[] = [{ size: "12abc" }, { size: "-1" }, { mtime: "yesterday" }, { uid: "1e9" }];
    for (const pax of badValues) {
      await expect(collectTar(once(tarBytes([{ name: "f", pax }])))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT" });
    }
  });

  test("an extended header followed by the end of the archive is ARCHIVE_CORRUPT", async () => {
    const tar = concat([tarEntry({ name: "x", pax: { path: "orphan" } }).subarray(0, 1024), new Uint8Array(1024)]);
    await expect(collectTar(once(tar))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT" });
  });
});

describe("truncation", () => {
  const outcome = (bytes: Uint8Array) =>
    collectTar(chunked(bytes, 97)).then(
      (e) => `ok:${e.length}`,
      (err) => `${err.code}`,
    );

  test("at named points: in a header, at a header boundary, in a body, in padding, in a PAX header", async () => {
    const tar = tarBytes([{ name: "a", data: "A".repeat(600) }, { name: "b", pax: { path: "bb" }, data: "B" }]);
    // a: header 0-512, data 512-1112, padding to 1536; b: x header 1536, records 2048, header 2560, data 3072
    expect(await outcome(tar.subarray(0, 300))).toBe("ARCHIVE_TRUNCATED"); // in a header
    expect(await outcome(tar.subarray(0, 512))).toBe("ARCHIVE_TRUNCATED"); // no data at all
    expect(await outcome(tar.subarray(0, 1000))).toBe("ARCHIVE_TRUNCATED"); // in a body
    expect(await outcome(tar.subarray(0, 1200))).toBe("ARCHIVE_TRUNCATED"); // in padding
    expect(await outcome(tar.subarray(0, 1536))).toBe("ARCHIVE_TRUNCATED"); // at a boundary, no end marker
    expect(await outcome(tar.subarray(0, 2100))).toBe("ARCHIVE_TRUNCATED"); // in PAX records
    expect(await outcome(tar.subarray(0, 3584))).toBe("ARCHIVE_TRUNCATED"); // complete entries, no end marker
    expect(await outcome(tar.subarray(0, 4096))).toBe("ok:2"); // one zero block is enough
    expect(await outcome(tar)).toBe("ok:2");
    expect(await outcome(new Uint8Array(0))).toBe("ARCHIVE_TRUNCATED");
  });

  test("the error names the entry, the offset and the missing bytes", async () => {
    const tar = tarBytes([{ name: "cut.bin", data: "C".repeat(2000) }]);
    await expect(collectTar(once(tar.subarray(0, 1500)))).rejects.toMatchObject({
      code: "ARCHIVE_TRUNCATED",
      context: { entry: "cut.bin", offset: 1500, missing: 1012 },
    });
  });

  test("cut at every byte: all entries or a truncation error, nothing else", async () => {
    const endOfData = SMALL.length - 1024; // the first zero block starts here
    for (let cut = 0; cut < SMALL.length; cut += 1) {
      const got = await outcome(SMALL.subarray(0, cut));
      expect([cut, got]).toEqual([cut, cut >= endOfData + 512 ? "ok:6" : "ARCHIVE_TRUNCATED"]);
    }
  });
});

describe("refused, never expanded", () => {
  test("GNU sparse ('S') is TAR_SPARSE", async () => {
    const tar = tarBytes([{ name: "ok" }, { name: "holes.img", typeflag: "S", data: "x".repeat(100), format: "gnu" }]);
    await expect(collectTar(once(tar))).rejects.toMatchObject({ code: "TAR_SPARSE", context: { entry: "holes.img", offset: 512 } });
  });

  test.each([
    [{ "GNU.sparse.size": "1000000", "GNU.sparse.numblocks": "1", "GNU.sparse.offset": "0", "GNU.sparse.numbytes": "5" }], // 0.0
    [{ "GNU.sparse.size": "1000000", "GNU.sparse.map": "0,5" }], // 0.1
    [{ "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "f", "GNU.sparse.realsize": "1000000" }], // 1.0
  ])("PAX sparse keys are TAR_SPARSE (%#)", async (pax) => {
    await expect(collectTar(once(tarBytes([{ name: "GNUSparseFile.0/f", pax, data: "x" }])))).rejects.toMatchObject({ code: "TAR_SPARSE" });
  });

  test("PAX sparse keys in a global header are TAR_SPARSE too", async () => {
    const rec = paxRecords({ "GNU.sparse.major": "1" });
    const tar = concat([tarHeader({ name: "g", typeflag: "g", size: rec.length }), padded(rec), tarBytes([{ name: "f" }])]);
    await expect(collectTar(once(tar))).rejects.toMatchObject({ code: "TAR_SPARSE" });
  });

  test("a multi-volume continuation ('M') is ARCHIVE_UNSUPPORTED", async () => {
    await expect(collectTar(once(tarBytes([{ name: "part", typeflag: "M", data: "tail", format: "gnu" }])))).rejects.toMatchObject({
      code: "ARCHIVE_UNSUPPORTED",
    });
  });
});

describe("memory", () => {
  test("an oversized PAX header or long name is refused before it is read", async () => {
    let pulled = 0;
    async function* huge(typeflag: string): AsyncGenerator<Uint8Array> {
      yield tarHeader({ name: "meta", typeflag, size: 2 ** 40 });
      for (;;) {
        pulled += 1;
        yield new Uint8Array(1 << 20);
      }
    }
    for (const t of ["x", "g", "L", "K"]) {
      await expect(collectTar(huge(t))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT", context: { size: 2 ** 40 } });
    }
    expect(pulled).toBe(0);
  });

  test("thousands of distinct global PAX keys are not kept (only the keys dsp uses are)", async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => paxRecords({ [`junk.key.${i}`]: "v".repeat(20) }));
    const data = concat(records);
    const tar = concat([tarHeader({ name: "g", typeflag: "g", size: data.length }), padded(data), tarBytes([{ name: "f", data: "1" }])]);
    const [e] = await collectTar(once(tar));
    expect(e).toMatchObject({ path: "f", data: "1" });
  });
});

describe("end of archive", () => {
  const body = tarBytes([{ name: "a", data: "1" }], { endBlocks: 0 });
  const run = async (bytes: Uint8Array) => {
    const warnings: TarWarning[] = [];
    const entries = await collectTar(chunked(bytes, 300), { onWarning: (w) => warnings.push(w) });
    return { n: entries.length, warnings };
  };

  test("record padding (zeros to 10 KiB) is silent", async () => {
    expect(await run(concat([body, new Uint8Array(10240 - body.length)]))).toEqual({ n: 1, warnings: [] });
  });

  test("non-zero bytes after the marker are read to the end and reported once, with their offset", async () => {
    const tail = concat([new Uint8Array(1024), new Uint8Array(100), enc.encode("GARBAGE"), new Uint8Array(5000).fill(7)]);
    const r = await run(concat([body, tail]));
    expect(r.n).toBe(1);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: "TAR_TRAILING_DATA", offset: body.length + 1124 });
    expect(r.warnings[0]!.message).toContain(`ignored ${5007} bytes`);
  });

  test("a lone zero block followed by a header ends the archive (as GNU tar), reported as trailing data", async () => {
    const r = await run(concat([body, new Uint8Array(512), tarEntry({ name: "hidden", data: "2" }), new Uint8Array(1024)]));
    expect(r.n).toBe(1);
    expect(r.warnings[0]).toMatchObject({ code: "TAR_TRAILING_DATA", offset: body.length + 512 });
  });

  test("the source is read to its end (so a compression layer below checks its trailer)", async () => {
    let done = false;
    async function* src(): AsyncGenerator<Uint8Array> {
      yield concat([body, new Uint8Array(1024)]);
      yield new Uint8Array(8192);
      done = true;
    }
    await collectTar(src());
    expect(done).toBe(true);
  });
});

describe("streaming", () => {
  test("split at every position: identical entries", async () => {
    const expected = summary(await collectTar(once(SMALL)));
    expect(expected).toHaveLength(6);
    for (let cut = 1; cut < SMALL.length; cut++) {
      expect([cut, summary(await collectTar(chunked(SMALL, [cut])))]).toEqual([cut, expected]);
    }
  });

  test("one-byte chunks and random three-way splits: identical entries", async () => {
    const expected = summary(await collectTar(once(SMALL)));
    expect(summary(await collectTar(chunked(SMALL, 1)))).toEqual(expected);
    const rnd = mulberry32(5);
    for (let i = 0; i < 300; i++) {
      const cuts = [0, 0].map(() => Math.floor(rnd() * SMALL.length)).sort((a, b) => a - b);
      expect([cuts, summary(await collectTar(chunked(SMALL, cuts)))]).toEqual([cuts, expected]);
    }
  });

  test("backpressure: no chunk is pulled before the consumer needs it", async () => {
    const tar = tarBytes([{ name: "a", data: "A".repeat(4096) }, { name: "b", data: "B" }]);
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for await (const c of chunked(tar, 512)) {
        pulled += 1;
        yield c;
      }
    }
    const it = readTar(counting());
    const a = (await it.next()).value!;
    expect(pulled).toBe(1); // the header only
    const body = a.body[Symbol.asyncIterator]();
    await body.next();
    expect(pulled).toBe(2); // one data chunk
    await it.return(); // the consumer stops: the source is stopped
    const before = pulled;
    await Bun.sleep(5);
    expect(pulled).toBe(before);
  });

  test("stopping early calls the source's return() (a decompressor upstream is released)", async () => {
    let returned = false;
    async function* src(): AsyncGenerator<Uint8Array> {
      try {
        yield SMALL;
      } finally {
        returned = true;
      }
    }
    for await (const e of readTar(src())) {
      expect(e.type).toBe("directory");
      break;
    }
    expect(returned).toBe(true);
  });
});

test("hostile names come out raw; the path rules refuse them", async () => {
  const names = ["../../etc/passwd", "/abs", "C:\\win", "a/../../x", "ok/file"];
  const tar = tarBytes(names.map((name) => ({ name, data: "x" })));
  const verdicts: string[] = [];
  for await (const e of readTar(once(tar))) {
    const r = safeEntryPath(e.path);
    verdicts.push(r.ok ? r.path : r.reason);
  }
  expect(verdicts).toEqual(["DOT_DOT", "ABSOLUTE", "DRIVE_LETTER", "DOT_DOT", "ok/file"]);
  const bad = tarBytes([{ name: new Uint8Array([0x66, 0xff, 0x2e, 0x74]), data: "x" }]);
  for await (const e of readTar(once(bad))) expect(safeEntryPath(e.path)).toMatchObject({ ok: false, reason: "INVALID_UTF8" });
});

test("a global PAX header right before the end is a valid (empty) archive, not a dangling header", async () => {
  const rec = paxRecords({ comment: "made by a tool" });
  const tar = concat([tarHeader({ name: "g", typeflag: "g", size: rec.length }), padded(rec), new Uint8Array(1024)]);
  expect(await collectTar(once(tar))).toEqual([]);
});
