/**
 * A 2 GiB entry (zeros, LZMA2 by 7zz) streams through the reader with bounded memory: read in a
 * child process (so this test runner's heap does not count) that reports its peak RSS. Buffering
 * the entry would take 2 GiB; the ring (4 MiB), 7-Zip's heap and Bun itself stay far below the bound.
 * Memory is asserted, time is not. The child consumes like the pipeline does (archive-job.ts wraps
 * entry data in gcPaced): every chunk is a fresh buffer, and without paced collections Bun lets that
 * garbage pile up, whatever the reader holds.
 * The peak is the child's VmHWM (/proc/self/status), not getrusage's maxRSS: Linux carries the
 * pre-exec high-water mark into ru_maxrss, so a child forked from this (large) test process would
 * report the runner's RSS.
 */
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, openSync } from "node:fs";
import { join } from "node:path";
import { make7z, tempDir } from "./sevenzip-support.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const SIZE = 2 * 1024 ** 3;
const RSS_BOUND_MIB = 256;

const CHILD = `
import { openSevenZip } from ${JSON.stringify(new URL("../../../../src/archive/sevenzip/sevenzip-reader.ts", import.meta.url).pathname)};
import { gcPaced } from ${JSON.stringify(new URL("../../../../src/util/gc-pacer.ts", import.meta.url).pathname)};
const reader = await openSevenZip({ path: process.argv[1] }, "7z", { name: "zeros.7z" });
let bytes = 0, chunks = 0;
for await (const { data } of reader.files()) for await (const c of gcPaced(data)) { bytes += c.length; chunks += 1; }
await reader.close();
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(require("node:fs").readFileSync("/proc/self/status", "utf8"));
console.log(JSON.stringify({ bytes, chunks, maxRssKiB: Number(hwm[1]) }));
`;

test(`a ${SIZE / 1024 ** 3} GiB entry streams with peak RSS under ${RSS_BOUND_MIB} MiB`, () => {
  const zeros = join(tmp.dir, "zeros.bin");
  const fd = openSync(zeros, "w");
  ftruncateSync(fd, SIZE); // sparse: no disk used
  closeSync(fd);
  const archive = make7z(tmp.dir, join(tmp.dir, "zeros.7z"), ["zeros.bin"], ["-m0=LZMA2", "-mx1"]);
  const r = spawnSync(process.execPath, ["-e", CHILD, archive], { encoding: "utf8", maxBuffer: 1 << 20 });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { bytes: number; chunks: number; maxRssKiB: number };
  expect(out.bytes).toBe(SIZE); // and the listing's CRC-32 was checked by the reader
  const peakMiB = out.maxRssKiB / 1024;
  console.log(`2 GiB entry: ${out.chunks} chunks, peak RSS ${peakMiB.toFixed(0)} MiB`);
  expect(peakMiB).toBeLessThan(RSS_BOUND_MIB);
});
