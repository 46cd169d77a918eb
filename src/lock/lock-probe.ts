/**
 * Tells, without taking it, whether someone holds the run lock: `dsp status` must never block or
 * disturb a starting `dsp run` (a status that took the lock even briefly could make a run started
 * by cron at that moment exit, believing another one runs). Linux lists every flock in /proc/locks
 * with the holder's pid and the file's device and inode; that is read-only and race-free.
 */
import { readFileSync, statSync } from "node:fs";

export interface LockState {
  held: boolean;
  pid: number | undefined;
}

export function probeLock(path: string, procLocks = "/proc/locks"): LockState {
  let ino: bigint;
  let dev: bigint;
  try {
    const st = statSync(path, { bigint: true });
    ino = st.ino;
    dev = st.dev;
  } catch {
    return { held: false, pid: undefined }; // no lock file: no run ever started with this state dir
  }
  const table = readFileSync(procLocks, "utf8");
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  for (const line of table.split("\n")) {
    // "1: FLOCK  ADVISORY  WRITE 3506 fe:00:2170947 0 EOF"
    const m = /^\d+:\s+FLOCK\s+\S+\s+WRITE\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (!m) continue;
    if (BigInt(m[4]!) === ino && parseInt(m[2]!, 16) === major && parseInt(m[3]!, 16) === minor) {
      return { held: true, pid: Number(m[1]) };
    }
  }
  return { held: false, pid: undefined };
}
