/**
 * 7z through dsp's 7-Zip (WASM) reader, against archives made by the real 7zz: every method dsp
 * expects in the field, solid and not, with empty files, directories, symlinks, unicode and raw
 * "../" names, many entries, and both sources ({ path } and { bytes }). Every file's bytes are
 * compared with the file 7zz was given.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { collect, csvText, make7z, noise, sevenZip, tempDir, writeTree } from "./sevenzip-support.ts";

const tmp = tempDir();
const src = join(tmp.dir, "src");

const TREE: Record<string, string | Uint8Array> = {
  "a.txt": "hello 7z\n",
  "empty.txt": "",
  "emptydir/": "",
  "dir/sub/deep.txt": "deep\n",
  "dir/table.csv": csvText(300_000),
  "dir/noise.bin": noise(100_000),
  "ünïcödé/名前 with spaces.txt": "unicode name\n",
};

function expectTree(files: Map<string, Buffer>, prefix = ""): void {
  for (const [path, content] of Object.entries(TREE)) {
    if (path.endsWith("/")) continue;
    const got = files.get(prefix + path);
    expect(got, `${path} extracted`).toBeDefined();
    expect(Buffer.compare(got!, Buffer.from(content)), `${path} bytes`).toBe(0);
  }
}

beforeAll(() => {
  writeTree(src, TREE);
  symlinkSync("a.txt", join(src, "link-to-a"));
});
afterAll(() => tmp.remove());

describe("7z methods", () => {
  const methods = ["LZMA", "LZMA2", "PPMd", "BZip2", "Copy"];
  for (const method of methods) {
    for (const solid of [true, false]) {
      test(`${method}, ${solid ? "solid" : "non-solid"}: listing and every file's bytes`, async () => {
        const archive = make7z(src, join(tmp.dir, `${method}-${solid}.7z`), ["."], [`-m0=${method}`, `-ms=${solid ? "on" : "off"}`, "-snl"]);
        const { entries, files, order } = await collect({ path: archive }, "7z");
        expectTree(files);
        const byPath = new Map(entries.map((e) => [e.path, e]));
        expect(byPath.get("emptydir")?.kind).toBe("directory");
        expect(byPath.get("dir/sub")?.kind).toBe("directory");
        expect(byPath.get("empty.txt")).toMatchObject({ kind: "file", size: 0, encrypted: false });
        expect(byPath.get("link-to-a")).toMatchObject({ kind: "symlink", size: 5 });
        expect(files.has("link-to-a")).toBe(false); // symlinks are listed, not yielded
        const table = byPath.get("dir/table.csv")!;
        expect(table.size).toBe(Buffer.byteLength(TREE["dir/table.csv"] as string));
        expect(table.method?.toUpperCase()).toContain(method.toUpperCase());
        if (method.startsWith("LZMA") || method === "PPMd") expect(table.dictionaryBytes).toBeGreaterThan(0);
        // Files come in listing order, indexes are listing positions.
        const listedFiles = entries.filter((e) => e.kind === "file").map((e) => e.path);
        expect(order).toEqual(listedFiles);
        entries.forEach((e, i) => expect(e.index).toBe(i));
      });
    }
  }
});

test("many entries (2,000 small files, solid) all come back in order", async () => {
  const many = join(tmp.dir, "many");
  const tree: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) tree[`d${i % 10}/f${i}.txt`] = `file ${i}\n`.repeat(i % 5);
  writeTree(many, tree);
  const archive = make7z(many, join(tmp.dir, "many.7z"), ["."], ["-m0=LZMA2", "-ms=on"]);
  const { entries, files } = await collect({ path: archive }, "7z");
  expect(entries.filter((e) => e.kind === "file").length).toBe(2000);
  expect(files.size).toBe(2000);
  for (const [path, content] of Object.entries(tree)) expect(files.get(path)?.toString()).toBe(content);
});

test("{ bytes } reads like { path }, also for a view into a larger buffer", async () => {
  const archive = make7z(src, join(tmp.dir, "bytes.7z"), ["."], ["-m0=LZMA2"]);
  const raw = readFileSync(archive);
  const fromPath = await collect({ path: archive }, "7z");
  const fromBytes = await collect({ bytes: new Uint8Array(raw) }, "7z");
  const padded = new Uint8Array(raw.length + 200);
  padded.set(raw, 100);
  const fromView = await collect({ bytes: padded.subarray(100, 100 + raw.length) }, "7z");
  for (const got of [fromBytes, fromView]) {
    expect(got.entries).toEqual(fromPath.entries);
    expect(got.order).toEqual(fromPath.order);
    expectTree(got.files);
  }
});

test("names are the listing's, raw: a stored '../x.txt' stays '../x.txt'", async () => {
  const base = join(tmp.dir, "dotdot");
  writeTree(base, { "x.txt": "up\n", "sub/": "" });
  // -spf keeps the path as given on the command line, "../" included.
  sevenZip(join(base, "sub"), ["a", "-bso0", "-bsp0", "-spf", join(tmp.dir, "dotdot.7z"), "../x.txt"]);
  const { entries, files } = await collect({ path: join(tmp.dir, "dotdot.7z") }, "7z");
  expect(entries.map((e) => e.path)).toEqual(["../x.txt"]);
  expect(files.get("../x.txt")?.toString()).toBe("up\n");
});

test("an archive of directories only yields no file", async () => {
  const dirs = join(tmp.dir, "dirs");
  writeTree(dirs, { "a/": "", "a/b/": "", "c/": "" });
  const archive = make7z(dirs, join(tmp.dir, "dirs.7z"), ["."]);
  const got = await collect({ path: archive }, "7z");
  expect(got.entries.map((e) => e.kind)).toEqual(["directory", "directory", "directory"]);
  expect(got.files.size).toBe(0);
});

test("data may be abandoned part way: the next file is still exact", async () => {
  const archive = make7z(src, join(tmp.dir, "abandon.7z"), ["dir/table.csv", "dir/noise.bin", "a.txt"], ["-m0=LZMA2", "-ms=on"]);
  const { openSevenZip } = await import("../../../../src/archive/sevenzip/sevenzip-reader.ts");
  const reader = await openSevenZip({ path: archive }, "7z", { name: "abandon.7z" });
  const seen = new Map<string, Buffer>();
  try {
    for await (const { entry, data } of reader.files()) {
      if (entry.path.endsWith("table.csv")) {
        for await (const _ of data) break; // one chunk, then give up
        continue;
      }
      if (entry.path.endsWith("noise.bin")) continue; // never read at all
      const chunks: Uint8Array[] = [];
      for await (const c of data) chunks.push(c);
      seen.set(entry.path, Buffer.concat(chunks));
    }
  } finally {
    await reader.close();
  }
  expect(seen.get("a.txt")?.toString()).toBe("hello 7z\n");
});

test("a 7z whose file lies under a symlink of the same archive (up -> .., then up/pwned.txt) is ARCHIVE_PATH_UNSAFE, naming both", async () => {
  // Two 7zz runs into one archive: the link from one folder, a real up/pwned.txt from another.
  const a = join(tmp.dir, "trick-a");
  const b = join(tmp.dir, "trick-b");
  writeTree(b, { "up/pwned.txt": "written through the link\n" });
  writeTree(a, { "keep.txt": "x" });
  symlinkSync("..", join(a, "up"));
  const archive = make7z(a, join(tmp.dir, "trick.7z"), ["up", "keep.txt"], ["-snl"]);
  make7z(b, archive, ["up/pwned.txt"]);
  const err = await collect({ path: archive }, "7z").catch((e) => e);
  expect(err.code).toBe("ARCHIVE_PATH_UNSAFE");
  expect(err.context).toMatchObject({ entry: "up/pwned.txt", link: "up" });
  expect(err.message).toContain("up/pwned.txt lies under up, a link in the same archive");
});

test("maxEntries: 7-Zip's listing is stopped past it, ARCHIVE_LIMIT_ENTRIES with the entries seen; at the limit it opens", async () => {
  const dir = join(tmp.dir, "count");
  writeTree(dir, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.txt`, `${i}`])));
  const archive = make7z(dir, join(tmp.dir, "count.7z"), ["."]);
  const err = await collect({ path: archive }, "7z", { maxEntries: 12 }).catch((e) => e);
  expect(err.code).toBe("ARCHIVE_LIMIT_ENTRIES");
  // The listing is parsed 64 KiB at a time (listing-stream.ts): this small one all at once.
  expect(err.context).toMatchObject({ listed: 40, allowed: 12 });
  expect((await collect({ path: archive }, "7z", { maxEntries: 40 })).files.size).toBe(40);
});
