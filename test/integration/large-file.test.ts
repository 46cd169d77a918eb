/**
 * FR-039/FR-049, SC-006: a 1 GiB file streams into S3 with peak RSS under the configured memory
 * budget + 64 MiB, whatever the file size, and arrives byte-exact (multipart ETag verified by dsp,
 * and checked again here against the file's own MD5).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess } from "../harness/dsp-process.ts";
import { peakRss } from "../harness/proc-stats.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { writeLargeFile } from "../support/payload.ts";

const MiB = 1024 ** 2;
const BUDGET = 64 * MiB;

let bucket: TestBucket;
let wd: WorkDir;
let dsp: DspProcess;

beforeAll(async () => {
  bucket = await newBucket("large");
  wd = makeWorkDir("large");
  dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_MEMORY_BUDGET: "64MiB", DSP_PART_SIZE: "8MiB" }) });
  await dsp.waitFor((l) => l.msg === "dsp started", "start");
});

afterAll(async () => {
  await dsp.stop();
});

test("a 1 GiB file is uploaded with peak RSS under the memory budget + 64 MiB", async () => {
  const md5 = writeLargeFile(join(wd.watch, "big.bin"), 1024 * MiB, 42);
  const done = await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "big.bin", "1 GiB uploaded", 180_000);
  const peak = peakRss(dsp.pid);
  console.log(`1 GiB upload: peak RSS ${(peak / MiB).toFixed(1)} MiB (limit ${(BUDGET + 64 * MiB) / MiB} MiB), ${done.duration_ms} ms`);
  expect(peak).toBeLessThan(BUDGET + 64 * MiB);
  expect(done.size).toBe(1024 * MiB);
  expect(done.parts).toBe(128);

  // Read it back as a stream and hash it: the object is the file.
  const r = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "big.bin" }));
  const hash = createHash("md5");
  for await (const chunk of r.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  expect(hash.digest("hex")).toBe(md5);
  expect(await bucket.multipartUploads()).toEqual([]);
}, 300_000);
