/**
 * gunzip throughput: a 200 MB CSV-like file gzipped (level 6), decompressed by dsp's gunzip from a
 * file stream and by `gzip -dc file > /dev/null`, in the same run. Goal: ≥ 0.9× gzip -dc.
 *
 *   bun test/unit/archive/gzip/bench-gzip.ts [sizeMB=200]
 *
 * Not a test: prints MB/s of decompressed output (best of 3) and peak RSS (dsp runs in a child process,
 * timed from outside like gzip, so both include process start). The .gz is written to a
 * temporary folder (the benchmark's, not dsp's), streamed (never held whole), and removed at the end.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { gunzip } from "../../../../src/archive/gzip/gunzip.ts";
import { mulberry32 } from "../../../support/random.ts";

const sizeMB = Number(process.argv[2] ?? 200);
const total = sizeMB * 1_000_000;

/** CSV-like lines (ids, words, decimals, dates): compresses about 3:1 like real exports. */
function* csvChunks(): Generator<Uint8Array> {
  const rnd = mulberry32(42);
  const words = ["alpha", "beta", "gamma", "delta", "customer", "order", "NULL", "true", "false", "Paris", "Berlin", "Tokyo"];
  const enc = new TextEncoder();
  let made = 0;
  while (made < total) {
    let s = "";
    while (s.length < 1 << 20) {
      const w = words[Math.floor(rnd() * words.length)]!;
      s += `${Math.floor(rnd() * 1e9)},${w},${w}${Math.floor(rnd() * 100)},${rnd().toFixed(3)},2024-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}\n`;
    }
    const b = enc.encode(s).subarray(0, Math.min(s.length, total - made));
    made += b.length;
    yield b;
  }
}

async function time(label: string, fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  const mbs = total / 1e6 / best;
  console.log(`${label.padEnd(48)} ${mbs.toFixed(0).padStart(5)} MB/s  (best of 3, ${best.toFixed(2)} s)`);
  return mbs;
}

/** Child mode: decompress `file` with dsp's gunzip, print "<seconds> <peak RSS bytes>". */
async function decodeOnce(path: string, chunkSize: number): Promise<void> {
  let n = 0;
  let i = 0;
  let peak = 0;
  const t = performance.now();
  const src = createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
  for await (const c of gunzip(src, { chunkSize })) {
    n += c.length;
    if ((++i & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  if (n !== total) throw new Error(`decompressed ${n} bytes, expected ${total}`);
  console.log(`${(performance.now() - t) / 1000} ${peak}`);
}

if (process.argv[3] === "--decode") {
  await decodeOnce(process.argv[4]!, Number(process.argv[5]));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "dsp-bench-gzip-"));
const file = join(dir, "bench.csv.gz");
try {
  await pipeline(Readable.from(csvChunks()), zlib.createGzip({ level: 6 }), createWriteStream(file));
  console.log(`input: ${sizeMB} MB of CSV → ${(statSync(file).size / 1e6).toFixed(0)} MB gzip`);

  // Each dsp run is a fresh process, so its peak RSS is gunzip's own, not the generator's.
  let peak = 0;
  const runDsp = (chunkSize: number) => async () => {
    const p = Bun.spawnSync(["bun", import.meta.path, String(sizeMB), "--decode", file, String(chunkSize)], { stdout: "pipe", stderr: "inherit" });
    if (p.exitCode !== 0) throw new Error("dsp gunzip child failed");
    const [, rss] = p.stdout.toString().trim().split(" ").map(Number);
    peak = Math.max(peak, rss!);
  };
  const dsp = await time("dsp gunzip (default 256 KiB output chunks)", runDsp(256 * 1024));
  await time("dsp gunzip (64 KiB output chunks)", runDsp(64 * 1024));
  console.log(`peak RSS of the dsp gunzip process: ${(peak / 2 ** 20).toFixed(0)} MiB (Bun's own baseline included)`);
  if (Bun.which("gzip")) {
    const native = await time("gzip -dc file > /dev/null", async () => {
      const p = Bun.spawn(["sh", "-c", `gzip -dc '${file}' > /dev/null`]);
      if ((await p.exited) !== 0) throw new Error("gzip failed");
    });
    console.log(`dsp / gzip -dc: ${(dsp / native).toFixed(2)}× (goal ≥ 0.9×; dsp timings include starting bun)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
