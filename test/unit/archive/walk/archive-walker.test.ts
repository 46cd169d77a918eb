/**
 * The archive walker on real files: archive order across nesting levels, paths under the folder
 * named after each archive, notices for skipped links and misleading names, the file's limits
 * across layers, unsafe names failing the whole walk, unread data released, and a file found
 * again by a second walk (the widening restart of a table inside a stream).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { HEAD_BYTES } from "../../../../src/archive/detect.ts";
import { LimitTracker, type ArchiveLimits } from "../../../../src/archive/limits.ts";
import { reopenWalkedFile, walkArchive, type WalkNotice } from "../../../../src/archive/walk/archive-walker.ts";
import { tarBytes } from "../../../support/archive/tar-writer.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "dsp-walker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function topOf(name: string, bytes: Uint8Array) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const handle = await open(path);
  const head = new Uint8Array(Math.min(HEAD_BYTES, bytes.length));
  await handle.read(head, 0, head.length, 0);
  return { top: { handle, path, size: bytes.length, name }, head, close: () => handle.close() };
}

async function walkAll(name: string, bytes: Uint8Array, limits: Partial<ArchiveLimits> = {}, readData = true) {
  const { top, head, close } = await topOf(name, bytes);
  const notices: WalkNotice[] = [];
  const files: { path: string; entry: string; ordinal: number; body?: string }[] = [];
  try {
    for await (const f of walkArchive(top, head, { limits: new LimitTracker(name, limits), maxNestedBytes: 1 << 20, keyPrefix: "", onNotice: (n) => notices.push(n) })) {
      const item: (typeof files)[number] = { path: f.path, entry: f.entry, ordinal: f.ordinal };
      if (readData) item.body = text(new Uint8Array(await new Response(toStream(f.data)).arrayBuffer()));
      files.push(item);
    }
  } finally {
    await close();
  }
  return { files, notices };
}

function toStream(data: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = data[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(c) {
      const r = await it.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
  });
}

const nestedBundle = () =>
  buildZip([
    { name: "a.txt", data: "A" },
    { name: "sub/inner.tar.gz", data: gzipSync(tarBytes([{ name: "x/one.txt", data: "one" }, { name: "x/link", typeflag: "2", linkname: "/etc/passwd" }, { name: "x/two.csv.gz", data: gzipSync("t,w\n1,2\n") }])), method: 0 },
    { name: "z.txt", data: "Z" },
  ]);

describe("archive walker", () => {
  test("yields every file in archive order, nested layers in place, under folders named after each archive", async () => {
    const { files, notices } = await walkAll("bundle.zip", nestedBundle());
    expect(files).toEqual([
      { path: "bundle/a.txt", entry: "bundle.zip > a.txt", ordinal: 0, body: "A" },
      { path: "bundle/sub/inner/x/one.txt", entry: "bundle.zip > sub/inner.tar.gz > x/one.txt", ordinal: 1, body: "one" },
      { path: "bundle/sub/inner/x/two.csv", entry: "bundle.zip > sub/inner.tar.gz > x/two.csv.gz", ordinal: 2, body: "t,w\n1,2\n" },
      { path: "bundle/z.txt", entry: "bundle.zip > z.txt", ordinal: 3, body: "Z" },
    ]);
    expect(notices).toEqual([{ code: "ENTRY_SKIPPED", entry: "bundle.zip > sub/inner.tar.gz > x/link", message: expect.stringContaining("/etc/passwd") }]);
  });

  test("data left unread is released: the walk goes on to the next file", async () => {
    const { files } = await walkAll("bundle.zip", nestedBundle(), {}, false);
    expect(files.map((f) => f.path)).toEqual(["bundle/a.txt", "bundle/sub/inner/x/one.txt", "bundle/sub/inner/x/two.csv", "bundle/z.txt"]);
  });

  test("a file is found again by a second walk, by its ordinal", async () => {
    const { top, head, close } = await topOf("again.zip", nestedBundle());
    try {
      const again = reopenWalkedFile(top, head, { limits: new LimitTracker("again.zip"), maxNestedBytes: 1 << 20, keyPrefix: "" }, 2);
      expect(text(new Uint8Array(await new Response(toStream(again)).arrayBuffer()))).toBe("t,w\n1,2\n");
    } finally {
      await close();
    }
  });

  test("limits count across layers: a nested tar.gz is one level, entries of every layer count", async () => {
    // bundle.zip (1) > inner.tar.gz (2: gzip and its tar are one level) > two.csv.gz (3)
    const ok = await walkAll("bundle.zip", nestedBundle(), { maxDepth: 3 });
    expect(ok.files.length).toBe(4);
    const tooDeep = await walkAll("bundle.zip", nestedBundle(), { maxDepth: 2 }).catch((e) => e);
    expect(isArchiveError(tooDeep, "ARCHIVE_LIMIT_DEPTH")).toBe(true);
    // 3 ZIP entries + 3 tar entries (the link counts too): 6.
    expect((await walkAll("bundle.zip", nestedBundle(), { maxEntries: 6 })).files.length).toBe(4);
    const many = await walkAll("bundle.zip", nestedBundle(), { maxEntries: 5 }).catch((e) => e);
    expect(isArchiveError(many, "ARCHIVE_LIMIT_ENTRIES")).toBe(true);
  });

  test("an unsafe name anywhere fails the whole walk with ARCHIVE_PATH_UNSAFE", async () => {
    for (const name of ["../up.txt", "/abs.txt", "C:\\win.txt", "a/\u0001ctl.txt", "\\\\server\\share\\x"]) {
      const err = await walkAll("bad.tar", tarBytes([{ name: "fine.txt", data: "ok" }, { name, data: "bad" }])).catch((e) => e);
      expect(isArchiveError(err, "ARCHIVE_PATH_UNSAFE")).toBe(true);
    }
  });

  test("content decides the format and a misleading name gets a notice", async () => {
    const { files, notices } = await walkAll("data.bin", gzipSync(tarBytes([{ name: "in.txt", data: "in" }])));
    expect(files).toEqual([{ path: "data.bin/in.txt", entry: "data.bin > in.txt", ordinal: 0, body: "in" }]);
    expect(notices.map((n) => n.code)).toEqual(["FORMAT_MISMATCH"]);
  });
});
