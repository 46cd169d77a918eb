/**
 * xz bombs: 10 GiB of zeros from ~1.6 MB of concatenated streams go through unxz with RSS bounded
 * (window + one output chunk, not the output); with a LimitTracker wired as the pipeline will wire
 * it, the same bomb stops at the ratio limit after ~10 MiB of output and its source is stopped.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { XZ_ENGINES, xzc } from "./xz-test-support.ts";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test.each(XZ_ENGINES.map((e) => e.name))("10 GiB of zeros decompress with RSS growth bounded (not proportional to the output) [%s]", async (engineName) => {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "xz-bomb-child.ts"), engineName], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const { total, base, peak, compressed } = JSON.parse(out) as { total: number; base: number; peak: number; compressed: number };
  const growth = (peak - base) / MiB;
  console.log(`xz bomb [${engineName}]: ${(compressed / 1e6).toFixed(1)} MB → ${total / GiB} GiB, RSS ${Math.round(base / MiB)} → peak ${Math.round(peak / MiB)} MiB (+${growth.toFixed(0)})`);
  expect(total).toBe(10 * GiB);
  expect(growth).toBeLessThan(96);
}, 280_000);

test("wired to a LimitTracker, the bomb stops at the ratio limit and its source stops", async () => {
  const one = xzc(new Uint8Array(64 * MiB), "-0");
  const tracker = new LimitTracker("bomb.xz");
  tracker.enter("xz", "bomb.xz");
  let generated = 0;
  let returned = false;
  async function* bomb(): AsyncGenerator<Uint8Array> {
    try {
      for (let s = 0; s < 160; s++) {
        for (let p = 0; p < one.length; p += 4096) {
          generated += Math.min(4096, one.length - p);
          yield one.subarray(p, p + 4096);
        }
      }
    } finally {
      returned = true;
    }
  }
  let delivered = 0;
  const name = "bomb.xz";
  const run = async () => {
    for await (const c of tracker.meterOutput(unxz(tracker.meterInput(bomb()), { name, checkDictionary: (b) => tracker.checkDictionary(b, name) }), name)) delivered += c.length;
  };
  const err = await run().catch((e) => e);
  expect(err.code).toBe("ARCHIVE_LIMIT_RATIO");
  expect(err.message).toContain("DSP_ARCHIVE_MAX_RATIO allows 100");
  expect(delivered).toBeLessThanOrEqual(10 * MiB + 256 * 1024); // the floor, plus one chunk at most
  expect(returned).toBe(true);
  expect(generated).toBeLessThan(2 * one.length); // the first stream was not even read to its end
}, 60_000);
