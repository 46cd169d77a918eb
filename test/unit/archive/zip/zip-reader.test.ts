/**
 * The reader on valid archives: entries in central directory order with their metadata, stored and
 * deflated bytes, empty archives and entries, directories, links and modes, times, comments,
 * appended bytes and fake end records, and the pull-based streaming contract.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { open } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { bytesSource, fileHandleSource, type RandomAccessSource } from "../../../../src/archive/zip/random-access-source.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { payload } from "../../../support/payload.ts";
import { buildZip, buildZipDetailed, extraField } from "../../../support/archive/zip-writer.ts";
import { drainEntry, listEntries, openBytes, readAll, readEntry, scratchDir } from "./zip-test-support.ts";

const text = new TextEncoder();
const scratch = scratchDir("reader");
afterAll(scratch.remove);

/** The bytes as a file, read through a FileHandle source (closed when the tests end). */
async function fileSourceOf(bytes: Uint8Array): Promise<RandomAccessSource> {
  const path = `${scratch.dir}/${Math.random().toString(36).slice(2)}.zip`;
  await Bun.write(path, bytes);
  const handle = await open(path);
  afterAll(() => handle.close());
  return fileHandleSource(handle);
}

describe("reading valid archives", () => {
  test("stored and deflated entries come back byte for byte, in central directory order", async () => {
    const files = [
      { name: "z-last-alphabetically.csv", data: payload(300_000, 1) },
      { name: "a/b/c.json", data: payload(1, 2), method: 0 },
      { name: "m.txt", data: text.encode("hello ".repeat(10_000)) },
      { name: "stored-big.bin", data: payload(1_000_000, 3), method: 0 },
    ];
    const got = await readAll(buildZip(files));
    expect([...got.keys()]).toEqual(files.map((f) => f.name));
    for (const f of files) expect(got.get(f.name)!.equals(f.data)).toBe(true);
  });

  test("entry metadata comes from the central directory", async () => {
    const data = payload(12_345, 9);
    const reader = await openBytes(buildZip([{ name: "x.bin", data }]));
    const [e] = await listEntries(reader);
    expect(e).toMatchObject({
      index: 0,
      name: "x.bin",
      nameEncoding: "cp437",
      uncompressedSize: 12_345,
      crc32: crc32(data) >>> 0,
      method: 8,
      encrypted: false,
      kind: "file",
      isDirectory: false,
      isSymlink: false,
      unixMode: 0o100644,
      localHeaderOffset: 0,
      hasDataDescriptor: false,
      zip64: false,
    });
    expect(e!.encryption).toBeUndefined();
    expect(Buffer.from(e!.rawName).toString()).toBe("x.bin");
    expect(e!.mtime.toISOString()).toBe("2024-05-17T13:45:30.000Z"); // the writer's DOS time, read as UTC
    expect(reader.entryCount).toBe(1);
    expect(reader.problem(e!)).toBeUndefined();
  });

  test("an empty archive (end record only) has no entries", async () => {
    const bytes = buildZip([]);
    expect(bytes.length).toBe(22);
    const reader = await openBytes(bytes);
    expect(await listEntries(reader)).toEqual([]);
  });

  test("empty entries, stored and deflated, read as zero bytes", async () => {
    const got = await readAll(buildZip([{ name: "s", data: "", method: 0 }, { name: "d", data: "" }]));
    expect(got.get("s")!.length).toBe(0);
    expect(got.get("d")!.length).toBe(0);
  });

  test("directories, symlinks and devices are told apart by name and external attributes", async () => {
    const reader = await openBytes(
      buildZip([
        { name: "dir/", method: 0 },
        { name: "unix-dir", method: 0, externalAttributes: (0o040755 << 16) >>> 0 },
        { name: "dos-dir", method: 0, externalAttributes: 0x10, versionMadeBy: 20 },
        { name: "link", data: "../../etc/passwd", method: 0, externalAttributes: (0o120777 << 16) >>> 0 },
        { name: "fifo", method: 0, externalAttributes: (0o010644 << 16) >>> 0 },
        { name: "win\\dir\\", method: 0, externalAttributes: 0, versionMadeBy: 0 },
        { name: "plain", data: "x", externalAttributes: 0x20, versionMadeBy: 0 },
      ]),
    );
    const kinds = Object.fromEntries((await listEntries(reader)).map((e) => [e.name, [e.kind, e.isDirectory, e.isSymlink, e.unixMode]]));
    expect(kinds).toEqual({
      "dir/": ["directory", true, false, 0o100644],
      "unix-dir": ["directory", true, false, 0o040755],
      "dos-dir": ["directory", true, false, undefined],
      link: ["symlink", false, true, 0o120777],
      fifo: ["other", false, false, 0o010644],
      "win\\dir\\": ["directory", true, false, undefined],
      plain: ["file", false, false, undefined],
    });
  });

  test("the extended timestamp field wins over the MS-DOS time", async () => {
    const ts = new Uint8Array(5);
    ts[0] = 1;
    new DataView(ts.buffer).setInt32(1, 1_700_000_000, true);
    const [e] = await listEntries(await openBytes(buildZip([{ name: "t", data: "x", centralExtra: extraField(0x5455, ts) }])));
    expect(e!.mtime.getTime()).toBe(1_700_000_000_000);
  });

  test("the archive comment is kept, and a fake end record inside it is not taken", async () => {
    const fake = buildZip([]); // a complete, empty end record
    const comment = Buffer.concat([text.encode("comment with a fake record: "), fake, text.encode(" and more")]);
    const reader = await openBytes(buildZip([{ name: "real", data: "r" }], { comment }));
    expect(Buffer.from(reader.comment).equals(comment)).toBe(true);
    expect((await listEntries(reader)).map((e) => e.name)).toEqual(["real"]);
  });

  test("bytes appended after the archive are tolerated, as unzip and Python do", async () => {
    const got = await readAll(buildZip([{ name: "a", data: "payload" }], { trailing: text.encode("appended signature block") }));
    expect(got.get("a")!.toString()).toBe("payload");
  });

  test("a digital signature record after the central directory is accepted", async () => {
    const built = buildZipDetailed([{ name: "a", data: "x" }]);
    const sig = Uint8Array.of(0x50, 0x4b, 0x05, 0x05, 3, 0, 1, 2, 3);
    // Splice the signature record between the central directory and the end record; fix the size.
    const b = Buffer.concat([built.bytes.subarray(0, built.eocdOffset), sig, built.bytes.subarray(built.eocdOffset)]);
    b.writeUInt32LE(b.readUInt32LE(built.eocdOffset + sig.length + 12) + sig.length, built.eocdOffset + sig.length + 12);
    expect((await readAll(b)).get("a")!.toString()).toBe("x");
  });

  test("entries can be opened in any order, twice, and concurrently", async () => {
    const a = payload(600_000, 11);
    const b = payload(400_000, 12);
    const reader = await openBytes(buildZip([{ name: "a", data: a }, { name: "b", data: b, method: 0 }]), { chunkSize: 16 * 1024 });
    const [ea, eb] = await listEntries(reader);
    expect((await readEntry(reader, eb!)).equals(b)).toBe(true);
    const [ra, rb] = await Promise.all([readEntry(reader, ea!), readEntry(reader, eb!)]);
    expect(ra.equals(a)).toBe(true);
    expect(rb.equals(b)).toBe(true);
    expect(reader.producedTotal).toBe(a.length + 2 * b.length);
  });

  test("streaming is pull-based: nothing is read beyond the chunk the consumer asked for", async () => {
    const data = payload(4 * 1024 * 1024, 13);
    const bytes = buildZip([{ name: "big", data, method: 0 }]);
    const reads: number[] = [];
    const counting: RandomAccessSource = {
      size: bytes.length,
      read: (pos, len) => {
        reads.push(len);
        return bytesSource(bytes).read(pos, len);
      },
    };
    const reader = await openZip(counting, { chunkSize: 64 * 1024 });
    const [e] = await listEntries(reader);
    reads.length = 0;
    const it = reader.open(e!)[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    // The local header, then exactly two 64 KiB data reads for two chunks.
    expect(reads.slice(1)).toEqual([65536, 65536]);
    await it.return?.();
  });

  test("deflated chunks are at most chunkSize and the consumer's early exit releases the entry", async () => {
    const reader = await openBytes(buildZip([{ name: "z", data: new Uint8Array(3_000_000) }]), { chunkSize: 100_000 });
    const [e] = await listEntries(reader);
    let chunks = 0;
    for await (const c of reader.open(e!)) {
      expect(c.length).toBeLessThanOrEqual(100_000);
      if (++chunks === 3) break;
    }
    expect(await drainEntry(reader, e!)).toBe(3_000_000); // a fresh open after the abandoned one
  });

  test("chunks are the consumer's to keep by default; with reuseBuffers they are valid until the next pull", async () => {
    const data = payload(2_000_000, 22);
    for (const method of [0, 8]) {
      const bytes = buildZip([{ name: "d", data, method }]);
      for (const source of [bytesSource(bytes), await fileSourceOf(bytes)]) {
        const fresh = await openZip(source, { chunkSize: 64 * 1024 });
        const kept: Uint8Array[] = [];
        for await (const c of fresh.open((await listEntries(fresh))[0]!)) kept.push(c); // no copy
        expect(Buffer.concat(kept).equals(data)).toBe(true);
        const reusing = await openZip(source, { chunkSize: 64 * 1024, reuseBuffers: true });
        expect((await readEntry(reusing, (await listEntries(reusing))[0]!)).equals(data)).toBe(true); // copies each chunk
      }
    }
  });

  test("a file source reads the archive in place with positioned reads", async () => {
    const data = payload(700_000, 21);
    const reader = await openZip(await fileSourceOf(buildZip([{ name: "a", data }, { name: "b", data: "bee", method: 0 }])));
    const entries = await listEntries(reader);
    expect((await readEntry(reader, entries[0]!)).equals(data)).toBe(true);
    expect((await readEntry(reader, entries[1]!)).toString()).toBe("bee");
  });
});
