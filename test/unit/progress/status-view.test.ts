/**
 * `dsp status` skims entries (path, state, time) instead of decoding them: what it reports must
 * be exactly what a full replay of the same bytes says, for every state, through snapshots,
 * forgotten files and progress records, and damage in the middle must still be reported.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../../src/log.ts";
import type { FileEntry, FileState } from "../../../src/progress/file-entry.ts";
import { nodeLogFiles } from "../../../src/progress/log-files.ts";
import { LOG_NAME, ProgressLog } from "../../../src/progress/progress-log.ts";
import { replay } from "../../../src/progress/replay.ts";
import { progressView } from "../../../src/progress/status-view.ts";

const root = mkdtempSync(join(tmpdir(), "dsp-status-view-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STATES: FileState[] = ["pending", "in-progress", "completed", "failed"];

function entry(i: number, state: FileState): FileEntry {
  const e: FileEntry = {
    relPath: i % 7 === 0 ? `données/été-${i}.csv` : `exports/site-${i % 9}/f${i}.csv`,
    state,
    fp: { size: BigInt(1000 + i), mtimeNs: 1_800_000_000_000_000_000n + BigInt(i), ino: BigInt(9_000_000_000 + i), dev: 2049n },
    attempts: 1 + (i % 3),
    updatedAt: 1_700_000_000_000 + i * 10,
    keys: state === "completed" ? [`p/f${i}`] : [],
    intentKeys: state === "in-progress" && i % 2 === 0 ? [`p/f${i}`] : [],
    uploads: state === "in-progress" && i % 2 === 1 ? [{ key: `p/f${i}`, uploadId: `upload-${i}` }] : [],
  };
  if (state === "completed") e.etag = `"etag-${i}"`;
  if (state === "failed") e.error = { code: "FILE_TOO_LARGE", message: `file ${i} is too large`, ...(i % 2 ? { movedTo: `moved/f${i}` } : {}) };
  if (state === "in-progress") e.step = "uploading";
  return e;
}

test("status from skimmed entries equals what a full replay says, across snapshots, forgets and progress; bytes sent survive a compaction", async () => {
  const dir = join(root, "a");
  mkdirSync(dir);
  let clock = 1_700_000_000_000;
  const { plog } = await ProgressLog.open({
    dir,
    identity: { bucket: "b", prefix: "p/" },
    dspVersion: "test",
    files: nodeLogFiles,
    log: silentLogger,
    now: () => clock++,
    onFatal: (err) => {
      throw err;
    },
    compactAfterBytes: 4096, // several compactions: snapshots and plain records both
  });
  for (let i = 0; i < 600; i++) await plog.put(entry(i, STATES[i % 4]!), { durable: i % 50 === 0 });
  for (let i = 0; i < 600; i += 13) plog.forget(entry(i, "completed").relPath);
  for (let i = 1; i < 600; i += 4) plog.progress(entry(i, "in-progress").relPath, i * 1000);
  await plog.put(entry(601, "in-progress"), { durable: true });
  await plog.close();

  const bytes = new Uint8Array(readFileSync(join(dir, LOG_NAME)));
  const full = [...replay(bytes).entries.values()];
  const view = progressView(bytes, 1000);
  for (const s of STATES) expect(view.counts[s]).toBe(full.filter((e) => e.state === s).length);
  const recentFirst = (a: FileEntry, b: FileEntry) => b.updatedAt - a.updatedAt;
  expect(view.inProgress).toEqual(
    full
      .filter((e) => e.state === "in-progress")
      .sort(recentFirst)
      .map((e) => ({ file: e.relPath, step: "uploading", bytesDone: e.bytesDone ?? 0, size: Number(e.fp.size), since: new Date(e.updatedAt).toISOString() })),
  );
  expect(view.inProgress.some((f) => f.bytesDone > 0)).toBe(true);
  expect(view.lastFailures).toEqual(
    full
      .filter((e) => e.state === "failed")
      .sort(recentFirst)
      .map((e) => ({ file: e.relPath, error: "FILE_TOO_LARGE", details: e.error!.message, movedTo: e.error!.movedTo, at: new Date(e.updatedAt).toISOString() })),
  );
  expect(view.lastActivity).toBe(new Date(Math.max(...full.map((e) => e.updatedAt))).toISOString());
  expect(view.damage).toBeUndefined();

  // Damage in the middle, valid records after it: reported, not hidden.
  const damaged = bytes.slice();
  damaged[bytes.length >> 1]! ^= 0x40;
  expect(progressView(damaged).damage).toMatch(/at byte \d+/);
});
