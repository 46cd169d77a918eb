/**
 * The kill -9 loop at length (issue 3: "a script for 1,000"): the same workload and end-state
 * checks as test/integration/crash-loop.test.ts, against a SeaweedFS started here.
 *
 *   bun scripts/build.ts && bun scripts/crash-loop.ts [--kills 1000] [--seed N]
 *
 * Prints the seed first; a failure replays with --seed. Exits 1 on any violation.
 */
import { parseArgs } from "node:util";
import { newBucket } from "../test/harness/bucket.ts";
import { crashLoop } from "../test/harness/crash-loop.ts";
import { stopTestS3 } from "../test/harness/s3-env.ts";
import { makeWorkDir, removeAllWorkDirs } from "../test/harness/workdir.ts";

const { values } = parseArgs({ options: { kills: { type: "string", default: "1000" }, seed: { type: "string" } } });
const kills = Number(values.kills);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
console.log(`crash loop: ${kills} kills, seed ${seed} (replay with --seed ${seed})`);
const t0 = performance.now();
try {
  const r = await crashLoop({
    bucket: await newBucket("crashloop"),
    wd: makeWorkDir("crashloop"),
    kills,
    seed,
    onProgress: (k) => {
      if (k % 50 === 0) console.log(`  ${k} kills (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
  });
  console.log(`${r.kills} kills, ${r.killsMidWork} while uploading or scanning, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (r.violations.length > 0) {
    console.log(`FAILED (seed ${seed}):\n  ${r.violations.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log("after the last restart: every file has exactly its verified object, no multipart upload left, no unexpected key, the log replays cleanly");
  }
} finally {
  await stopTestS3();
  removeAllWorkDirs();
}
