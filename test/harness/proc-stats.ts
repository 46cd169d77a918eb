/** Memory and descriptor readings of a running process, from /proc (Linux). */
import { readdirSync, readFileSync } from "node:fs";

/** Peak resident set size (VmHWM) in bytes: the kernel's own high-water mark, no sampling gaps. */
export function peakRss(pid: number): number {
  return statusField(pid, "VmHWM");
}

export function currentRss(pid: number): number {
  return statusField(pid, "VmRSS");
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function statusField(pid: number, name: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m) throw new Error(`${name} not found in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
