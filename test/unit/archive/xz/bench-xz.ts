/**
 * unxz throughput against native `xz -dc` (liblzma, C), in the same run: a CSV-like file compressed
 * with xz -6 and with xz -0, and random bytes (stored by LZMA2 as uncompressed chunks).
 *
 *   bun test/unit/archive/xz/bench-xz.ts [sizeMB=100] [rounds=5] [--keep DIR]
 *
 * Not a test. Each round runs, per input, `xz -dc file` (stdout to /dev/null) and a fresh bun process
 * decoding the same file with unxz from a file stream (order alternating between rounds), both timed
 * from outside, so both include process start; then a bun process that decodes the file twice, timed
 * inside on its second pass ("warm": what a running dsp sees, JIT compiled). Prints medians: MB/s of
 * decompressed output (wall), the dsp/xz ratio on wall time and on CPU time (user + system: steadier
 * when the machine is shared), and peak RSS per process from /usr/bin/time (bun's own baseline
 * included).
 *
 * Compressing 100 MB at -6 takes minutes; --keep DIR keeps the compressed files in DIR and reuses them
 * on the next run (default: a temporary folder, removed at the end).
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { mulberry32 } from "../../../support/random.ts";

/** Child mode: decode `file` `passes` times; print "<bytes> <seconds of the last pass>". */
if (process.argv[2] === "--decode") {
  const passes = Number(process.argv[4] ?? 1);
  let n = 0;
  let seconds = 0;
  for (let pass = 0; pass < passes; pass++) {
    const t = performance.now();
    n = 0;
    for await (const c of unxz(createReadStream(process.argv[3]!, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>)) n += c.length;
    seconds = (performance.now() - t) / 1000;
  }
  console.log(`${n} ${seconds}`);
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

  type Run = { wall: number; cpu: number; rss: number; inner: number };
  const results = new Map<string, { xz: Run[]; dsp: Run[]; warm: Run[] }>(inputs.map((i) => [i.label, { xz: [], dsp: [], warm: [] }]));
  const time = Bun.which("time", { PATH: "/usr/bin:/bin" });
  /** Runs cmd under /usr/bin/time (peak RSS and CPU of that process alone), timed from here. */
  const runOnce = (cmd: string[], input: Input): Run => {
    const t = performance.now();
    const p = Bun.spawnSync(time ? [time, "-f", "%M %U %S", ...cmd] : cmd, { stdout: cmd[0] === "xz" ? "ignore" : "pipe", stderr: "pipe" });
    const wall = (performance.now() - t) / 1000;
    if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed: ${p.stderr.toString()}`);
    const [bytes, inner] = (p.stdout?.toString() ?? "").trim().split(" ").map(Number);
    if (cmd[0] !== "xz" && bytes !== input.bytes) throw new Error(`dsp decoded ${bytes} bytes, expected ${input.bytes}`);
    const [rssKiB, user, sys] = time ? p.stderr.toString().trim().split("\n").at(-1)!.split(" ").map(Number) : [NaN, NaN, NaN];
    return { wall, cpu: user! + sys!, rss: rssKiB! * 1024, inner: inner ?? NaN };
  };
  const dspCmd = (file: string, passes: number) => [process.execPath, import.meta.path, "--decode", file, String(passes)];
  for (let r = 0; r < rounds; r++) {
    for (const input of inputs) {
      const res = results.get(input.label)!;
      const order = r % 2 === 0 ? ["xz", "dsp"] : ["dsp", "xz"];
      for (const who of order) {
        if (who === "xz") res.xz.push(runOnce(["xz", "-dc", input.file], input));
        else res.dsp.push(runOnce(dspCmd(input.file, 1), input));
      }
      res.warm.push(runOnce(dspCmd(input.file, 2), input));
    }
    console.log(`round ${r + 1}/${rounds} done`);
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mib = (bytes: number) => (Number.isNaN(bytes) ? "?" : (bytes / 2 ** 20).toFixed(0)) + " MiB";
  const cols = ["input", "out MB", "xz -dc MB/s", "dsp MB/s", "ratio (wall)", "ratio (cpu)", "dsp warm MB/s", "warm ratio", "xz RSS", "dsp RSS"];
  console.log(`\n${cols.join(" | ")}`);
  for (const input of inputs) {
    const { xz, dsp, warm } = results.get(input.label)!;
    const mb = input.bytes / 1e6;
    const xzWall = median(xz.map((x) => x.wall));
    const dspWall = median(dsp.map((x) => x.wall));
    const warmSec = median(warm.map((x) => x.inner));
    const row = [
      input.label,
      mb.toFixed(0),
      (mb / xzWall).toFixed(1),
      (mb / dspWall).toFixed(1),
      `${(xzWall / dspWall).toFixed(2)}×`,
      `${(median(xz.map((x) => x.cpu)) / median(dsp.map((x) => x.cpu))).toFixed(2)}×`,
      (mb / warmSec).toFixed(1),
      `${(xzWall / warmSec).toFixed(2)}×`,
      mib(Math.max(...xz.map((x) => x.rss))),
      mib(Math.max(...dsp.map((x) => x.rss))),
    ];
    console.log(row.join(" | "));
  }
  console.log(
    `\nratio = dsp speed / xz -dc speed (goal ≥ 0.9×), medians of ${rounds} interleaved rounds. "dsp" is a fresh bun process per run ` +
      `(start-up and JIT warm-up included, like xz's start-up); "warm" is the second decode in one process (a running dsp). ` +
      `RSS: peak of each process (bun's own baseline included).`,
  );
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
