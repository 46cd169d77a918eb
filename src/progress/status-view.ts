/**
 * What `dsp status` says about the progress log, computed from its bytes alone (read without the
 * run lock, while a run appends to it or after one died). A tail being written right now looks
 * torn and is simply not counted yet; damage in the middle is reported, never hidden. Entries are
 * skimmed (path, state, time) and decoded in full only for the few shown in detail: 100,000
 * entries must answer well under 200 ms.
 */
import { FILE_STATES, fullEntry, type EntrySummary, type FileState } from "./file-entry.ts";
import { replayWith, SKIM } from "./replay.ts";

export interface ProgressView {
  logBytes: number;
  counts: Record<FileState, number>;
  inProgress: { file: string; step: string | undefined; bytesDone: number; size: number; since: string }[];
  lastFailures: { file: string; error: string; details: string; movedTo: string | undefined; at: string }[];
  lastActivity: string | undefined;
  /** Set when the log is damaged in the middle (the next `dsp run` rebuilds from S3). */
  damage: string | undefined;
}

export function progressView(bytes: Uint8Array | undefined, maxFailures = 10): ProgressView {
  const counts = Object.fromEntries(FILE_STATES.map((s) => [s, 0])) as Record<FileState, number>;
  if (bytes === undefined) {
    return { logBytes: 0, counts, inProgress: [], lastFailures: [], lastActivity: undefined, damage: undefined };
  }
  const r = replayWith(bytes, SKIM);
  const inProgress: EntrySummary[] = [];
  const failed: EntrySummary[] = [];
  let latest = 0;
  for (const e of r.entries.values()) {
    counts[e.state]++;
    if (e.updatedAt > latest) latest = e.updatedAt;
    if (e.state === "in-progress") inProgress.push(e);
    else if (e.state === "failed") failed.push(e);
  }
  const byRecent = (a: EntrySummary, b: EntrySummary) => b.updatedAt - a.updatedAt;
  return {
    logBytes: bytes.length,
    counts,
    inProgress: inProgress.sort(byRecent).map((s) => {
      const e = fullEntry(s);
      return { file: e.relPath, step: e.step, bytesDone: s.bytesDone ?? 0, size: Number(e.fp.size), since: iso(e.updatedAt) };
    }),
    lastFailures: failed
      .sort(byRecent)
      .slice(0, maxFailures)
      .map(fullEntry)
      .map((e) => ({ file: e.relPath, error: e.error?.code ?? "?", details: e.error?.message ?? "", movedTo: e.error?.movedTo, at: iso(e.updatedAt) })),
    lastActivity: latest > 0 ? iso(latest) : undefined,
    damage: r.end.kind === "corrupt" ? `${r.end.reason} at byte ${r.end.offset}` : undefined,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
