/**
 * Regression: the stability checks of a large folder do not repeat. With a first scan longer than
 * the stability window, overlapping ticks re-checked every due file on every file found, so the
 * stat calls grew with the square of the file count (867,948 for 10,000 files; 16.6 million when
 * traced). Counted here with `strace -c` over a --once run of 5,000 files: a bound on syscalls, not
 * on time.
 */
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";

const FILES = 5000;

test(`the stability checks of ${FILES} files cost a few stat calls per file, not one per file per file`, async () => {
  const bucket = await newBucket("scale");
  const wd = makeWorkDir("scale");
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(wd.watch, `d${d}`));
    for (let f = 0; f < FILES / 50; f++) writeFileSync(join(wd.watch, `d${d}/f${f}.txt`), `${d}/${f}`);
  }
  const counts = join(wd.root, "strace-counts.txt");
  const r = await runDsp({
    env: dspEnv(bucket, wd, { DSP_STABILITY_WINDOW: "100ms", DSP_LOG_LEVEL: "WARN" }),
    args: ["run", "--once"],
    wrap: ["strace", "-f", "-c", "-o", counts, "-e", "trace=stat,lstat,fstat,newfstatat,statx"],
    timeoutMs: 240_000,
  });
  expect(r.code).toBe(0);
  expect((await bucket.keys()).length).toBe(FILES);

  const total = /^\S+\s+\S+\s+\S+\s+(\d+)\s+(?:\d+\s+)?total$/m.exec(readFileSync(counts, "utf8"));
  expect(total).not.toBeNull();
  const perFile = Number(total![1]) / FILES;
  console.log(`stat-family calls: ${total![1]} for ${FILES} files (${perFile.toFixed(1)} per file)`);
  expect(perFile).toBeLessThan(8);
}, 300_000);
