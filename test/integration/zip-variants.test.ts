/**
 * ZIP layouts the reader's unit tests cover (test/unit/archive/zip/), here end to end with the
 * compiled binary and the real S3 server: data descriptors (stored and deflated, with and without
 * their signature, and one written by Info-ZIP to a pipe), CP437 names, a local header naming
 * another entry, duplicate names and two names that make one key, and a nested ZIP above
 * DSP_ARCHIVE_MAX_NESTED_BUFFER. All land in one watched folder and one `run --once` settles them,
 * so the suite pays for one dsp start; each archive's outcome is then checked on its own.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { errorDirOf, expectObjects, expectRefused, inspectArchive, settleArchives } from "../support/archive/archive-outcome.ts";
import { buildZip } from "../support/archive/zip-writer.ts";

const MiB = 1024 ** 2;
const latin = (...codes: number[]) => Uint8Array.from(codes);

/** What Info-ZIP writes when its output cannot be seeked: sizes and CRC after the data. */
function zipToPipe(content: string): Uint8Array {
  const r = Bun.spawnSync(["bash", "-c", "zip -q - - | cat"], { stdin: new TextEncoder().encode(content), stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`zip to a pipe failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

test("ZIP variants end to end: descriptors and CP437 names are uploaded entry by entry; a name mismatch, duplicates and an oversized nested ZIP go to the error folder with their reason", async () => {
  const bucket = await newBucket("zipvar");
  const wd = makeWorkDir("zipvar");
  const put = (name: string, bytes: Uint8Array) => writeFileSync(join(wd.watch, name), bytes);
  const big = randomBytes(300_000);
  const piped = "streamed by zip\nto a pipe\n";

  // Sizes live only in the descriptor (and the central directory) for every entry here.
  put(
    "desc.zip",
    buildZip([
      { name: "stored.bin", data: big, method: 0, descriptor: true },
      { name: "deflated.txt", data: "deflated ".repeat(1000), descriptor: true },
      { name: "nosig/stored.txt", data: "no descriptor signature", method: 0, descriptor: { signature: false } },
      { name: "nosig/deflated.bin", data: big, descriptor: { signature: false } },
    ]),
  );
  put("piped.zip", zipToPipe(piped));
  // No UTF-8 flag: the names are CP437 (0x82 é, 0x8e Ä, 0x94 ö, 0x81 ü, 0xe1 ß); keys are UTF-8.
  put(
    "cp437.zip",
    buildZip([
      { name: latin(0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74), data: "cafe", utf8: false },
      { name: latin(0x8e, 0x94, 0x2f, 0x81, 0x62, 0x65, 0x72, 0x2e, 0x74, 0x78, 0x74), data: "ueber", utf8: false },
      { name: latin(0x53, 0x74, 0x72, 0x61, 0xe1, 0x65, 0x2e, 0x74, 0x78, 0x74), data: "strasse", utf8: false },
    ]),
  );
  // The first entry is fine and may go up before the second is opened: it must not stay.
  put("mismatch.zip", buildZip([{ name: "a.txt", data: "first" }, { name: "b.txt", localName: "c.txt", data: "second" }]));
  put("dup.zip", buildZip([{ name: "same.txt", data: "one" }, { name: "same.txt", data: "two" }]));
  // Different names, one key: "./x.txt" normalises to "x.txt"; a table beside its Parquet name.
  put("dotslash.zip", buildZip([{ name: "x.txt", data: "plain" }, { name: "./x.txt", data: "dotted" }]));
  put("table.zip", buildZip([{ name: "t.parquet", data: "not really parquet" }, { name: "t.csv", data: "a\n1\n" }]));
  // A nested ZIP must be held in memory: 1.5 MiB is above the 1 MiB allowed here, 1 KiB is not.
  put("nested-big.zip", buildZip([{ name: "inner.zip", data: buildZip([{ name: "r.bin", data: randomBytes(1.5 * MiB), method: 0 }]), method: 0 }]));
  put("nested-small.zip", buildZip([{ name: "inner.zip", data: buildZip([{ name: "r.bin", data: big.subarray(0, 1024) }]), method: 0 }]));

  const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_ARCHIVE_MAX_NESTED_BUFFER: "1MiB" }), args: ["run", "--once"] });
  expect(r.code).toBe(3); // --once: some files failed

  await expectObjects(bucket, "desc", {
    "stored.bin": big,
    "deflated.txt": "deflated ".repeat(1000),
    "nosig/stored.txt": "no descriptor signature",
    "nosig/deflated.bin": big,
  });
  await expectObjects(bucket, "piped", { "-": piped });
  await expectObjects(bucket, "cp437", { "café.txt": "cafe", "Äö/über.txt": "ueber", "Straße.txt": "strasse" });
  await expectObjects(bucket, "nested-small", { "inner/r.bin": big.subarray(0, 1024) });

  await expectRefused(bucket, wd, "mismatch.zip", "mismatch", "ZIP_NAME_MISMATCH", /local header names the entry "c\.txt"/);
  await expectRefused(bucket, wd, "dup.zip", "dup", "ZIP_DUPLICATE_NAME", /same name/);
  await expectRefused(bucket, wd, "dotslash.zip", "dotslash", "KEY_CONFLICT", /two files of the archive would be uploaded to dotslash\/x\.txt/);
  await expectRefused(bucket, wd, "table.zip", "table", "KEY_CONFLICT", /uploaded to table\/t\.parquet/);
  await expectRefused(bucket, wd, "nested-big.zip", "nested-big", "ARCHIVE_LIMIT_MEMORY", /DSP_ARCHIVE_MAX_NESTED_BUFFER/);

  expect(await bucket.multipartUploads()).toEqual([]);
  expect(await settleArchives(bucket, wd)).toEqual([]);

  // dsp inspect reads the same names and gives the same reasons (key conflicts are dsp run's own).
  expect(inspectArchive(join(wd.watch, "cp437.zip")).report.files.map((f) => f.path)).toEqual(["cp437/café.txt", "cp437/Äö/über.txt", "cp437/Straße.txt"]);
  expect(inspectArchive(join(wd.watch, "desc.zip")).report.files.map((f) => f.bytes)).toEqual([big.length, 9000, 23, big.length]);
  for (const [name, code, env] of [
    ["mismatch.zip", "ZIP_NAME_MISMATCH", {}],
    ["dup.zip", "ZIP_DUPLICATE_NAME", {}],
    ["nested-big.zip", "ARCHIVE_LIMIT_MEMORY", { DSP_ARCHIVE_MAX_NESTED_BUFFER: "1MiB" }],
  ] as const) {
    const refused = inspectArchive(join(errorDirOf(wd), name), env);
    expect([name, refused.code, refused.report.error?.code]).toEqual([name, 3, code]);
  }
});
