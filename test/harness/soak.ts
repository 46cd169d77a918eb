/**
 * The soak behind test/soak/soak.test.ts and scripts/soak.ts (SC-007: thirty days without a crash
 * or a leak, in miniature). One live `dsp run` against the real server while files keep arriving
 * (small ones, and multipart-sized ones now and then), changing (rewritten in place), failing
 * (larger than DSP_MAX_FILE_SIZE: to the error folder) and leaving (an operator deleting old files
 * and emptying the error folder, so the folder, and with it dsp's live state, stays bounded). Every
 * few seconds: dsp's RSS, open descriptors and progress-log size. After a warm-up, they must be
 * flat: growth over the run is a leak, whatever the absolute level. Then dsp is stopped with
 * SIGTERM (must exit 0), a `--once` run settles, and the bucket must match the folder.
 */
import { existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestBucket } from "./bucket.ts";
import { dspEnv } from "./dsp-env.ts";
import { runDsp, startDsp } from "./dsp-process.ts";
import { settledViolations } from "./invariants.ts";
import { currentRss, openFds } from "./proc-stats.ts";
import type { WorkDir } from "./workdir.ts";
import { mulberry32 } from "../support/random.ts";
import { payload } from "../support/payload.ts";

const MiB = 1024 ** 2;
const TICK_MS = 250;
/** Files kept in the watched folder; older ones are deleted (the operator's cleanup). */
const KEEP_FILES = 300;

export interface SoakSample {
  atMs: number;
  rss: number;
  fds: number;
  logBytes: number;
}

export interface SoakResult {
  samples: SoakSample[];
  uploaded: number;
  failed: number;
  written: number;
  /** Empty when the run was flat and settled cleanly. */
  violations: string[];
  summary: string;
}

