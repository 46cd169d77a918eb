/**
 * SC-006 for tables: a large CSV converts and uploads with peak RSS bounded by configuration
 * (memory budget for parts + a few row groups), not by the file's size, and every row arrives.
 * 256 MB here keeps the suite short; scripts/bench-convert.ts runs 500 MB and more.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp } from "../harness/dsp-process.ts";
import { peakRss } from "../harness/proc-stats.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { writeReferenceCsv } from "../support/table-data.ts";

const MiB = 1024 ** 2;
const BUDGET = 64 * MiB;
const ROW_GROUP = 16 * MiB;
/** Runtime and code (~50 MiB idle) + parts (the budget) + two row groups in flight, each about four times its column data. */
const LIMIT = 64 * MiB + BUDGET + 2 * 4 * ROW_GROUP;

test("a 256 MB CSV converts and uploads with peak RSS under budget + row groups + 64 MiB, all rows there", async () => {
  const bucket = await newBucket("bigtable");
  const wd = makeWorkDir("bigtable");
  const rows = 3_800_000;
  const bytes = writeReferenceCsv(join(wd.watch, "big.csv"), rows, 5);
  const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_MEMORY_BUDGET: "64MiB", DSP_PARQUET_ROW_GROUP_SIZE: "16MiB", DSP_LOG_LEVEL: "INFO" }) });
  const done = await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "big.csv", "big.csv uploaded", 240_000);
  const peak = peakRss(dsp.pid);
  expect(await dsp.stop()).toBe(0);
  console.log(`${(bytes / 1e6).toFixed(0)} MB CSV → ${(Number(done.object_size) / 1e6).toFixed(0)} MB Parquet in ${done.duration_ms} ms, peak RSS ${(peak / MiB).toFixed(0)} MiB (limit ${LIMIT / MiB})`);
  expect(peak).toBeLessThan(LIMIT);
  expect(done).toMatchObject({ rows, key: "big.parquet", converted: "parquet" });
  expect(await bucket.keys()).toEqual(["big.parquet"]);
  expect(await bucket.multipartUploads()).toEqual([]);
}, 300_000);
