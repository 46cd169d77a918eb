/**
 * unxz throughput against native `xz -dc` (liblzma, C), in the same run: a CSV-like file compressed
 * with xz -6 and with xz -0, and random bytes (stored by LZMA2 as uncompressed chunks).
 *
 *   bun test/unit/archive/xz/bench-xz.ts [sizeMB=100] [rounds=5] [--keep DIR]
 *
 * Not a test. Each round runs, per input, `xz -dc file` (stdout to /dev/null) and a fresh bun process
 * decoding the same file with unxz from a file stream (order alternating between rounds), both timed
 * from outside, so both include process start. Prints medians: MB/s of decompressed output (wall),
 * the dsp/xz ratio on wall time and on CPU time (user + system: steadier when the machine is shared),
 * and peak RSS (bun's own ~30-40 MiB baseline included).
 *
 * Compressing 100 MB at -6 takes minutes; --keep DIR keeps the compressed files in DIR and reuses them
 * on the next run (default: a temporary folder, removed at the end).
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { mulberry32 } from "../../../support/random.ts";

/** Child mode: decode `file`, print "<bytes> <peak RSS>". */
if (process.argv[2] === "--decode") {
  let n = 0;
  let i = 0;
  let peak = 0;
  for await (const c of unxz(createReadStream(process.argv[3]!, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>)) {
    n += c.length;
    if ((++i & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  console.log(`${n} ${Math.max(peak, process.memoryUsage().rss)}`);
  process.exit(0);
}

const args = process.argv.slice(2);
const keepAt = args.indexOf("--keep");
const keep = keepAt >= 0 ? args.splice(keepAt, 2)[1] : undefined;
const sizeMB = Number(args[0] ?? 100);
const rounds = Number(args[1] ?? 5);

/** CSV-like lines (ids, words, decimals, dates), as in bench-gzip.ts. */
async function writeCsv(path: string, total: number): Promise<void> {
  const rnd = mulberry32(42);
  const words = ["alpha", "beta", "gamma", "delta", "customer", "order", "NULL", "true", "false", "Paris", "Berlin", "Tokyo"];
  const enc = new TextEncoder();
  const w = Bun.file(path).writer();
  for (let made = 0; made < total; ) {
    let s = "";
    while (s.length < 1 << 20) {
      const x = words[Math.floor(rnd() * words.length)]!;
      s += `${Math.floor(rnd() * 1e9)},${x},${x}${Math.floor(rnd() * 100)},${rnd().toFixed(3)},2024-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}\n`;
    }
    const b = enc.encode(s).subarray(0, Math.min(s.length, total - made));
    made += b.length;
    w.write(b);
  }
  await w.end();
}

async function writeRandom(path: string, total: number): Promise<void> {
  const rnd = mulberry32(7);
  const w = Bun.file(path).writer();
  const block = new Uint8Array(1 << 20);
  for (let made = 0; made < total; made += block.length) {
    for (let i = 0; i < block.length; i++) block[i] = rnd() * 256;
    w.write(block.subarray(0, Math.min(block.length, total - made)));
  }
  await w.end();
}

interface Input {
  label: string;
  file: string;
  bytes: number;
}

const dir = keep ?? mkdtempSync(join(tmpdir(), "dsp-bench-xz-"));
mkdirSync(dir, { recursive: true });
const inputs: Input[] = [];
async function prepare(label: string, bytes: number, make: (p: string, n: number) => Promise<void>, preset: string, reuseRaw?: string): Promise<string> {
  const file = join(dir, `${label}-${sizeMB}.xz`);
  const raw = reuseRaw ?? join(dir, `${label}-${sizeMB}.raw`);
  if (!existsSync(file)) {
    if (!existsSync(raw)) await make(raw, bytes);
    const t = performance.now();
    const p = Bun.spawnSync(["sh", "-c", `xz -T1 ${preset} -c '${raw}' > '${file}'`], { stderr: "inherit" });
    if (p.exitCode !== 0) throw new Error(`xz ${preset} failed`);
    console.log(`made ${label}: ${(statSync(file).size / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  inputs.push({ label, file, bytes });
  return raw;
}

try {
  const csvRaw = await prepare("csv-xz6", sizeMB * 1e6, writeCsv, "-6");
  await prepare("csv-xz0", sizeMB * 1e6, writeCsv, "-0", csvRaw);
  const rndRaw = await prepare("random-xz6", (sizeMB / 2) * 1e6, writeRandom, "-6");
  for (const raw of [csvRaw, rndRaw]) rmSync(raw, { force: true });

  type Run = { wall: number; cpu: number; rss: number };
  const results = new Map<string, { xz: Run[]; dsp: Run[] }>(inputs.map((i) => [i.label, { xz: [], dsp: [] }]));
  const runOnce = (cmd: string[], input: Input): Run => {
    const t = performance.now();
    const p = Bun.spawnSync(cmd, { stdout: cmd[0] === "xz" ? "ignore" : "pipe", stderr: "inherit" });
    const wall = (performance.now() - t) / 1000;
    if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed`);
    if (cmd[0] !== "xz" && Number(p.stdout.toString().split(" ")[0]) !== input.bytes) throw new Error(`dsp decoded ${p.stdout} bytes`);
    const u = p.resourceUsage!;
    return { wall, cpu: Number(u.cpuTime.user + u.cpuTime.system) / 1e6, rss: u.maxRSS };
  };
  for (let r = 0; r < rounds; r++) {
    for (const input of inputs) {
      const res = results.get(input.label)!;
      const order = r % 2 === 0 ? ["xz", "dsp"] : ["dsp", "xz"];
      for (const who of order) {
        if (who === "xz") res.xz.push(runOnce(["xz", "-dc", input.file], input));
        else res.dsp.push(runOnce([process.execPath, import.meta.path, "--decode", input.file], input));
      }
    }
    console.log(`round ${r + 1}/${rounds} done`);
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mib = (kb: number) => (kb / 1024).toFixed(0);
  console.log(`\n${"input".padEnd(12)} ${"out MB".padStart(7)} ${"xz MB/s".padStart(8)} ${"dsp MB/s".padStart(9)} ${"wall ratio".padStart(11)} ${"cpu ratio".padStart(10)} ${"xz RSS".padStart(7)} ${"dsp RSS".padStart(8)}`);
  for (const input of inputs) {
    const { xz, dsp } = results.get(input.label)!;
    const mb = input.bytes / 1e6;
    const xzWall = median(xz.map((x) => x.wall));
    const dspWall = median(dsp.map((x) => x.wall));
    const cpuRatio = median(xz.map((x) => x.cpu)) / median(dsp.map((x) => x.cpu));
    console.log(
      `${input.label.padEnd(12)} ${mb.toFixed(0).padStart(7)} ${(mb / xzWall).toFixed(1).padStart(8)} ${(mb / dspWall).toFixed(1).padStart(9)} ${(xzWall / dspWall).toFixed(2).padStart(10)}× ${cpuRatio.toFixed(2).padStart(9)}× ${mib(Math.max(...xz.map((x) => x.rss))).padStart(5)}Mi ${mib(Math.max(...dsp.map((x) => x.rss))).padStart(6)}Mi`,
    );
  }
  console.log(`\nratio = dsp speed / xz -dc speed (goal ≥ 0.9×); medians of ${rounds} interleaved rounds; both include process start.`);
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
