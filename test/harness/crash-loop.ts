/**
 * The kill -9 loop behind test/integration/crash-loop.test.ts and scripts/crash-loop.ts: a mixed
 * workload (many small files, several multipart-sized files, two archives whose entries change,
 * files modified and added between runs), the compiled binary started and SIGKILLed at random moments (at a random log line, or
 * after a random delay, so kills land during scans, parts, completes and compactions), restarted,
 * again and again; then one last run to settle and the end-state checks. Seeded: a failure prints
 * the seed and replays with it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestBucket } from "./bucket.ts";
import { dspEnv } from "./dsp-env.ts";
import { runDsp, startDsp, type DspProcess } from "./dsp-process.ts";
import { settledViolations } from "./invariants.ts";
import type { WorkDir } from "./workdir.ts";
import { payload } from "../support/payload.ts";
import { mulberry32 } from "../support/random.ts";
import { tarBytes } from "../support/archive/tar-writer.ts";
import { buildZip } from "../support/archive/zip-writer.ts";
import { gzipSync } from "node:zlib";

const MiB = 1024 ** 2;
const ARCHIVES = ["archives/set.zip", "archives/logs.tar.gz"];

export interface CrashLoopResult {
  seed: number;
  kills: number;
  violations: string[];
  /** Kills that landed while dsp still had work (an upload or a scan in progress). */
  killsMidWork: number;
}

export async function crashLoop(opts: { bucket: TestBucket; wd: WorkDir; kills: number; seed: number; onProgress?: (k: number) => void }): Promise<CrashLoopResult> {
  const { bucket, wd } = opts;
  const rnd = mulberry32(opts.seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const env = {
    // A resume delay with room for SeaweedFS's late requests under this load (seen up to ~1.5 s).
    ...dspEnv(bucket, wd, { DSP_PART_SIZE: "5MiB", DSP_STABILITY_WINDOW: "150ms", DSP_LOG_LEVEL: "INFO", DSP_RESUME_DELAY: "5s" }),
    // Compact often, so that kills land in compactions too.
    DSP_COMPACT_AFTER: "16384",
  };
  let version = 0;
  const write = (rel: string, size: number) => {
    mkdirSync(join(wd.watch, rel.split("/").slice(0, -1).join("/") || "."), { recursive: true });
    writeFileSync(join(wd.watch, rel), payload(size, ++version));
  };
  // An archive version: a random subset of its possible entries (a later version that lost one
  // must have that object removed), one of them streamed (over 1 MiB), the rest small.
  const writeArchive = (rel: string) => {
    const entries = Array.from({ length: 24 }, (_, i) => i)
      .filter(() => rnd() < 0.7)
      .map((i) => ({ name: `e/${i % 3}/n${i}.txt`, data: payload(i === 0 ? 1.5 * MiB : 100 + pick(4000), ++version) }));
    mkdirSync(join(wd.watch, "archives"), { recursive: true });
    writeFileSync(join(wd.watch, rel), rel.endsWith(".zip") ? buildZip(entries) : gzipSync(tarBytes(entries)));
  };
  for (let i = 0; i < 120; i++) write(`small/d${i % 6}/f${i}.txt`, 200 + pick(20_000));
  for (let i = 0; i < 4; i++) write(`large/big${i}.bin`, 11 * MiB + pick(MiB));
  for (const rel of ARCHIVES) writeArchive(rel);

  let killsMidWork = 0;
  for (let k = 1; k <= opts.kills; k++) {
    // Between most runs the folder changes (files modified, added), so that most kills find
    // work in progress: uploads, multipart parts, completes, compactions.
    if (rnd() < 0.7) {
      for (let i = 0, n = 1 + pick(4); i < n; i++) write(`small/d${pick(6)}/f${pick(120)}.txt`, 200 + pick(20_000));
      if (rnd() < 0.3) write(`large/big${pick(4)}.bin`, 11 * MiB + pick(MiB));
      write(`added/k${k}.txt`, 100 + pick(5000));
      if (rnd() < 0.3) writeArchive(ARCHIVES[pick(ARCHIVES.length)]!);
    }
    const dsp = startDsp({ env });
    // Most runs die before the resume fence comes down; some outlive it, so that kills land in the
    // cleanup and in the new uploads of the previous runs' files too.
    if (rnd() < 0.12) await outliveResumeFence(dsp);
    if (rnd() < 0.5) {
      const target = 1 + pick(60);
      let seen = 0;
      // A run with little left to do writes few lines: give up waiting after a short while and
      // kill wherever it is then (a quiet run is a moment worth killing too).
      await dsp.waitFor(() => ++seen >= target, `log line ${target}`, 3_000).catch(() => undefined);
    } else {
      await Bun.sleep(pick(1500)); // a random moment, by design: the point is not to wait for an event
    }
    const busy = dsp.lines.some((l) => l.msg === "processing") && !dsp.lines.some((l) => l.msg === "dsp stopped");
    if (busy) killsMidWork++;
    dsp.proc.kill("SIGKILL");
    await dsp.exited;
    opts.onProgress?.(k);
  }
  const final = await runDsp({ env, args: ["run", "--once"], timeoutMs: 300_000 });
  const violations = final.code === 0 ? [] : [`settling run exited with ${final.code}: ${final.output.slice(-2000)}`];
  violations.push(
    ...(await settledViolations(bucket, { watch: wd.watch, errorDir: join(wd.watch, ".dsp-errors"), stateDir: wd.state, isArchive: (rel) => ARCHIVES.includes(rel) })),
  );
  return { seed: opts.seed, kills: opts.kills, violations, killsMidWork };
}

async function outliveResumeFence(dsp: DspProcess): Promise<void> {
  await dsp.waitFor((l) => l.msg === "dsp started", "dsp started", 30_000);
  if (!dsp.lines.some((l) => l.msg === "files the interrupted run was uploading wait until its requests have settled")) return;
  await dsp.waitFor((l) => l.msg === "resuming the files of the interrupted run", "resume fence down", 60_000);
}
