/**
 * SC-012/SC-013 under fire: 50 SIGKILLs of the compiled binary at random moments of a mixed
 * workload, then every file has exactly its verified object, no multipart upload is left, no
 * object sits at an unexpected key, the log replays cleanly. The seed is printed; replay a failure
 * with DSP_CRASH_SEED=<seed>. scripts/crash-loop.ts runs the same loop for 1,000 kills.
 */
import { expect, test } from "bun:test";
import { newBucket } from "../harness/bucket.ts";
import { crashLoop } from "../harness/crash-loop.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { seedFrom } from "../support/random.ts";

test("50 kill -9 at random moments, then everything is uploaded exactly as the files are, nothing left behind", async () => {
  const seed = seedFrom("DSP_CRASH_SEED");
  console.log(`crash loop seed: ${seed} (replay with DSP_CRASH_SEED=${seed})`);
  const bucket = await newBucket("crash");
  const wd = makeWorkDir("crash");
  const r = await crashLoop({ bucket, wd, kills: 50, seed });
  console.log(`crash loop: ${r.kills} kills, ${r.killsMidWork} while uploading`);
  expect(r.violations).toEqual([]);
  expect(r.killsMidWork).toBeGreaterThan(20);
}, 600_000);
