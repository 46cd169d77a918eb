/**
 * SC-007 in miniature: files keep arriving, changing, failing and leaving while one `dsp run`
 * watches; its RSS, open descriptors and progress-log size must stay flat after warm-up, and the
 * bucket must match the folder at the end. DSP_SOAK_SECONDS sets the length (60 s by default;
 * CI runs 600 s); scripts/soak.ts runs it for hours. Replay a failure with DSP_SOAK_SEED.
 */
import { expect, test } from "bun:test";
import { newBucket } from "../harness/bucket.ts";
import { soak } from "../harness/soak.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { seedFrom } from "../support/random.ts";

const seconds = Number(process.env.DSP_SOAK_SECONDS ?? 60);

test(`soak for ${seconds} s: RSS, descriptors and log size flat; nothing lost`, async () => {
  const seed = seedFrom("DSP_SOAK_SEED");
  console.log(`soak seed: ${seed} (replay with DSP_SOAK_SEED=${seed})`);
  const r = await soak({ bucket: await newBucket("soak"), wd: makeWorkDir("soak"), seconds, seed });
  console.log(`soak: ${r.summary}`);
  expect(r.violations).toEqual([]);
  expect(r.uploaded).toBeGreaterThan(seconds * 5);
}, (seconds + 360) * 1000);
