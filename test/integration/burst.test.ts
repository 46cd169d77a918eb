/**
 * A burst of 10,000 small files landing at once (FR-047, SC-004): every one is uploaded exactly
 * once, to the right key with the right size, however many events the watcher loses.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess } from "../harness/dsp-process.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { peakRss } from "../harness/proc-stats.ts";

const FILES = 10_000;
const BUDGET = 64 * 2 ** 20; // DSP_MEMORY_BUDGET's default
const PER_FILE_BYTES = 6 * 1024;

let bucket: TestBucket;
let wd: WorkDir;
let dsp: DspProcess;

beforeAll(async () => {
  bucket = await newBucket("burst");
  wd = makeWorkDir("burst");
  dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_LOG_LEVEL: "INFO" }) });
  await dsp.waitFor((l) => l.msg === "dsp started", "start");
});

afterAll(async () => {
  await dsp.stop();
});

test(`${FILES} files in one burst are all uploaded exactly once`, async () => {
  const expected = new Map<string, number>();
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(wd.watch, `batch-${d}`));
    for (let f = 0; f < FILES / 100; f++) {
      const rel = `batch-${d}/file-${f}.txt`;
      const body = `${rel}\n`.repeat(1 + ((d * 7 + f) % 40));
      writeFileSync(join(wd.watch, rel), body);
      expected.set(rel, body.length);
    }
  }
  const startedAt = Date.now();
  await dsp.waitForCount((l) => l.msg === "uploaded", FILES, `${FILES} uploads`, 240_000);
  console.log(`${FILES} files uploaded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the burst`);

  const perFile = new Map<string, number>();
  for (const l of dsp.lines) if (l.msg === "uploaded") perFile.set(String(l.file), (perFile.get(String(l.file)) ?? 0) + 1);
  expect(perFile.size).toBe(FILES);
  expect([...perFile.values()].every((n) => n === 1)).toBe(true);
  expect(dsp.lines.filter((l) => l.msg === "failed")).toEqual([]);

  // Memory has a fixed part (the runtime, the upload budget: the 1 GiB test's budget + 64 MiB) and a
  // part per file in the folder (chokidar's watch state, the progress entry, its log records):
  // about 6 KiB per file, measured. 10,000 requests must not pile up more than that.
  const peak = peakRss(dsp.pid);
  console.log(`peak RSS during the burst: ${(peak / 2 ** 20).toFixed(1)} MiB`);
  expect(peak).toBeLessThan(BUDGET + 64 * 2 ** 20 + FILES * PER_FILE_BYTES);

  const objects = await bucket.objects();
  expect(objects.length).toBe(FILES);
  for (const o of objects) expect(o.size).toBe(expected.get(o.key)!);
}, 300_000);