export interface SoakOptions {
  bucket: TestBucket;
  wd: WorkDir;
  seconds: number;
  seed: number;
  sampleMs?: number;
  onSample?: (s: SoakSample) => void;
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const rnd = mulberry32(o.seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const env = dspEnv(o.bucket, o.wd, {
    DSP_LOG_LEVEL: "INFO",
    DSP_PART_SIZE: "5MiB",
    DSP_MAX_FILE_SIZE: "12MiB",
    DSP_STABILITY_WINDOW: "300ms",
    DSP_RESCAN_INTERVAL: "10s",
  });
  const errorDir = join(o.wd.watch, ".dsp-errors");
  const live: string[] = []; // oldest first
  const deletedKeys = new Set<string>();
  let written = 0;
  let version = 0;
  const write = (rel: string, size: number) => {
    mkdirSync(join(o.wd.watch, rel, ".."), { recursive: true });
    writeFileSync(join(o.wd.watch, rel), payload(size, ++version));
    written++;
  };

  const dsp = startDsp({ env });
  let exitedEarly: number | undefined;
  let stopping = false;
  void dsp.exited.then((c) => {
    if (!stopping) exitedEarly = c;
  });
  const samples: SoakSample[] = [];
  const started = performance.now();
  const sampleMs = o.sampleMs ?? 2000;
  let nextSample = 0;
  let tick = 0;
  while (performance.now() - started < o.seconds * 1000) {
    tick++;
    // Arriving: three small files a tick, a multipart-sized one every 5 s.
    for (let i = 0; i < 3; i++) {
      const rel = `in/d${pick(8)}/t${tick}-${i}.dat`;
      write(rel, 100 + pick(64 * 1024));
      live.push(rel);
    }
    if (tick % 20 === 0) {
      const rel = `big/b${tick}.bin`;
      write(rel, 6 * MiB + pick(4 * MiB));
      live.push(rel);
    }
    // Changing: one existing file rewritten in place.
    if (live.length > 10) write(live[pick(live.length - 5)]!, 100 + pick(32 * 1024));
    // Failing: a sparse file over the size limit every 5 s.
    if (tick % 20 === 10) {
      const rel = `in/too-big-${tick}.dat`;
      writeFileSync(join(o.wd.watch, rel), "");
      truncateSync(join(o.wd.watch, rel), 12 * MiB + 1);
    }
    // Leaving: the oldest files beyond KEEP_FILES, and the error folder every 30 s.
    while (live.length > KEEP_FILES) {
      const rel = live.shift()!;
      rmSync(join(o.wd.watch, rel), { force: true });
      deletedKeys.add(rel);
    }
    if (tick % 120 === 0) rmSync(errorDir, { recursive: true, force: true });

    const at = performance.now() - started;
    if (at >= nextSample) {
      const s = { atMs: Math.round(at), rss: currentRss(dsp.pid), fds: openFds(dsp.pid), logBytes: fileSize(join(o.wd.state, "progress.log")) };
      samples.push(s);
      o.onSample?.(s);
      nextSample += sampleMs;
    }
    await Bun.sleep(TICK_MS); // the workload's own pace: files arrive on a clock, not on an event
    if (exitedEarly !== undefined) break;
  }

  stopping = true;
  const violations = flatnessViolations(samples);
  if (exitedEarly !== undefined) violations.push(`dsp exited by itself during the soak with code ${exitedEarly}: ${dsp.rawOutput.slice(-20).join("\n")}`);
  else {
    const code = await dsp.stop("SIGTERM");
    if (code !== 0) violations.push(`SIGTERM: dsp exited with ${code}, expected 0`);
  }
  const uploadedLines = dsp.lines.filter((l) => l.msg === "uploaded");
  const uploaded = uploadedLines.length;
  const durable = uploadedLines.map((l) => Number(l.durable_ms)).sort((a, b) => a - b);
  const failed = dsp.lines.filter((l) => l.msg === "failed").length;
  const crashes = dsp.lines.filter((l) => l.level === "ERROR" && l.msg !== "failed");
  for (const l of crashes.slice(0, 5)) violations.push(`unexpected error logged: ${JSON.stringify(l)}`);
  if (failed === 0) violations.push("no file failed: the soak's failing files were not exercised");

  const settle = await runDsp({ env, args: ["run", "--once"], timeoutMs: 300_000 });
  if (settle.code !== 0 && settle.code !== 3) violations.push(`settling run exited with ${settle.code}`);
  if (existsSync(o.wd.watch)) {
    violations.push(...(await settledViolations(o.bucket, { watch: o.wd.watch, errorDir, stateDir: o.wd.state, extraKeys: deletedKeys })));
  }
  return { samples, uploaded, failed, written, violations, summary: summarize(samples, uploaded, failed, written, durable) };
}

/**
 * Flat after warm-up: the samples after the first 20% (at least 30 s) are split in thirds; the
 * last third may not sit higher than the first one by more than the allowance. Medians for RSS
 * (it breathes with garbage collection), floor and median for descriptors, maxima for log size.
 */
export function flatnessViolations(samples: readonly SoakSample[]): string[] {
  const warm = samples.filter((s) => s.atMs >= Math.max(30_000, samples.at(-1)!.atMs * 0.2));
  if (warm.length < 9) return [`only ${warm.length} samples after warm-up: run longer`];
  const third = Math.floor(warm.length / 3);
  const first = warm.slice(0, third);
  const last = warm.slice(-third);
  const out: string[] = [];
  const rssFirst = median(first.map((s) => s.rss));
  const rssLast = median(last.map((s) => s.rss));
  if (rssLast > rssFirst * 1.05 + 4 * MiB) out.push(`RSS grew: median ${mib(rssFirst)} → ${mib(rssLast)} MiB after warm-up`);
  // Descriptors open at a given instant follow the uploads in flight (a file and a socket each),
  // which spike whenever the server slows down: a spike is not a leak. A leaked descriptor never
  // closes, so it raises the floor (the fewest open at any sample) and the median.
  const fdFloorFirst = Math.min(...first.map((s) => s.fds));
  const fdFloorLast = Math.min(...last.map((s) => s.fds));
  if (fdFloorLast > fdFloorFirst + 2) out.push(`open descriptors grew: fewest open ${fdFloorFirst} → ${fdFloorLast}`);
  const fdMedianFirst = median(first.map((s) => s.fds));
  const fdMedianLast = median(last.map((s) => s.fds));
  if (fdMedianLast > fdMedianFirst + 4) out.push(`open descriptors grew: median ${fdMedianFirst} → ${fdMedianLast}`);
  const logMax = Math.max(...samples.map((s) => s.logBytes));
  if (logMax > 4 * MiB) out.push(`progress log reached ${mib(logMax)} MiB: compaction does not bound it`);
  const logFirst = Math.max(...first.map((s) => s.logBytes));
  const logLast = Math.max(...last.map((s) => s.logBytes));
  if (logLast > logFirst * 1.5 + 256 * 1024) out.push(`progress log grew: max ${logFirst} → ${logLast} bytes`);
  return out;
}

/** `durable`: sorted durable_ms of the "uploaded" lines (SC-014: the record is durable within 1 s of the upload). */
function summarize(samples: readonly SoakSample[], uploaded: number, failed: number, written: number, durable: number[]): string {
  const pct = (p: number) => durable[Math.min(durable.length - 1, Math.floor(durable.length * p))] ?? NaN;
  const rss = samples.map((s) => s.rss);
  const fds = samples.map((s) => s.fds);
  const log = samples.map((s) => s.logBytes);
  const secs = (samples.at(-1)?.atMs ?? 0) / 1000;
  return (
    `${secs.toFixed(0)} s, ${written} files written, ${uploaded} uploaded, ${failed} failed; ` +
    `RSS ${mib(Math.min(...rss))}–${mib(Math.max(...rss))} MiB, descriptors ${Math.min(...fds)}–${Math.max(...fds)}, ` +
    `progress log ${(Math.min(...log) / 1024).toFixed(0)}–${(Math.max(...log) / 1024).toFixed(0)} KiB; ` +
    `completed record durable after the upload: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${durable.at(-1)} ms`
  );
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function mib(n: number): string {
  return (n / MiB).toFixed(1);
}
