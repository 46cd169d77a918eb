/**
 * The layers together, as the pipeline will stack them: file bytes → gunzip → readTar → entries
 * (and a tar inside a tar entry), with the LimitTracker counting, and damage at the gzip level
 * caught even after the tar has ended.
 */
import { expect, test } from "bun:test";
import { detectFormat } from "../../../src/archive/detect.ts";
import { innerNameFor } from "../../../src/archive/archive-naming.ts";
import { gunzip } from "../../../src/archive/gzip/gunzip.ts";
import { LimitTracker } from "../../../src/archive/limits.ts";
import { readTar } from "../../../src/archive/tar/tar-reader.ts";
import { collectBytes, collectTar, summary } from "../../support/archive/collect.ts";
import { flipBit, gzipMember } from "../../support/archive/gzip-fixtures.ts";
import { gnuTar, makeTree } from "../../support/archive/tar-fixtures.ts";
import { chunked, concat, tarBytes } from "../../support/archive/tar-writer.ts";

const dec = new TextDecoder();

test("a .tar.gz from `tar -z` reads entry by entry through gunzip", async () => {
  const root = makeTree("targz", { "a/x.csv": "id\n1\n", "a/b/y.txt": "why", "z.bin": "0".repeat(100_000) });
  const tgz = gnuTar(root, ["-z", "--format=pax"], ["a", "z.bin"]);
  expect(detectFormat(tgz, "bundle.tgz")).toMatchObject({ format: "gzip", disagree: false });
  const files = (await collectTar(gunzip(chunked(tgz, 4096)))).filter((e) => e.type === "file");
  expect(files.map((e) => `${e.path}:${e.size}`).sort()).toEqual(["a/b/y.txt:3", "a/x.csv:5", "z.bin:100000"]);
});

test("the decompressed head is detected as a tar with the peeled name", async () => {
  const gz = gzipMember(tarBytes([{ name: "f", data: "1" }]));
  const it = gunzip(chunked(gz, 100))[Symbol.asyncIterator]();
  const head = (await it.next()).value!;
  expect(detectFormat(head, innerNameFor("x.tar.gz"))).toMatchObject({ format: "tar", disagree: false });
  await it.return?.();
});

test("a damaged gzip trailer fails the tar.gz even though the tar ended before it", async () => {
  const tar = tarBytes([{ name: "f", data: "content" }]);
  const gz = gzipMember(tar);
  await expect(collectTar(gunzip(chunked(flipBit(gz, -6), 64)))).rejects.toMatchObject({ code: "ARCHIVE_CRC_MISMATCH" });
  await expect(collectTar(gunzip(chunked(gz.subarray(0, gz.length - 3), 64)))).rejects.toMatchObject({ code: "ARCHIVE_TRUNCATED" });
});

test("a multi-member .tar.gz (members split mid-entry) reads as one tar", async () => {
  const tar = tarBytes([
    { name: "a", data: "A".repeat(5000) },
    { name: "b", data: "B".repeat(3000) },
  ]);
  const gz = concat([gzipMember(tar.subarray(0, 2000)), gzipMember(tar.subarray(2000, 7000)), gzipMember(tar.subarray(7000))]);
  expect(summary(await collectTar(gunzip(chunked(gz, 333))))).toEqual(summary(await collectTar(chunked(tar, 333))));
});

test("a tar inside a tar entry is read from the entry's body, and nesting is counted", async () => {
  const inner = tarBytes([{ name: "deep.txt", data: "deep" }]);
  const outer = gzipMember(tarBytes([{ name: "inner.tar", data: inner }, { name: "after.txt", data: "after" }]));
  const tracker = new LimitTracker("outer.tar.gz", { maxDepth: 2 });
  tracker.enter("gzip", "outer.tar.gz");
  tracker.enter("tar", "outer.tar");
  const seen: string[] = [];
  const source = tracker.meterOutput(gunzip(tracker.meterInput(chunked(outer, 512))), "outer.tar.gz");
  for await (const e of readTar(source)) {
    tracker.addEntry(e.name);
    if (e.name === "inner.tar") {
      tracker.enter("tar", e.name);
      for await (const d of readTar(e.body)) {
        tracker.addEntry(d.name);
        seen.push(`${e.name}/${d.name}=${dec.decode(await collectBytes(d.body))}`);
      }
      tracker.leave();
    } else seen.push(`${e.name}=${dec.decode(await collectBytes(e.body))}`);
  }
  expect(seen).toEqual(["inner.tar/deep.txt=deep", "after.txt=after"]);
  expect(tracker.entries).toBe(3);
  expect(tracker.inputBytes).toBe(outer.length);
  expect(tracker.outputBytes).toBeGreaterThan(3 * 512);
});

test("100,000 entries: the tracker stops the archive at the 10,001st, reading lazily", async () => {
  let made = 0;
  async function* many(): AsyncGenerator<Uint8Array> {
    for (; made < 100_000; made++) yield tarBytes([{ name: `e${made}` }], { endBlocks: 0 });
    yield new Uint8Array(1024);
  }
  const tracker = new LimitTracker("many.tar");
  tracker.enter("tar", "many.tar");
  const run = async () => {
    for await (const e of readTar(many())) tracker.addEntry(e.name);
  };
  await expect(run()).rejects.toMatchObject({ code: "ARCHIVE_LIMIT_ENTRIES", context: { entries: 10_001 } });
  expect(made).toBeLessThan(10_010); // the source was not read to its end
});

test("tars nested 20 deep stop at the depth limit, each level read from its parent's body", async () => {
  let bytes = tarBytes([{ name: "core.txt", data: "core" }]);
  for (let i = 19; i >= 1; i--) bytes = tarBytes([{ name: `level${i}.tar`, data: bytes }]);
  const tracker = new LimitTracker("level0.tar");
  let deepest = 0;
  async function open(source: AsyncIterable<Uint8Array>, name: string): Promise<void> {
    tracker.enter("tar", name);
    try {
      deepest = Math.max(deepest, tracker.depth);
      for await (const e of readTar(source)) {
        tracker.addEntry(e.name);
        if (e.name.endsWith(".tar")) await open(e.body, e.name);
      }
    } finally {
      tracker.leave();
    }
  }
  await expect(open(chunked(bytes, 4096), "level0.tar")).rejects.toMatchObject({ code: "ARCHIVE_LIMIT_DEPTH", context: { depth: 6 } });
  expect(deepest).toBe(5);
  expect(tracker.depth).toBe(0); // every level was left on the way out
});
