/**
 * `dsp status`: where things stand, read without taking the run lock, so it works while a run is
 * active and after one died: whether a run holds the lock (and its pid), counts per state, files in
 * progress with their step and bytes done, the last failures with reasons, the time of the last
 * activity and the size of the progress log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lockPath, readLockHolder } from "../lock/run-lock.ts";
import { probeLock } from "../lock/lock-probe.ts";
import { LOG_NAME } from "../progress/progress-log.ts";
import { progressView, type ProgressView } from "../progress/status-view.ts";
import { EXIT } from "./exit-codes.ts";
import { readConfig } from "./setup.ts";
import { VERSION } from "../version.ts";

export interface StatusFlags {
  envFile?: string;
  json?: boolean;
}

export interface StatusReport extends ProgressView {
  version: string;
  running: boolean;
  pid: number | undefined;
  startedAt: string | undefined;
  watchDir: string;
  errorDir: string;
  bucket: string;
  prefix: string;
  stateDir: string;
}

export function statusCommand(flags: StatusFlags): number {
  const { config } = readConfig(flags.envFile);
  const path = lockPath(config.stateDir);
  const lock = probeLock(path);
  const holder = lock.held ? readLockHolder(path) : undefined;
  const report: StatusReport = {
    version: VERSION,
    running: lock.held,
    pid: lock.pid,
    startedAt: holder?.startedAt,
    watchDir: config.watchDir,
    errorDir: config.errorDir,
    bucket: config.s3.bucket,
    prefix: config.s3.prefix,
    stateDir: config.stateDir,
    ...progressView(readIfExists(join(config.stateDir, LOG_NAME))),
  };
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : formatStatus(report));
  return EXIT.OK;
}

/**
 * Whole, in one read: the log is bounded by compaction (about twice the live state plus 1 MiB:
 * under 2 MiB for 100,000 files), replay needs all of it, and one read sees one consistent prefix
 * of a log a run may be appending to.
 */
function readIfExists(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function formatStatus(r: StatusReport): string {
  const c = r.counts;
  const lines = [
    r.running ? `dsp run: active (pid ${r.pid}, started ${r.startedAt ?? "unknown"})` : "dsp run: not running",
    `watching: ${r.watchDir}`,
    `target:   s3://${r.bucket}/${r.prefix}`,
    `files:    ${c.completed} uploaded, ${c["in-progress"]} in progress, ${c.pending} waiting, ${c.failed} failed`,
    `last activity: ${r.lastActivity ?? "none"}`,
    `progress log: ${join(r.stateDir, LOG_NAME)} (${formatSize(r.logBytes)})`,
  ];
  if (r.damage) lines.push(`WARNING: the progress log is damaged (${r.damage}); the next dsp run rebuilds it from S3`);
  if (r.inProgress.length > 0) {
    lines.push("in progress:");
    for (const f of r.inProgress) lines.push(`  ${f.file}  ${f.step ?? ""} ${formatSize(f.bytesDone)} of ${formatSize(f.size)} (since ${f.since})`);
  }
  if (r.lastFailures.length > 0) {
    lines.push(`last failures (error folder: ${r.errorDir}):`);
    for (const f of r.lastFailures) lines.push(`  ${f.at}  ${f.file}  ${f.error}: ${f.details}${f.movedTo ? `  → ${f.movedTo}` : ""}`);
  }
  return lines.join("\n") + "\n";
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
