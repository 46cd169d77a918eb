/**
 * Per-test folders (watched folder, state folder) under one root per test process, removed at the
 * end. Tests may use temporary folders; only the product promises never to write any.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(tmpdir(), `dsp-tests-${process.pid}`);
let counter = 0;

export interface WorkDir {
  root: string;
  watch: string;
  state: string;
  /** A file outside the watched folder, for tests that need one. */
  outside?: string;
}

export function makeWorkDir(label: string): WorkDir {
  const root = join(ROOT, `${label}-${++counter}`);
  const wd = { root, watch: join(root, "watch"), state: join(root, "state") };
  mkdirSync(wd.watch, { recursive: true });
  return wd;
}

export function removeAllWorkDirs(): void {
  rmSync(ROOT, { recursive: true, force: true });
}
