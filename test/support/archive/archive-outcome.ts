/**
 * What an end-to-end archive test checks after `dsp run --once`: the objects an archive produced,
 * key by key and byte by byte, or its place in the error folder with the reason dsp gave. Shared by
 * the archive suites so each states only its cases, not the way to read the outcome.
 */
import { expect } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestBucket } from "../../harness/bucket.ts";
import { DSP_BINARY } from "../../harness/dsp-process.ts";
import { settledViolations } from "../../harness/invariants.ts";
import type { WorkDir } from "../../harness/workdir.ts";

/** The file names dsp opens as archives (the rest of a watched folder is uploaded as is). */
export const ARCHIVE_NAME = /\.(zip|tar|tgz|tar\.gz|gz|bz2|xz|7z|rar|lzma|tlz)$/;

export const errorDirOf = (wd: WorkDir) => join(wd.watch, ".dsp-errors");

export interface Sidecar {
  error: { type: string; reason?: string; details: string; entry?: string };
}

/** The error folder's record for `rel` (the file's path in the watched folder). */
export function sidecar(wd: WorkDir, rel: string): Sidecar {
  return JSON.parse(readFileSync(join(errorDirOf(wd), `${rel}.error.json`), "utf8")) as Sidecar;
}

/** The settled-state violations, with every file named like an archive checked as one. */
export function settleArchives(bucket: TestBucket, wd: WorkDir, isArchive: (rel: string) => boolean = (rel) => ARCHIVE_NAME.test(rel)) {
  return settledViolations(bucket, { watch: wd.watch, errorDir: errorDirOf(wd), stateDir: wd.state, isArchive });
}

const asBytes = (v: string | Uint8Array) => (typeof v === "string" ? new TextEncoder().encode(v) : v);

/**
 * The objects under `folder/` are exactly `expected` (path below the folder → bytes), each with
 * exactly those bytes. Compared as hex digests in one list so a failure names every wrong entry.
 */
export async function expectObjects(bucket: TestBucket, folder: string, expected: Record<string, string | Uint8Array>): Promise<void> {
  const keys = await bucket.keys(`${folder}/`);
  expect(keys).toEqual(Object.keys(expected).map((p) => `${folder}/${p}`).sort());
  const digest = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");
  const got: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(expected)) {
    got[path] = digest(await bucket.bytes(`${folder}/${path}`));
    want[path] = digest(asBytes(bytes));
  }
  expect(got).toEqual(want);
}

/**
 * `rel` was refused: it sits in the error folder, its record carries `reason` (the ArchiveError code,
 * or the DspError type for failures that are not the reader's) with details matching `details`,
 * and nothing of it is in S3 (no object under its folder, no manifest).
 */
export async function expectRefused(bucket: TestBucket, wd: WorkDir, rel: string, folder: string, reason: string, details?: RegExp): Promise<void> {
  expect(existsSync(join(errorDirOf(wd), rel))).toBe(true);
  const { error } = sidecar(wd, rel);
  expect(error.reason ?? error.type).toBe(reason);
  if (details) expect(error.details).toMatch(details);
  expect(await bucket.keys(`${folder}/`)).toEqual([]);
  expect(await bucket.keys(`.dsp/manifests/${rel}`)).toEqual([]);
}

export interface InspectReport {
  files: { path: string; entry: string; bytes: number }[];
  error?: { code: string; message: string };
}

/** `dsp inspect --json` of the compiled binary on `path` (no S3, nothing written): exit code and report. */
export function inspectArchive(path: string, env: Record<string, string> = {}): { code: number; report: InspectReport } {
  const r = Bun.spawnSync([DSP_BINARY, "inspect", "--json", path], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, report: JSON.parse(r.stdout.toString()) as InspectReport };
}
