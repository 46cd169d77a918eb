/**
 * bzip2 bombs: 160 concatenated streams of 64 MiB of zeros (~16 KB in, 10 GiB out) decode to the
 * end with RSS flat (one block's tt, one input buffer, one output chunk: nothing grows with the
 * output); a consumer that stops early stops the source after reading only what it needed.
 * Each run is in a child process (the runner's RSS moves with other test files' garbage).
 * No timing assertions: only bytes and memory.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { hasBzip2 } from "./bzip2-fixtures.ts";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

interface ChildReport {
  total: number;
  base: number;
  peak: number;
  streamBytes: number;
  pulled: number;
  returned: boolean;
}

async function runChild(args: string[]): Promise<ChildReport> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "bunzip2-bomb-child.ts"), ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  return JSON.parse(out) as ChildReport;
}

test.skipIf(!hasBzip2)("10 GiB of zeros in concatenated streams decode with RSS growth bounded (not proportional to the output)", async () => {
  const r = await runChild([]);
  const growth = (r.peak - r.base) / MiB;
  console.log(`bzip2 bomb: ${r.total / GiB} GiB out of ${(160 * r.streamBytes) / 1024} KiB, RSS ${Math.round(r.base / MiB)} → peak ${Math.round(r.peak / MiB)} MiB (+${growth.toFixed(0)})`);
  expect(r.streamBytes).toBeLessThan(1024);
  expect(r.total).toBe(10 * GiB); // and every block and stream CRC matched, or the child would have failed
  expect(growth).toBeLessThan(96);
}, 280_000);

test.skipIf(!hasBzip2)("a consumer that stops after 100 MiB stops the source: the rest of the bomb is never read", async () => {
  const r = await runChild([String(100 * MiB)]);
  expect(r.total).toBeGreaterThanOrEqual(100 * MiB);
  expect(r.total).toBeLessThan(100 * MiB + 256 * 1024 + 1);
  expect(r.returned).toBe(true);
  expect(r.pulled).toBeLessThanOrEqual(3 * r.streamBytes); // 100 MiB is within the first 2 streams
  expect((r.peak - r.base) / MiB).toBeLessThan(96);
}, 120_000);
