/**
 * What `dsp status` says about the progress log, computed from its bytes alone (read without the
 * run lock, while a run appends to it or after one died). A tail being written right now looks
 * torn and is simply not counted yet; damage in the middle is reported, never hidden.
 */
import { FILE_STATES, type FileEntry, type FileState } from "./file-entry.ts";
import { replay } from "./replay.ts";

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
  const r = replay(bytes);
  const entries = [...r.entries.values()];
  for (const e of entries) counts[e.state]++;
  const byRecent = (a: FileEntry, b: FileEntry) => b.updatedAt - a.updatedAt;
  const latest = entries.reduce((m, e) => Math.max(m, e.updatedAt), 0);
  return {
    logBytes: bytes.length,
    counts,
    inProgress: entries
      .filter((e) => e.state === "in-progress")
      .sort(byRecent)
      .map((e) => ({ file: e.relPath, step: e.step, bytesDone: e.bytesDone ?? 0, size: Number(e.fp.size), since: iso(e.updatedAt) })),
    lastFailures: entries
      .filter((e) => e.state === "failed")
      .sort(byRecent)
      .slice(0, maxFailures)
      .map((e) => ({ file: e.relPath, error: e.error?.code ?? "?", details: e.error?.message ?? "", movedTo: e.error?.movedTo, at: iso(e.updatedAt) })),
    lastActivity: latest > 0 ? iso(latest) : undefined,
    damage: r.end.kind === "corrupt" ? `${r.end.reason} at byte ${r.end.offset}` : undefined,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
