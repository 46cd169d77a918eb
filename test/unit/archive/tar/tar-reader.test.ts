/** TAR reader on archives from the test writer: formats, metadata precedence, types, bodies. */
import { describe, expect, test } from "bun:test";
import { readTar } from "../../../../src/archive/tar/tar-reader.ts";
import { collectBytes, collectTar, once, summary } from "../../../support/archive/collect.ts";
import { chunked, concat, padded, tarBytes, tarEntry, tarHeader } from "../../../support/archive/tar-writer.ts";

const enc = new TextEncoder();

describe("ustar", () => {
  test("files, folders and fields come out in order with their bodies", async () => {
    const tar = tarBytes([
      { name: "dir/", typeflag: "5", mode: 0o755 },
      { name: "dir/a.txt", data: "hello", mode: 0o600, mtime: 1_234_567_890 },
      { name: "empty", data: "" },
      { name: "block", data: "x".repeat(512) },
      { name: "big", data: "y".repeat(1000) },
    ]);
    const entries = await collectTar(chunked(tar, 100));
    expect(summary(entries)).toEqual([
      "directory dir/ 0  ",
      "file dir/a.txt 5  hello",
      "file empty 0  ",
      `file block 512  ${"x".repeat(512)}`,
      `file big 1000  ${"y".repeat(1000)}`,
    ]);
    expect(entries[1]).toMatchObject({ mode: 0o600, mtime: 1_234_567_890, uid: 1000, gid: 1000, uname: "user", gname: "group", format: "ustar", offset: 512 });
    expect(entries[0]!.offset).toBe(0);
    expect(entries[2]!.offset).toBe(512 * 3);
  });

  test("the prefix field continues the name (155 bytes; 131 in star's variant)", async () => {
    const prefix = "p".repeat(150);
    const star = tarHeader({ name: "file", prefix: "q".repeat(131), size: 0 });
    // star marks its layout with "tar\0" at 508, after a 131-byte prefix and atime/ctime.
    star.set(enc.encode("tar\0"), 508);
    star.fill(0x20, 148, 156);
    const sum = star.reduce((a, b) => a + b, 0);
    star.set(enc.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    const tar = concat([tarEntry({ name: "n".repeat(100), prefix, data: "1" }), star, new Uint8Array(1024)]);
    const [long, starEntry] = await collectTar(once(tar));
    expect(long!.path).toBe(`${prefix}/${"n".repeat(100)}`);
    expect(starEntry!.path).toBe(`${"q".repeat(131)}/file`);
  });

  test("old GNU headers never read a prefix (that area holds times there)", async () => {
    const tar = tarBytes([{ name: "gnu.txt", format: "gnu", prefix: "ignored", data: "g" }]);
    const [e] = await collectTar(once(tar));
    expect(e).toMatchObject({ path: "gnu.txt", format: "gnu", data: "g" });
  });
});

describe("PAX", () => {
  test("x records override path, linkpath, size, mtime, ids and names for the next entry only", async () => {
    const long = `${"deep/".repeat(60)}file-é.txt`;
    const tar = tarBytes([
      { name: "short", data: "abc", pax: { path: long, mtime: "1700000000.5", uid: "4000000", uname: "ünïcode", comment: "ignored" } },
      { name: "link", typeflag: "2", linkname: "x", pax: { linkpath: `${"t/".repeat(80)}target` } },
      { name: "after", data: "z" },
    ]);
    const [a, l, b] = await collectTar(chunked(tar, 7));
    expect(a).toMatchObject({ path: long, data: "abc", size: 3, mtime: 1_700_000_000.5, uid: 4_000_000, uname: "ünïcode", format: "pax" });
    expect(l).toMatchObject({ type: "symlink", linkName: `${"t/".repeat(80)}target` });
    expect(b).toMatchObject({ path: "after", mtime: 1_700_000_000, format: "ustar" });
  });

  test("a PAX size overrides the header's (how pax writes files over 8 GiB)", async () => {
    const tar = tarBytes([{ name: "f", size: 0, data: "twelve bytes", pax: { size: "12" } }]);
    const [e] = await collectTar(once(tar));
    expect(e).toMatchObject({ size: 12, data: "twelve bytes" });
  });

  test("global records apply to every later entry until unset; an x record with no value unsets for one entry", async () => {
    const g = enc.encode("14 uname=glob\n");
    const unset = enc.encode("10 uname=\n");
    const tar = concat([
      tarEntry({ name: "before", data: "0" }),
      tarHeader({ name: "g", typeflag: "g", size: g.length }),
      concat([g, new Uint8Array(512 - g.length)]),
      tarEntry({ name: "one", data: "1" }),
      tarEntry({ name: "two", data: "2", pax: { uname: "" } }),
      tarEntry({ name: "three", data: "3" }),
      tarHeader({ name: "g", typeflag: "g", size: unset.length }),
      concat([unset, new Uint8Array(512 - unset.length)]),
      tarEntry({ name: "four", data: "4" }),
      new Uint8Array(1024),
    ]);
    const entries = await collectTar(chunked(tar, 33));
    expect(entries.map((e) => `${e.path}:${e.uname}`)).toEqual(["before:user", "one:glob", "two:user", "three:glob", "four:user"]);
  });

  test("Solaris 'X' extended headers are read like 'x'", async () => {
    const rec = enc.encode("13 path=solx\n");
    const tar = concat([tarHeader({ name: "X", typeflag: "X", size: rec.length }), padded(rec), tarBytes([{ name: "s", data: "" }])]);
    const [e] = await collectTar(once(tar));
    expect(e!.path).toBe("solx");
  });
});

test("GNU long names and long links (L, K) of any length", async () => {
  const name = `${"n".repeat(300)}/file`;
  const link = `${"l".repeat(200)}/target`;
  const tar = tarBytes([
    { name, gnuLongName: true, data: "long", format: "gnu" },
    { name: "hl", typeflag: "1", linkname: link, gnuLongLink: true, format: "gnu" },
    { name: `${"s".repeat(150)}`, typeflag: "2", linkname: link, gnuLongName: true, gnuLongLink: true, format: "gnu" },
  ]);
  const entries = await collectTar(chunked(tar, 64));
  expect(summary(entries)).toEqual([`file ${name} 4  long`, `hardlink hl 0 ${link} `, `symlink ${"s".repeat(150)} 0 ${link} `]);
});

describe("v7 (no magic)", () => {
  test("read by checksum alone; '\\0' is a file, or a folder when the name ends in '/'", async () => {
    const tar = tarBytes([
      { name: "old/", typeflag: "\0", format: "v7" },
      { name: "old/file", typeflag: "\0", data: "seventies", format: "v7" },
      { name: "old/link", typeflag: "1", linkname: "old/file", format: "v7" },
    ]);
    const entries = await collectTar(chunked(tar, 512));
    expect(summary(entries)).toEqual(["directory old/ 0  ", "file old/file 9  seventies", "hardlink old/link 0 old/file "]);
    expect(entries.every((e) => e.format === "v7" && e.uname === "")).toBe(true);
  });

  test("a signed-sum checksum (old Sun tar with bytes ≥ 0x80 in names) is accepted", async () => {
    const name = new Uint8Array([0x63, 0x61, 0x66, 0xc3, 0xa9]); // "café"
    const tar = tarBytes([{ name, data: "x", checksum: "signed", format: "v7" }]);
    const [e] = await collectTar(once(tar));
    expect(e).toMatchObject({ path: "café", data: "x" });
  });
});

describe("base-256 numbers", () => {
  test("a small size in base-256 reads the same", async () => {
    const tar = tarBytes([{ name: "b256", data: "base-256!", base256Size: true, format: "gnu" }]);
    expect((await collectTar(once(tar)))[0]).toMatchObject({ size: 9, data: "base-256!" });
  });

  test("an entry over 8 GiB is sized from base-256 and skipped without touching its bytes", async () => {
    const size = 8 * 2 ** 30 + 5;
    const zero = new Uint8Array(1 << 20);
    async function* source(): AsyncGenerator<Uint8Array> {
      yield tarHeader({ name: "huge.bin", size, format: "gnu" });
      let left = size + ((512 - (size % 512)) % 512);
      while (left > 0) {
        const n = Math.min(left, zero.length);
        yield zero.subarray(0, n);
        left -= n;
      }
      yield tarEntry({ name: "after", data: "still here" });
      yield new Uint8Array(1024);
    }
    const seen: string[] = [];
    for await (const e of readTar(source())) {
      seen.push(`${e.path.length}:${e.size}`);
      if (e.size < 100) seen.push(new TextDecoder().decode(await collectBytes(e.body)));
    }
    expect(seen).toEqual([`8:${size}`, "5:10", "still here"]);
  });

  test("a negative base-256 mtime (before 1970) is read; a negative size is corrupt", async () => {
    const h = tarHeader({ name: "old", size: 0, format: "gnu" });
    h.fill(0xff, 136, 148); // -1
    h[147] = 0xf6; // -10
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    const [e] = await collectTar(once(concat([h, new Uint8Array(1024)])));
    expect(e!.mtime).toBe(-10);
    const bad = h.slice();
    bad.fill(0xff, 124, 136);
    bad.fill(0x20, 148, 156);
    const sum2 = bad.reduce((a, b) => a + b, 0);
    bad.set(enc.encode(`${sum2.toString(8).padStart(6, "0")}\0 `), 148);
    await expect(collectTar(once(concat([bad, new Uint8Array(1024)])))).rejects.toMatchObject({ code: "ARCHIVE_CORRUPT", context: { field: "size" } });
  });
});

test("links, devices and FIFOs are yielded with their type, no body, even if their size field lies", async () => {
  const tar = tarBytes([
    { name: "sym", typeflag: "2", linkname: "../../etc/passwd" },
    { name: "hard", typeflag: "1", linkname: "sym", size: 999 }, // POSIX: no data records for links
    { name: "tty", typeflag: "3", devMajor: 4, devMinor: 1, size: 512 },
    { name: "sda", typeflag: "4", devMajor: 8, devMinor: 0 },
    { name: "pipe", typeflag: "6" },
    { name: "dir", typeflag: "5", size: 4096 },
    { name: "real", data: "after the liars" },
  ]);
  const entries = await collectTar(chunked(tar, 50));
  expect(summary(entries)).toEqual([
    "symlink sym 0 ../../etc/passwd ",
    "hardlink hard 0 sym ",
    "char tty 0  ",
    "block sda 0  ",
    "fifo pipe 0  ",
    "directory dir 0  ",
    "file real 15  after the liars",
  ]);
  expect(entries[2]).toMatchObject({ devMajor: 4, devMinor: 1 });
  expect(entries[3]).toMatchObject({ devMajor: 8, devMinor: 0 });
});

test("unknown typeflags are 'other' with their data; GNU dump-dirs are folders whose listing is skipped", async () => {
  const tar = tarBytes([
    { name: "vendor", typeflag: "Z", data: "vendor data" },
    { name: "label", typeflag: "V", data: "" },
    { name: "dump/", typeflag: "D", data: "Yfile1\0Yfile2\0\0", format: "gnu" },
    { name: "contig", typeflag: "7", data: "contiguous" },
  ]);
  const entries = await collectTar(once(tar));
  expect(summary(entries)).toEqual(["other vendor 11  vendor data", "other label 0  ", "directory dump/ 0  ", "file contig 10  contiguous"]);
  expect(entries[0]!.typeflag).toBe("Z");
});

describe("bodies", () => {
  const tar = tarBytes([
    { name: "a", data: "A".repeat(3000) },
    { name: "b", data: "B".repeat(10) },
    { name: "c", data: "C".repeat(700) },
  ]);

  test("unread or half-read bodies are skipped by asking for the next entry", async () => {
    const got: string[] = [];
    for await (const e of readTar(chunked(tar, 128))) {
      if (e.path[0] === 0x61) {
        for await (const c of e.body) {
          got.push(`a:${c.length}`);
          break; // half-read
        }
      }
      if (e.path[0] === 0x63) got.push(`c:${(await collectBytes(e.body)).length}`);
    }
    expect(got).toEqual(["a:128", "c:700"]);
  });

  test("a body read after the next entry was requested fails instead of yielding wrong bytes", async () => {
    const it = readTar(chunked(tar, 128));
    const first = (await it.next()).value!;
    await it.next();
    await expect(collectBytes(first.body)).rejects.toThrow("after the next entry was requested");
    await it.return();
  });

  test("a body can be iterated once", async () => {
    const it = readTar(once(tar));
    const first = (await it.next()).value!;
    await collectBytes(first.body);
    expect(() => first.body[Symbol.asyncIterator]()).toThrow("can be read only once");
    await it.return();
  });

  test("bodies are views of the source's chunks: no copy when a chunk holds the data", async () => {
    const it = readTar(once(tar));
    const first = (await it.next()).value!;
    for await (const c of first.body) expect(c.buffer).toBe(tar.buffer);
    await it.return();
  });
});
