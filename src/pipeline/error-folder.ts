/**
 * The error folder: a failed file is moved (renamed: same filesystem, no copy, no extra disk) to
 * <error folder>/<its relative path>, next to a small <name>.error.json sidecar saying what went
 * wrong. A name already taken there (the same file failed before) gets a numeric suffix, so no
 * earlier failure is overwritten. The move happens only if the path still holds the version that
 * failed; a newer version stays in the watched folder and is tried on its own.
 */
import { lstat, mkdir, rename, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, join } from "node:path";
import { fingerprintOf, sameFingerprint, type Fingerprint } from "../watch/fingerprint.ts";

export interface FailureReport {
  relPath: string;
  fp: Fingerprint;
  code: string;
  message: string;
  attempts: number;
  context: Record<string, string | number | boolean>;
}

export interface Moved {
  /** Path of the moved file relative to the error folder. */
  movedTo: string;
  sidecar: string;
}

/** Moves the file and writes its sidecar; undefined when the path no longer holds that version. */
export async function moveToErrorFolder(watchDir: string, errorDir: string, f: FailureReport, now: Date): Promise<Moved | undefined> {
  const source = join(watchDir, f.relPath);
  try {
    if (!sameFingerprint(fingerprintOf(await lstat(source, { bigint: true })), f.fp)) return undefined;
  } catch {
    return undefined; // gone
  }
  await mkdir(dirname(join(errorDir, f.relPath)), { recursive: true });
  const movedTo = await freeName(errorDir, f.relPath);
  await rename(source, join(errorDir, movedTo));
  const sidecar = `${movedTo}.error.json`;
  const report = {
    timestamp: now.toISOString(),
    path: f.relPath,
    movedTo,
    error: { type: f.code, details: f.message, ...f.context },
    attempts: f.attempts,
    size: Number(f.fp.size),
    mtime: new Date(Number(f.fp.mtimeNs / 1_000_000n)).toISOString(),
  };
  await writeFile(join(errorDir, sidecar), JSON.stringify(report, null, 2) + "\n", { flag: constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC });
  return { movedTo, sidecar };
}

async function freeName(errorDir: string, relPath: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? relPath : `${relPath}.${n}`;
    if (!(await exists(join(errorDir, candidate))) && !(await exists(join(errorDir, `${candidate}.error.json`)))) return candidate;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Start-up check: the error folder must exist and live on the watched folder's filesystem. */
export async function prepareErrorFolder(watchDir: string, errorDir: string): Promise<string | undefined> {
  let watchDev: bigint;
  try {
    watchDev = (await lstat(watchDir, { bigint: true })).dev;
  } catch {
    // The watched folder is missing (an unmounted share?): creating folders now could put them on
    // the wrong filesystem. The first move creates the error folder.
    return undefined;
  }
  await mkdir(errorDir, { recursive: true });
  const errorDev = (await lstat(errorDir, { bigint: true })).dev;
  if (watchDev !== errorDev) {
    return `DSP_ERROR_DIR (${errorDir}) is on another filesystem than DSP_WATCH_DIR (${watchDir}): failed files are moved there by rename, which cannot cross filesystems`;
  }
  return undefined;
}
