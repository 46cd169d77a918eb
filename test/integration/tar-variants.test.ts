/**
 * TAR layouts the reader's unit tests cover (test/unit/archive/tar/), here end to end with the
 * compiled binary and the real S3 server, in archives GNU tar itself writes: sparse entries (GNU
 * 'S' headers and the three PAX sparse versions, bare and gzipped) are refused whole with
 * TAR_SPARSE, even after a good file was uploaded; an old v7 tar (no magic: found by its header
 * checksum alone) is uploaded entry by entry. One `run --once` settles them all.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, expectRefused, inspectArchive, settleArchives } from "../support/archive/archive-outcome.ts";
import { gnuTar, makeTree } from "../support/archive/tar-fixtures.ts";

const MiB = 1024 ** 2;

/** `holes.img`: 4 MiB with one run of data in the middle, so tar --sparse has holes to record. */
function addSparseFile(dir: string): void {
  const path = join(dir, "holes.img");
  writeFileSync(path, "");
  truncateSync(path, 4 * MiB);
  const r = Bun.spawnSync(["dd", `of=${path}`, "bs=1", `seek=${2 * MiB}`, "conv=notrunc", "status=none"], { stdin: Buffer.from("data in the middle") });
  if (r.exitCode !== 0) throw new Error("dd failed");
}

test("TAR variants end to end: GNU and PAX sparse entries go to the error folder with TAR_SPARSE and nothing in S3; a v7 tar without magic is uploaded byte for byte", async () => {
  const bucket = await newBucket("tarvar");
  const wd = makeWorkDir("tarvar");
  const rnd = randomBytes(200_000);
  // "a-first.txt" sorts before the sparse file: it may be uploaded before the refusal, and must go.
  const dir = makeTree("tarvar-src", { "a-first.txt": "before the sparse file", "sub/r.bin": rnd, "sub/notes.txt": "v7 notes" });
  addSparseFile(dir);
  const sparseMembers = ["a-first.txt", "holes.img"];
  const sparse: [string, string[]][] = [
    ["gnu-sparse.tar", ["--format=gnu"]],
    ["pax-sparse-00.tar", ["--format=pax", "--sparse-version=0.0"]],
    ["pax-sparse-01.tar", ["--format=pax", "--sparse-version=0.1"]],
    ["pax-sparse-10.tar", ["--format=pax", "--sparse-version=1.0"]],
  ];
  for (const [name, args] of sparse) writeFileSync(join(wd.watch, name), gnuTar(dir, [...args, "--sparse"], sparseMembers));
  writeFileSync(join(wd.watch, "sparse.tar.gz"), gzipSync(gnuTar(dir, ["--format=pax", "--sparse"], sparseMembers)));
  const v7 = gnuTar(dir, ["--format=v7"], ["a-first.txt", "sub"]);
  // No "ustar" at 257: the reader has only the header checksum to go on.
  expect(Buffer.from(v7.subarray(257, 262)).toString("latin1")).not.toBe("ustar");
  writeFileSync(join(wd.watch, "old.tar"), v7);

  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3); // --once: some files failed

  await expectObjects(bucket, "old", { "a-first.txt": "before the sparse file", "sub/r.bin": rnd, "sub/notes.txt": "v7 notes" });
  for (const [name] of sparse) await expectRefused(bucket, wd, name, name.replace(/\.tar$/, ""), "TAR_SPARSE", /tar entry "holes\.img" at byte \d+ is a sparse file/);
  await expectRefused(bucket, wd, "sparse.tar.gz", "sparse", "TAR_SPARSE", /tar entry "holes\.img" at byte \d+ is a sparse file/);
  expect(await bucket.multipartUploads()).toEqual([]);
  expect(await settleArchives(bucket, wd)).toEqual([]);

  // dsp inspect: the same files from the v7 tar, the same reason for a sparse one.
  expect(inspectArchive(join(wd.watch, "old.tar")).report.files.map((f) => [f.path, f.bytes])).toEqual([
    ["old/a-first.txt", 22],
    ["old/sub/notes.txt", 8],
    ["old/sub/r.bin", rnd.length],
  ]);
  expect(inspectArchive(join(wd.watch, ".dsp-errors", "gnu-sparse.tar")).report.error?.code).toBe("TAR_SPARSE");
});
