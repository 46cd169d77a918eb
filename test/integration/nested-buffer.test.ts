/**
 * A ZIP, 7z or RAR inside another archive cannot be seeked in a stream: it is held in memory up to
 * DSP_ARCHIVE_MAX_NESTED_BUFFER. End to end with the compiled binary and the real S3 server, for
 * the formats 7-Zip reads (ZIP-in-ZIP is in zip-variants.test.ts): below the limit the nested
 * archive's entries are uploaded under its folder; above it the top-level file goes to the error
 * folder with ARCHIVE_LIMIT_MEMORY and leaves nothing in the bucket.
 */
import { afterAll, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, expectRefused, settleArchives } from "../support/archive/archive-outcome.ts";
import { tarBytes } from "../support/archive/tar-writer.ts";
import { buildZip } from "../support/archive/zip-writer.ts";
import { buildRar5 } from "../unit/archive/sevenzip/rar-fixtures.ts";
import { make7z, noise, tempDir, writeTree } from "../unit/archive/sevenzip/sevenzip-support.ts";

const MiB = 1024 ** 2;
const tmp = tempDir("dsp-nested-");
afterAll(() => tmp.remove());

/** A 7z (made by 7zz) of `files`. */
function sevenZipOf(name: string, files: Record<string, string | Uint8Array>): Uint8Array {
  const src = join(tmp.dir, `${name}-src`);
  writeTree(src, files);
  return readFileSync(make7z(src, join(tmp.dir, `${name}.7z`), ["."]));
}

test("7z and RAR nested in ZIP, tar.gz and 7z: held in memory below DSP_ARCHIVE_MAX_NESTED_BUFFER and uploaded, refused above it", async () => {
  const bucket = await newBucket("nestedbuf");
  const wd = makeWorkDir("nestedbuf");
  const put = (name: string, bytes: Uint8Array) => writeFileSync(join(wd.watch, name), bytes);
  // Noise does not compress: 1.5 MiB of it keeps each nested archive above the 1 MiB allowed here.
  const big = noise(1.5 * MiB, 7);
  const small = "a small file\n";

  put("zip-7z-big.zip", buildZip([{ name: "inner.7z", data: sevenZipOf("big", { "r.bin": big }), method: 0 }]));
  put("zip-7z-small.zip", buildZip([{ name: "inner.7z", data: sevenZipOf("small", { "s.txt": small }), method: 0 }]));
  put("tgz-rar-big.tar.gz", gzipSync(tarBytes([{ name: "inner.rar", data: buildRar5([{ name: "r.bin", data: big }]) }])));
  put("tgz-rar-small.tar.gz", gzipSync(tarBytes([{ name: "inner.rar", data: buildRar5([{ name: "s.txt", data: new TextEncoder().encode(small) }]) }])));
  // A 7z inside a 7z: the outer one is read in place, the inner one from memory.
  const innerBig = join(tmp.dir, "outer-big-src");
  writeTree(innerBig, { "inner.7z": sevenZipOf("inner-big", { "r.bin": big }) });
  put("7z-7z-big.7z", readFileSync(make7z(innerBig, join(tmp.dir, "outer-big.7z"), ["."], ["-m0=Copy"])));

  const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_ARCHIVE_MAX_NESTED_BUFFER: "1MiB" }), args: ["run", "--once"] });
  expect(r.code).toBe(3); // --once: some files failed

  await expectObjects(bucket, "zip-7z-small", { "inner/s.txt": small });
  await expectObjects(bucket, "tgz-rar-small", { "inner/s.txt": small });
  for (const [file, folder] of [
    ["zip-7z-big.zip", "zip-7z-big"],
    ["tgz-rar-big.tar.gz", "tgz-rar-big"],
    ["7z-7z-big.7z", "7z-7z-big"],
  ] as const) {
    await expectRefused(bucket, wd, file, folder, "ARCHIVE_LIMIT_MEMORY", /DSP_ARCHIVE_MAX_NESTED_BUFFER/);
  }
  expect(await bucket.multipartUploads()).toEqual([]);
  expect(await settleArchives(bucket, wd)).toEqual([]);
}, 240_000);
