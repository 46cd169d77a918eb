/**
 * bunzip2 throughput: dsp's pure-TypeScript decoder against `bzip2 -dc file > /dev/null`, on three
 * inputs made on the fly and compressed with `bzip2 -9`: CSV-like text (the realistic case), random
 * bytes (incompressible: every byte through Huffman, MTF and the BWT) and zeros (all RLE).
 * Goal: ≥ 0.9× bzip2 -dc in MB/s of output.
 *
 *   bun test/unit/archive/bzip2/bench-bzip2.ts [sizeMB=200] [rounds=5] [kinds=csv,random,zeros]
 *
 * Not a test. Rounds alternate between the two decoders, each a fresh process timed from outside
 * (so dsp's time includes starting bun); medians and bests are printed, with CPU time and peak RSS
 * as /usr/bin/time reports them (max resident set) when it is installed, else RSS as the dsp child
 * saw it. On a shared machine, wall times swing with the load: compare medians of the same run.
 * Inputs live in a temporary folder of the benchmark's own and are removed at the end.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunzip2 } from "../../../../src/archive/bzip2/bunzip2.ts";
import { mulberry32 } from "../../../support/random.ts";

/** Child mode: decode `path` with dsp's bunzip2, check the size, print "<seconds> <peak RSS bytes>". */
async function decodeOnce(path: string, expected: number): Promise<void> {
  let n = 0;
  let i = 0;
  let peak = process.memoryUsage().rss;
  const t = performance.now();
  const src = createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
  for await (const c of bunzip2(src)) {
    n += c.length;
    if ((++i & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  if (n !== expected) throw new Error(`decompressed ${n} bytes, expected ${expected}`);
  console.log(`${(performance.now() - t) / 1000} ${peak}`);
}

if (process.argv[2] === "--decode") {
  await decodeOnce(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}

const sizeMB = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 5);
const kinds = (process.argv[4] ?? "csv,random,zeros").split(",");
const total = sizeMB * 1_000_000;
const timeCmd = Bun.which("time") ?? (statSync("/usr/bin/time", { throwIfNoEntry: false }) ? "/usr/bin/time" : null);

/** CSV-like lines (ids, words, decimals, dates): compresses about 5:1 with bzip2 -9, like real exports. */
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

function* randomChunks(): Generator<Uint8Array> {
  const rnd = mulberry32(7);
  for (let made = 0; made < total; ) {
    const b = new Uint8Array(Math.min(1 << 20, total - made));
    for (let i = 0; i < b.length; i += 4) {
      const v = (rnd() * 2 ** 32) >>> 0;
      b[i] = v;
      b[i + 1] = v >>> 8;
      b[i + 2] = v >>> 16;
      b[i + 3] = v >>> 24;
    }
    made += b.length;
    yield b;
  }
}

function* zeroChunks(): Generator<Uint8Array> {
  const block = new Uint8Array(1 << 20);
  for (let made = 0; made < total; made += block.length) yield block.subarray(0, Math.min(block.length, total - made));
}

/** Writes the raw input to a file, then `bzip2 -9` of it; returns the .bz2 path. */
async function makeInput(dir: string, kind: string): Promise<string> {
  const raw = join(dir, `${kind}.raw`);
  const writer = Bun.file(raw).writer();
  const gen = kind === "csv" ? csvChunks() : kind === "random" ? randomChunks() : zeroChunks();
  for (const chunk of gen) writer.write(chunk);
  await writer.end();
  const bz = `${raw}.bz2`;
  const p = Bun.spawn(["sh", "-c", `bzip2 -9 -c '${raw}' > '${bz}'`]);
  if ((await p.exited) !== 0) throw new Error("bzip2 -9 failed");
  rmSync(raw);
  return bz;
}

interface Run {
  seconds: number;
  rssKiB: number;
  /** user + system CPU seconds (from /usr/bin/time; NaN without it). */
  cpu: number;
}

/** Runs `argv` (stdout discarded unless `capture`), timed from here; max RSS and CPU from /usr/bin/time. */
async function timed(argv: string[], capture = false): Promise<Run & { stdout: string }> {
  const full = timeCmd ? [timeCmd, "-f", "%M %U %S", ...argv] : argv;
  const t = performance.now();
  const p = Bun.spawn(full, { stdout: capture ? "pipe" : "ignore", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([capture ? new Response(p.stdout).text() : "", new Response(p.stderr).text(), p.exited]);
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`${argv.join(" ")} failed: ${stderr}`);
  const [rssKiB = 0, user = Number.NaN, sys = Number.NaN] = timeCmd ? stderr.trim().split("\n").pop()!.split(" ").map(Number) : [];
  return { seconds, rssKiB, cpu: user + sys, stdout };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mbs = (seconds: number) => total / 1e6 / seconds;
const fmt = (label: string, runs: Run[]) => {
  const secs = runs.map((r) => r.seconds);
  const rss = Math.max(...runs.map((r) => r.rssKiB)) / 1024;
  const cpu = median(runs.map((r) => r.cpu));
  return `${label.padEnd(14)} median ${mbs(median(secs)).toFixed(1).padStart(6)} MB/s (${median(secs).toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU)  best ${mbs(Math.min(...secs)).toFixed(1).padStart(6)} MB/s  peak RSS ${rss.toFixed(0)} MiB  [${secs.map((s) => s.toFixed(2)).join(" ")}]`;
};

const dir = mkdtempSync(join(tmpdir(), "dsp-bench-bzip2-"));
/** Max RSS of the dsp child decoding a 1-byte file (bun, its JIT and the decoder's code), for reading dsp's RSS. */
let baseline = 0;
try {
  console.log(`${sizeMB} MB per input, ${rounds} interleaved rounds, ${navigator.hardwareConcurrency} CPUs, load ${(await Bun.file("/proc/loadavg").text().catch(() => "?")).split(" ").slice(0, 3).join(" ")}`);
  for (const kind of kinds) {
    const file = await makeInput(dir, kind);
    console.log(`\n${kind}: ${sizeMB} MB → ${(statSync(file).size / 1e6).toFixed(2)} MB bzip2 -9`);
    const native: Run[] = [];
    const dsp: Run[] = [];
    const dspInner: number[] = [];
    let childPeak = 0;
    for (let r = 0; r < rounds; r++) {
      native.push(await timed(["sh", "-c", `bzip2 -dc '${file}' > /dev/null`]));
      const d = await timed([process.execPath, import.meta.path, "--decode", file, String(total)], true);
      const [inner, peak] = d.stdout.trim().split(" ").map(Number);
      dspInner.push(inner!);
      childPeak = Math.max(childPeak, peak!);
      dsp.push(timeCmd ? d : { ...d, rssKiB: peak! / 1024 });
      if (!baseline) {
        const tiny = join(dir, "tiny.bz2");
        await Bun.write(tiny, Bun.spawnSync(["bzip2", "-c"], { stdin: new TextEncoder().encode("x") }).stdout);
        baseline = (await timed([process.execPath, import.meta.path, "--decode", tiny, "1"])).rssKiB;
      }
    }
    console.log(fmt("bzip2 -dc", native));
    console.log(fmt("dsp bunzip2", dsp));
    console.log(`${"".padEnd(14)} in-process decode only: median ${mbs(median(dspInner)).toFixed(1)} MB/s; RSS seen inside: ${(childPeak / 2 ** 20).toFixed(0)} MiB`);
    if (baseline) console.log(`${"".padEnd(14)} (the same child decoding a 1-byte file: ${(baseline / 1024).toFixed(0)} MiB max RSS)`);
    const ratio = mbs(median(dsp.map((r) => r.seconds))) / mbs(median(native.map((r) => r.seconds)));
    const best = mbs(Math.min(...dsp.map((r) => r.seconds))) / mbs(Math.min(...native.map((r) => r.seconds)));
    console.log(`dsp / bzip2 -dc: ${ratio.toFixed(2)}× (medians), ${best.toFixed(2)}× (bests); goal ≥ 0.9×`);
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
