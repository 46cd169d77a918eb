/**
 * The binary killed (SIGKILL, by itself) at each named step of an upload, of an archive and of a
 * compaction, then restarted: the end state is always the same, with every file's object in place and intact, no
 * multipart upload left and a progress log that replays cleanly.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAILPOINTS } from "../../src/util/failpoint.ts";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { settledViolations } from "../harness/invariants.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { payload } from "../support/payload.ts";
import { buildZip } from "../support/archive/zip-writer.ts";

const MiB = 1024 ** 2;

describe("failpoints", () => {
  for (const point of FAILPOINTS) {
    test(`killed at ${point}: the restart settles to the same verified end state`, async () => {
      const bucket = await newBucket("fp");
      const wd = makeWorkDir(`fp-${point}`);
      writeFileSync(join(wd.watch, "big.bin"), payload(12 * MiB, 1));
      writeFileSync(join(wd.watch, "small.txt"), "small");
      for (let i = 0; i < 30; i++) writeFileSync(join(wd.watch, `many-${i}.txt`), `file ${i}`);
      // An archive: small entries (uploaded while the walk goes on), a streamed one, a table.
      writeFileSync(
        join(wd.watch, "bundle.zip"),
        buildZip([
          ...Array.from({ length: 6 }, (_, i) => ({ name: `d/e-${i}.txt`, data: `entry ${i}` })),
          { name: "d/large.bin", data: payload(2 * MiB, 2), method: 0 },
          { name: "t.csv", data: "a,b\n1,2\n3,4\n" },
        ]),
      );
      // One file at a time, so that each point is reached by the multipart file in a known order,
      // and a compaction every few records, so the compaction points are reached too.
      const env = { ...dspEnv(bucket, wd, { DSP_PART_SIZE: "5MiB", DSP_PARALLEL_FILES: "1" }), DSP_COMPACT_AFTER: "4096" };

      const killed = await runDsp({ env: { ...env, DSP_FAILPOINT: point }, args: ["run", "--once"] });
      expect(killed.code).toBe(137); // SIGKILL: the failpoint was reached
      const restarted = await runDsp({ env, args: ["run", "--once"] });
      expect(restarted.code).toBe(0);
      expect(
        await settledViolations(bucket, { watch: wd.watch, errorDir: join(wd.watch, ".dsp-errors"), stateDir: wd.state, isArchive: (rel) => rel === "bundle.zip" }),
      ).toEqual([]);
      if (point === "after-create") {
        // The upload existed with no id in the log: found through the intent key, and aborted.
        expect(restarted.lines.some((l) => l.msg === "aborted an unfinished multipart upload of the previous run" && l.key === "big.bin")).toBe(true);
      }
      // Nothing completed before the kill is uploaded again.
      const before = new Set(killed.lines.filter((l) => l.msg === "uploaded").map((l) => l.file));
      const again = restarted.lines.filter((l) => l.msg === "uploaded" && before.has(l.file));
      expect(again).toEqual([]);
    });
  }
});
