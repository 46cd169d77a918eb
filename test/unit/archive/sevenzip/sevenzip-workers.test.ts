/**
 * The 7-Zip worker is terminated on every path: after files() completes, on close() without
 * extraction, when the consumer stops early (mid-entry of a large solid block), after an error,
 * and when opening fails. Checked by the reader's own count of live workers and by the process's
 * thread count (a leaked worker keeps its thread).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { liveSevenZipWorkers, openSevenZip } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { collect, csvText, make7z, tempDir, writeTree } from "./sevenzip-support.ts";

const tmp = tempDir();
let big: string;
let small: string;
let encrypted: string;

const threads = () => readdirSync("/proc/self/task").length;

beforeAll(() => {
  const src = join(tmp.dir, "src");
  writeTree(src, { "big.csv": csvText(40_000_000, 2), "small.txt": "small\n" });
  big = make7z(src, join(tmp.dir, "big.7z"), ["big.csv", "small.txt"], ["-mx1", "-ms=on"]);
  small = make7z(src, join(tmp.dir, "small.7z"), ["small.txt"]);
  encrypted = make7z(src, join(tmp.dir, "enc.7z"), ["small.txt"], ["-pX"]);
});
afterAll(() => tmp.remove());

test("terminated after a complete read, after close() alone, and close() is idempotent", async () => {
  await collect({ path: small }, "7z");
  expect(liveSevenZipWorkers()).toBe(0);
  const reader = await openSevenZip({ path: small }, "7z", { name: "small.7z" });
  expect(liveSevenZipWorkers()).toBe(1);
  await reader.close();
  await reader.close();
  expect(liveSevenZipWorkers()).toBe(0);
});

test("terminated when the consumer stops in the middle of a 40 MB entry (7-Zip blocked on a full ring)", async () => {
  const reader = await openSevenZip({ path: big }, "7z", { name: "big.7z" });
  let got = 0;
  for await (const { data } of reader.files()) {
    for await (const chunk of data) {
      got += chunk.length;
      if (got > 1_000_000) break;
    }
    break;
  }
  expect(got).toBeGreaterThan(1_000_000);
  expect(liveSevenZipWorkers()).toBe(0); // files()'s finally closed the reader
  await reader.close();
});

test("terminated after an extraction error and after an open error", async () => {
  const damaged = new Uint8Array(readFileSync(big));
  damaged[1000]! ^= 0xff;
  let err: unknown;
  try {
    await collect({ bytes: damaged }, "7z");
  } catch (e) {
    err = e;
  }
  expect(isArchiveError(err)).toBe(true);
  expect(liveSevenZipWorkers()).toBe(0);
  await expect(openSevenZip({ path: encrypted }, "7z", { name: "enc.7z" })).rejects.toMatchObject({ code: "ARCHIVE_ENCRYPTED" });
  expect(liveSevenZipWorkers()).toBe(0);
});

test("no thread is left behind over many open/stop cycles", async () => {
  // Warm up: the first worker starts runtime threads (JIT, GC helpers) that stay for the process.
  await collect({ path: small }, "7z");
  await Bun.sleep(200);
  const before = threads();
  for (let i = 0; i < 8; i++) {
    const reader = await openSevenZip({ path: big }, "7z", { name: "big.7z" });
    for await (const { data } of reader.files()) {
      for await (const _ of data) break;
      break;
    }
    await reader.close();
  }
  await Bun.sleep(500);
  expect(liveSevenZipWorkers()).toBe(0);
  expect(threads()).toBeLessThan(before + 4); // 8 leaked workers would be 8+ threads
});
