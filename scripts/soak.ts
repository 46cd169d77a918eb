/**
 * The soak at length (SC-007): files arriving, changing, failing and leaving while one `dsp run`
 * watches, for as long as asked; RSS, open descriptors and progress-log size sampled every few
 * seconds and required flat after warm-up; the bucket checked against the folder at the end.
 * Same code as test/soak/soak.test.ts (which CI runs for 10 minutes), against a SeaweedFS started here.
 *
 *   bun scripts/build.ts && bun scripts/soak.ts [--minutes 120] [--seed N] [--csv samples.csv]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { newBucket } from "../test/harness/bucket.ts";
import { stopTestS3 } from "../test/harness/s3-env.ts";
import { soak } from "../test/harness/soak.ts";
import { makeWorkDir, removeAllWorkDirs } from "../test/harness/workdir.ts";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "120" }, seed: { type: "string" }, csv: { type: "string" } } });
const seconds = Number(values.minutes) * 60;
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
console.log(`soak: ${values.minutes} min, seed ${seed} (replay with --seed ${seed})`);
let lastPrint = 0;
try {
  const r = await soak({
    bucket: await newBucket("soak"),
    wd: makeWorkDir("soak"),
    seconds,
    seed,
    sampleMs: 5000,
    onSample: (s) => {
      if (s.atMs - lastPrint < 60_000) return;
      lastPrint = s.atMs;
      console.log(`  ${(s.atMs / 60_000).toFixed(0)} min: RSS ${(s.rss / 2 ** 20).toFixed(1)} MiB, ${s.fds} descriptors, log ${(s.logBytes / 1024).toFixed(0)} KiB`);
    },
  });
  if (values.csv) writeFileSync(values.csv, "ms,rss,fds,log_bytes\n" + r.samples.map((s) => `${s.atMs},${s.rss},${s.fds},${s.logBytes}`).join("\n") + "\n");
  console.log(`soak: ${r.summary}`);
  if (r.violations.length > 0) {
    console.log(`FAILED (seed ${seed}):\n  ${r.violations.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log("flat after warm-up, and the bucket matches the folder");
  }
} finally {
  await stopTestS3();
  removeAllWorkDirs();
}
