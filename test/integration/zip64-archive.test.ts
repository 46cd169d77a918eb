/**
 * ZIP64 by entry count, end to end with the compiled binary and the real S3 server: an archive of
 * more than 65,535 entries has 0xFFFF in its classic end record, so only the ZIP64 end record gives
 * the count and the directory's place; a reader that trusted the classic one would stop early.
 *
 * Why directories make up the count: each file becomes an S3 object, and the objects of one archive
 * are recorded one after the other (~90 a second here), so 65,536 files would take twelve minutes.
 * Directory entries are full central records the reader must walk and count (ARCHIVE_MAX_ENTRIES
 * sees them) without an upload each; files placed first, between and after them, past record
 * 65,535, prove the whole directory was read. The >4 GiB entry is in large-archive.test.ts.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, expectRefused, inspectArchive, settleArchives } from "../support/archive/archive-outcome.ts";
import { buildZip, type EntrySpec } from "../support/archive/zip-writer.ts";

const DIRECTORIES = 65_536;
const DIR_MODE = ((0o40755 << 16) | 0x10) >>> 0; // Unix directory mode and the MS-DOS directory bit

test("a ZIP64 archive of 65,543 entries: every file is uploaded byte for byte, including those past entry 65,535; with the default entry limit it is refused", async () => {
  const bucket = await newBucket("zip64n");
  const wd = makeWorkDir("zip64n");
  const files: Record<string, Uint8Array> = {
    "first.bin": randomBytes(50_000),
    "middle/a.txt": Buffer.from("between the directories"),
    "last/z.bin": randomBytes(70_000),
    "last/tiny.txt": Buffer.from("t"),
    "last/empty.txt": Buffer.alloc(0),
    "last/deep/er.txt": Buffer.from("deeper"),
    "last/stored.bin": randomBytes(1000),
  };
  const file = (name: string): EntrySpec => ({ name, data: files[name]!, method: name.endsWith(".bin") ? 0 : 8 });
  const dirs = (from: number, to: number): EntrySpec[] =>
    Array.from({ length: to - from }, (_, i) => ({ name: `d/${String(from + i).padStart(5, "0")}/`, method: 0, externalAttributes: DIR_MODE }));
  const specs = [file("first.bin"), ...dirs(0, 30_000), file("middle/a.txt"), ...dirs(30_000, DIRECTORIES), ...Object.keys(files).slice(2).map(file)];
  expect(specs.length).toBe(65_543);
  const zip = buildZip(specs);
  // The classic end record saturates; the count lives only in the ZIP64 one.
  expect(Buffer.from(zip.subarray(zip.length - 22, zip.length - 12)).toString("hex")).toBe("504b050600000000ffff");
  writeFileSync(join(wd.watch, "many.zip"), zip);

  const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_ARCHIVE_MAX_ENTRIES: "70000", DSP_LOG_LEVEL: "INFO" }), args: ["run", "--once"] });
  expect(r.code).toBe(0);
  await expectObjects(bucket, "many", files);
  expect(r.lines.find((l) => l.msg === "uploaded" && l.file === "many.zip")).toMatchObject({ archive: "extracted", objects: 7 });

  // The same archive under the default limit of 10,000 entries: refused (many.zip is done already).
  writeFileSync(join(wd.watch, "crowd.zip"), zip);
  const crowded = await runDsp({ env: dspEnv(bucket, wd, { DSP_LOG_LEVEL: "INFO" }), args: ["run", "--once"] });
  expect(crowded.code).toBe(3);
  await expectRefused(bucket, wd, "crowd.zip", "crowd", "ARCHIVE_LIMIT_ENTRIES", /DSP_ARCHIVE_MAX_ENTRIES/);
  expect(await settleArchives(bucket, wd)).toEqual([]);

  const inspected = inspectArchive(join(wd.watch, "many.zip"), { DSP_ARCHIVE_MAX_ENTRIES: "70000" });
  expect(inspected.code).toBe(0);
  expect(inspected.report.files.map((f) => [f.path, f.bytes])).toEqual(Object.entries(files).map(([p, b]) => [`many/${p}`, b.length]));
}, 120_000);
