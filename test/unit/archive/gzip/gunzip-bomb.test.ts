/**
 * gzip bombs: 10 GiB of zeros (~10 MB compressed, generated while it is read, never stored) go
 * through gunzip with RSS flat; with a LimitTracker wired as the pipeline will wire it, the same
 * bomb stops at the ratio limit after ~10 MiB of output and its source is stopped.
 */
import { expect, test } from "bun:test";
import { gunzip } from "../../../../src/archive/gzip/gunzip.ts";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { join } from "node:path";
import { gzipStream, zeros } from "../../../support/archive/gzip-fixtures.ts";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test("10 GiB of zeros decompress with RSS growth bounded (not proportional to the output)", async () => {
  // In a process of its own: the runner's RSS also moves with other test files' garbage.
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "gunzip-bomb-child.ts")], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const { total, base, peak } = JSON.parse(out) as { total: number; base: number; peak: number };
  const growth = (peak - base) / MiB;
  console.log(`gzip bomb: ${total / GiB} GiB out, RSS ${Math.round(base / MiB)} → peak ${Math.round(peak / MiB)} MiB (+${growth.toFixed(0)})`);
  expect(total).toBe(10 * GiB);
  expect(growth).toBeLessThan(96);
}, 120_000);

test("wired to a LimitTracker, the bomb stops at the ratio limit and its source stops", async () => {
  const tracker = new LimitTracker("bomb.gz");
  tracker.enter("gzip", "bomb.gz");
  let generated = 0;
  async function* counted(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of src) {
      generated += c.length;
      yield c;
    }
  }
  const source = tracker.meterInput(gzipStream(counted(zeros(10 * GiB))));
  let delivered = 0;
  const run = async () => {
    for await (const c of tracker.meterOutput(gunzip(source), "bomb.gz")) delivered += c.length;
  };
  const err = await run().catch((e) => e);
  expect(err.code).toBe("ARCHIVE_LIMIT_RATIO");
  expect(err.message).toContain("DSP_ARCHIVE_MAX_RATIO allows 100");
  expect(delivered).toBeLessThanOrEqual(10 * MiB + 256 * 1024); // the floor, plus one chunk at most
  await Bun.sleep(20);
  expect(generated).toBeLessThan(64 * MiB); // the compressor upstream was stopped, not run to 10 GiB
}, 60_000);
