/**
 * The single-instance lock of `dsp run`: an flock on <state>/dsp.lock, held for the life of the
 * process and released by the kernel however the process ends. The file also says who holds it
 * (pid, start time, version) for `dsp status` and for the message of a second `dsp run`.
 * The lock file is created once and never deleted: deleting it would let two runs lock two
 * different inodes.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync, constants } from "node:fs";
import { join } from "node:path";
import { DspError } from "../errors.ts";
import { EWOULDBLOCK, flock, LOCK_EX, LOCK_NB } from "./libc.ts";

export interface LockHolder {
  pid: number;
  startedAt: string;
  version: string;
}

export type LockAttempt = { acquired: true; path: string; release(): void } | { acquired: false; path: string; holder: LockHolder | undefined };

export function lockPath(stateDir: string): string {
  return join(stateDir, "dsp.lock");
}

export function acquireRunLock(stateDir: string, me: LockHolder): LockAttempt {
  const path = lockPath(stateDir);
  let fd: number;
  try {
    mkdirSync(stateDir, { recursive: true });
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (err) {
    throw new DspError("LOCK_FAILED", `cannot create the lock file ${path}: ${(err as Error).message} (DSP_STATE_DIR)`, {
      file: path,
    });
  }
  const errno = flock(fd, LOCK_EX | LOCK_NB);
  if (errno === EWOULDBLOCK) {
    closeSync(fd);
    return { acquired: false, path, holder: readLockHolder(path) };
  }
  if (errno !== 0) {
    closeSync(fd);
    throw new DspError("LOCK_FAILED", `cannot lock ${path}: flock failed with errno ${errno}`, { file: path });
  }
  ftruncateSync(fd, 0);
  writeSync(fd, JSON.stringify(me) + "\n", 0);
  return { acquired: true, path, release: () => closeSync(fd) };
}

export function readLockHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number") return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? ""), version: String(parsed.version ?? "") };
  } catch {
    return undefined;
  }
}
