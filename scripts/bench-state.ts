/**
 * State benchmark: how long the compiled binary takes, with N tracked files (default 100,000), to
 *   - answer `dsp status --json` (issue goal: under 200 ms), and
 *   - resume: `dsp run --once` on a folder whose files are all recorded as completed with unchanged
 *     fingerprints (SC-012: within 30 s; our goal: under 2 s), which must skip all of them without
 *     one S3 request for them,
 * plus the progress log's size after compaction (FR-017).
 *
 *   bun scripts/bench-state.ts [--files N] [--rounds R]
 *
 * The files (1 byte each, in folders of 1,000) and the log are made here, in a scratch folder on
 * the same filesystem as /tmp; the log is written through dsp's own ProgressLog (the same code the
 * binary runs), with the real fingerprints of the files, as a run that uploaded them would leave
 * it. A local SeaweedFS is started for the resume (dsp checks the bucket at start). Medians of R
 * rounds (default 5) with the page cache warm; wall time from spawn to exit.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { ProgressLog, LOG_NAME } from "../src/progress/progress-log.ts";
import { ProgressStore } from "../src/progress/progress-store.ts";
import { nodeLogFiles } from "../src/progress/log-files.ts";
import { fingerprintOf } from "../src/watch/fingerprint.ts";
import { silentLogger } from "../src/log.ts";
import { VERSION } from "../src/version.ts";
import { s3ClientFor } from "../test/harness/s3-env.ts";
import { startSeaweedfs } from "../test/harness/seaweedfs.ts";

const root = new URL("..", import.meta.url).pathname;
const { values: args } = parseArgs({ options: { files: { type: "string", default: "100000" }, rounds: { type: "string", default: "5" } } });
const N = Number(args.files);
const ROUNDS = Number(args.rounds);
const BINARY = join(root, "dist/dsp");

const scratch = mkdtempSync(join(tmpdir(), "dsp-bench-state-"));
const watch = join(scratch, "watch");
const state = join(scratch, "state");
mkdirSync(state, { recursive: true });
const s3 = await startSeaweedfs({ dir: join(scratch, "s3") });
try {
  const bucket = "bench-state";
  await s3ClientFor(s3).send(new CreateBucketCommand({ Bucket: bucket }));
  console.log(`making ${N.toLocaleString()} files and their progress log...`);
  const rels: string[] = [];
  for (let i = 0; i < N; i++) {
    const dir = `exports/2026/day-${String(Math.floor(i / 1000)).padStart(3, "0")}`;
    if (i % 1000 === 0) mkdirSync(join(watch, dir), { recursive: true });
    const rel = `${dir}/export-${String(i).padStart(6, "0")}.csv`;
    writeFileSync(join(watch, rel), String(i % 10));
    rels.push(rel);
  }
  const { plog } = await ProgressLog.open({
    dir: state,
    identity: { bucket, prefix: "" },
    dspVersion: VERSION,
    files: nodeLogFiles,
    log: silentLogger,
    now: Date.now,
    onFatal: (err) => {
      throw err;
    },
  });
  const store = new ProgressStore(plog);
  for (let i = 0; i < N; i += 1000) {
    await Promise.all(
      rels.slice(i, i + 1000).map(async (rel) => {
        const fp = fingerprintOf(statSync(join(watch, rel), { bigint: true }));
        await store.started(rel, fp);
        await store.completed(rel, fp, [rel], '"0cc175b9c0f1b6a831c399e269772661"');
      }),
    );
  }
  await plog.close();

  const env = {
    ...process.env,
    DSP_S3_BUCKET: bucket,
    DSP_S3_ENDPOINT: s3.endpoint,
    DSP_S3_REGION: s3.region,
    DSP_S3_ACCESS_KEY_ID: s3.accessKeyId,
    DSP_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    DSP_WATCH_DIR: watch,
    DSP_STATE_DIR: state,
    DSP_STABILITY_WINDOW: "100ms",
    DSP_LOG_LEVEL: "INFO",
    DSP_LOG_FORMAT: "json",
  };
  const timed = (argv: string[]) => {
    const t0 = performance.now();
    const r = Bun.spawnSync([BINARY, ...argv], { env, stdout: "pipe", stderr: "pipe" });
    const ms = performance.now() - t0;
    if (r.exitCode !== 0) throw new Error(`dsp ${argv.join(" ")} exited ${r.exitCode}: ${r.stderr.toString().slice(-2000)}`);
    return { ms, out: r.stdout.toString() + r.stderr.toString() };
  };

  const statusMs: number[] = [];
  const resumeMs: number[] = [];
  let logBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const status = timed(["status", "--json"]);
    const report = JSON.parse(status.out.slice(status.out.indexOf("{")));
    if (report.counts.completed !== N) throw new Error(`status counted ${report.counts.completed} completed, expected ${N}`);
    statusMs.push(status.ms);
    logBytes = report.logBytes;

    const resume = timed(["run", "--once"]);
    const lines = resume.out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const processed = lines.filter((l) => l.msg === "processing").length;
    const replayed = lines.find((l) => l.msg === "progress log replayed");
    if (processed !== 0) throw new Error(`the resume processed ${processed} files; all ${N} were recorded as completed`);
    if (replayed?.entries !== N) throw new Error(`the resume replayed ${replayed?.entries} entries, expected ${N}`);
    resumeMs.push(resume.ms);
    if (process.env.SHOW_LOG) console.log(lines.map((l) => `${l.time ?? l.ts ?? ""} ${l.msg} ${JSON.stringify(l)}`).join("\n"));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n${N.toLocaleString()} tracked files, ${ROUNDS} rounds, medians (min–max):`);
  console.log(`| what | median ms | min–max ms | goal |`);
  console.log(`| --- | --- | --- | --- |`);
  console.log(`| dsp status --json | ${median(statusMs).toFixed(0)} | ${Math.min(...statusMs).toFixed(0)}–${Math.max(...statusMs).toFixed(0)} | < 200 |`);
  console.log(`| dsp run --once, all files already uploaded (replay + scan + exit) | ${median(resumeMs).toFixed(0)} | ${Math.min(...resumeMs).toFixed(0)}–${Math.max(...resumeMs).toFixed(0)} | < 2,000 (SC-012: 30,000) |`);
  console.log(`progress log after compaction: ${(logBytes / 1024).toFixed(0)} KiB (${(logBytes / N).toFixed(1)} bytes per file); ${LOG_NAME} in ${state}`);
} finally {
  await s3.stop();
  if (process.env.KEEP_SCRATCH) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
