/**
 * `dsp status`: where things stand, read without taking the run lock, so it works while a run is
 * active and after one died. Reports whether a run holds the lock, its pid and start time.
 */
import { lockPath, readLockHolder } from "../lock/run-lock.ts";
import { probeLock } from "../lock/lock-probe.ts";
import { EXIT } from "./exit-codes.ts";
import { readConfig } from "./setup.ts";
import { VERSION } from "../version.ts";

export interface StatusFlags {
  envFile?: string;
  json?: boolean;
}

export interface StatusReport {
  version: string;
  running: boolean;
  pid: number | undefined;
  startedAt: string | undefined;
  watchDir: string;
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
    bucket: config.s3.bucket,
    prefix: config.s3.prefix,
    stateDir: config.stateDir,
  };
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : formatStatus(report));
  return EXIT.OK;
}

function formatStatus(r: StatusReport): string {
  const lines = [
    r.running ? `dsp run: active (pid ${r.pid}, started ${r.startedAt ?? "unknown"})` : "dsp run: not running",
    `watching: ${r.watchDir}`,
    `target:   s3://${r.bucket}/${r.prefix}`,
    `state:    ${r.stateDir}`,
  ];
  return lines.join("\n") + "\n";
}
