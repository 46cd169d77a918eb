/**
 * One timed child process: wall time, peak RSS and CPU time, with its output kept in a log file.
 *
 * Why GNU time and not Bun's `resourceUsage().maxRSS` (bytes): Bun starts children with a vfork-style
 * spawn, and Linux carries the high-water mark of the address space a process had before exec into
 * its ru_maxrss — which for a vfork child is the *parent's*. Every child of this script would then
 * report at least this script's own RSS (measured: `true` spawned from a Bun process holding 500 MiB
 * reports 515 MiB). GNU time forks its child from its own ~1 MiB image and reports that child's
 * ru_maxrss from wait4, which covers the child and every descendant it reaped.
 */
import { closeSync, openSync, readFileSync } from "node:fs";

export const GNU_TIME = "/usr/bin/time";

export interface Measurement {
  wallS: number;
  peakRssBytes: number;
  /** User + system CPU time of the child and its reaped descendants. */
  cpuS: number;
  exitCode: number;
  /** What Bun's resourceUsage() says for the same child, kept only to show how far off it is. */
  bunMaxRssBytes: number;
}

export interface ChildSpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
}

/**
 * Runs the child under GNU time with stdout and stderr going to `logPath`: a file, not a pipe, so a
 * chatty tool is never slowed down by this process reading its output.
 */
export async function measure(spec: ChildSpec, logPath: string): Promise<Measurement> {
  const statsPath = `${logPath}.time`;
  const fd = openSync(logPath, "w");
  try {
    const argv = [GNU_TIME, "-o", statsPath, "-f", "%M %U %S", "--", ...spec.argv];
    const started = performance.now();
    const proc = Bun.spawn(argv, { env: spec.env, cwd: spec.cwd, stdin: "ignore", stdout: fd, stderr: fd });
    const exitCode = await proc.exited;
    const wallS = (performance.now() - started) / 1000;
    // GNU time writes "Command exited with non-zero status N" before the format line when it fails.
    const last = readFileSync(statsPath, "utf8").trim().split("\n").at(-1) ?? "";
    const [kib, user, sys] = last.split(" ").map(Number);
    if (kib === undefined || user === undefined || sys === undefined || [kib, user, sys].some(Number.isNaN)) {
      throw new Error(`cannot read GNU time's output "${last}" for ${spec.argv.join(" ")}`);
    }
    return { wallS, peakRssBytes: kib * 1024, cpuS: user + sys, exitCode, bunMaxRssBytes: proc.resourceUsage()?.maxRSS ?? NaN };
  } finally {
    closeSync(fd);
  }
}

export function logTail(logPath: string, lines = 15): string {
  try {
    return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}

/**
 * Proves the RSS figures mean what the table says before any is reported: a child touching 64 MiB
 * must read about 64 MiB more than `true`, and `true` must read about nothing. Returns a note for
 * the report; throws when the method is off.
 */
export async function checkRssMethod(scratch: string): Promise<string> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const idle = await measure({ argv: ["true"], env }, `${scratch}/rss-check-true.log`);
  const touch64MiB = "const b = Buffer.alloc(64 * 1024 * 1024); b.fill(1); console.log(b[12345]);";
  const big = await measure({ argv: [process.execPath, "-e", touch64MiB], env }, `${scratch}/rss-check-64.log`);
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  if (idle.peakRssBytes > 16 * 2 ** 20 || big.peakRssBytes < 64 * 2 ** 20 || big.peakRssBytes > 256 * 2 ** 20) {
    throw new Error(`peak RSS check failed: true=${mib(idle.peakRssBytes)} MiB, 64 MiB child=${mib(big.peakRssBytes)} MiB`);
  }
  return (
    `peak RSS from GNU time (%M): \`true\` ${mib(idle.peakRssBytes)} MiB, a bun child touching 64 MiB ${mib(big.peakRssBytes)} MiB ` +
    `(Bun's resourceUsage().maxRSS would say ${mib(idle.bunMaxRssBytes)} MiB for \`true\`: it counts this script's RSS)`
  );
}

/**
 * Busy and total jiffies of all CPUs so far (/proc/stat). Two snapshots around a run tell whether the
 * machine was saturated — tool and S3 server share the CPUs — or something else was the limit.
 */
export function cpuSnapshot(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export function busyPercent(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.busy - before.busy)) / total : 0;
}
