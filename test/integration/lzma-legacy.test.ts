/**
 * Legacy .lzma files (LZMA-alone, what `lzma` and `xz --format=lzma` write), end to end with the
 * compiled binary and the real S3 server. The format has no magic, so dsp opens a file as .lzma
 * only when its name says so (.lzma, .tlz, .tar.lzma) and its 13-byte header is one xz would accept
 * (detect.ts): then a table inside becomes Parquet and a tar is unpacked like any compressed tar.
 * A file so named whose header is not LZMA-alone is uploaded as it is; a damaged one goes to the
 * error folder with its reason.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { DuckDBInstance } from "@duckdb/node-api";
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, expectRefused, inspectArchive, settleArchives } from "../support/archive/archive-outcome.ts";
import { archiveTree, compressFile, writeTree } from "../support/archive/cli-archives.ts";

/** The rows of a Parquet object, read back with DuckDB. */
async function parquetRows(bytes: Uint8Array, dir: string, query: string): Promise<Record<string, unknown>[]> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(path, bytes);
  const duck = await (await DuckDBInstance.create(":memory:")).connect();
  try {
    return (await duck.runAndReadAll(query.replace("FROM t", `FROM read_parquet('${path}')`))).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    duck.closeSync();
  }
}

test("legacy .lzma: x.csv.lzma becomes x.parquet, logs.tar.lzma and bundle.tlz are unpacked entry by entry; a .lzma that is not LZMA-alone is uploaded as is; a truncated one is refused", async () => {
  const bucket = await newBucket("lzma");
  const wd = makeWorkDir("lzma");
  const rnd = randomBytes(150_000);
  compressFile("lzma", "id,city\n1,Oslo\n2,Lima\n", join(wd.watch, "x.csv.lzma"));
  const logs = join(wd.root, "scratch", "logs");
  writeTree(logs, { "app/one.log": "line 1\nline 2\n", "app/r.bin": rnd, "t.csv": "k,v\n1,2\n" });
  archiveTree(logs, "tar.lzma", join(wd.watch, "logs.tar.lzma"));
  // LZMA-alone, not .xz: properties byte 0x5D (lc=3 lp=0 pb=2), no "\xFD7zXZ" magic.
  for (const name of ["x.csv.lzma", "logs.tar.lzma"]) expect(readFileSync(join(wd.watch, name))[0]).toBe(0x5d);
  writeFileSync(join(wd.watch, "bundle.tlz"), readFileSync(join(wd.watch, "logs.tar.lzma")));
  // Text does not pass the header check (its "dictionary size" is neither 2^n nor 3 × 2^n bytes).
  writeFileSync(join(wd.watch, "notes.lzma"), "this is only text\n");
  compressFile("lzma", rnd, join(wd.watch, "cut.bin.lzma"));
  truncateSync(join(wd.watch, "cut.bin.lzma"), 50_000);

  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3); // --once: the truncated one failed

  expect(await bucket.keys("x")).toEqual(["x.parquet"]);
  expect(await parquetRows(await bucket.bytes("x.parquet"), wd.root, "SELECT id, city FROM t ORDER BY id")).toEqual([
    { id: "1", city: "Oslo" },
    { id: "2", city: "Lima" },
  ]);
  for (const folder of ["logs", "bundle"]) {
    expect(await bucket.keys(`${folder}/`)).toEqual([`${folder}/app/one.log`, `${folder}/app/r.bin`, `${folder}/t.parquet`]);
    await expectObjects(bucket, `${folder}/app`, { "one.log": "line 1\nline 2\n", "r.bin": rnd });
    expect(await parquetRows(await bucket.bytes(`${folder}/t.parquet`), wd.root, "SELECT k, v FROM t")).toEqual([{ k: "1", v: "2" }]);
  }
  expect(await bucket.keys(".dsp/manifests/")).toEqual([".dsp/manifests/bundle.tlz.json", ".dsp/manifests/logs.tar.lzma.json", ".dsp/manifests/x.csv.lzma.json"]);
  expect(new TextDecoder().decode(await bucket.bytes("notes.lzma"))).toBe("this is only text\n");
  await expectRefused(bucket, wd, "cut.bin.lzma", "cut.bin", "ARCHIVE_TRUNCATED");
  expect(r.lines.find((l) => l.msg === "processing" && l.file === "bundle.tlz")).toMatchObject({ archive: "lzma" });
  expect(await settleArchives(bucket, wd, (rel) => rel !== "notes.lzma")).toEqual([]);

  // dsp inspect reads them the same way.
  expect(inspectArchive(join(wd.watch, "bundle.tlz")).report.files.map((f) => [f.path, f.bytes])).toEqual([
    ["bundle/app/one.log", 14],
    ["bundle/app/r.bin", rnd.length],
    ["bundle/t.csv", 8],
  ]);
  expect(inspectArchive(join(wd.watch, ".dsp-errors", "cut.bin.lzma")).report.error?.code).toBe("ARCHIVE_TRUNCATED");
});
