/**
 * SC-009 and FR-038: S3 goes away for 60 s while dsp is uploading (one multipart file in flight,
 * more files arriving). dsp pauses, probes, resumes within a minute of the store coming back, and
 * every file arrives intact, without failures and without an orphaned multipart upload.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy, type FaultProxy } from "../harness/fault-proxy.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { md5hex, payload } from "../support/payload.ts";

const MiB = 1024 ** 2;
const OUTAGE_MS = 60_000;

let bucket: TestBucket;
let wd: WorkDir;
let proxy: FaultProxy;
let dsp: DspProcess;

beforeAll(async () => {
  bucket = await newBucket("outage");
  wd = makeWorkDir("outage");
  proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
  dsp = startDsp({
    env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_RETRY_ATTEMPTS: "2", DSP_S3_REQUEST_TIMEOUT: "3s", DSP_PART_SIZE: "5MiB" }),
  });
  await dsp.waitFor((l) => l.msg === "dsp started", "start");
});

afterAll(async () => {
  await dsp.stop();
  await proxy.stop();
});

test("S3 down for 60 s during uploads: work pauses, resumes after, everything arrives, nothing orphaned", async () => {
  const files = new Map<string, Buffer>();
  const add = (name: string, size: number) => {
    const body = payload(size, files.size + 11);
    files.set(name, body);
    writeFileSync(join(wd.watch, name), body);
  };
  // A multipart upload slowed down so that the outage hits it in the middle.
  proxy.inject({ kind: "throttle", bytesPerSecond: 2 * MiB, times: Infinity, match: S3_OPERATIONS.uploadPart });
  add("big-1.bin", 30 * MiB);
  await dsp.waitFor((l) => l.msg === "processing" && l.file === "big-1.bin", "big-1 started");
  await proxy.waitForFault("throttle", 2);

  await proxy.down();
  const downAt = Date.now();
  proxy.clear();
  add("small-1.txt", 10_000);
  add("big-2.bin", 12 * MiB);
  await dsp.waitFor((l) => l.msg === "S3 unreachable: pausing uploads and probing until it answers", "outage noticed");
  add("small-2.txt", 20_000);

  await Bun.sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
  expect(dsp.lines.filter((l) => l.msg === "uploaded" && files.has(String(l.file)))).toEqual([]);
  await proxy.up();
  const upAt = Date.now();

  const back = await dsp.waitFor((l) => l.msg === "S3 reachable again: resuming uploads", "resume", 70_000);
  expect(Date.parse(back.ts) - upAt).toBeLessThan(60_000);
  await dsp.waitForCount((l) => l.msg === "uploaded" && files.has(String(l.file)), files.size, "all files uploaded", 120_000);

  expect(dsp.lines.filter((l) => l.msg === "failed")).toEqual([]);
  for (const [name, body] of files) expect(md5hex(await bucket.bytes(name))).toBe(md5hex(body));
  expect(await bucket.multipartUploads()).toEqual([]);
}, 240_000);
