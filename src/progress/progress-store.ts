/**
 * What the pipeline needs to remember about each file, behind one interface so that the durable
 * progress log (append-only, fsynced) and the in-memory store used until then are interchangeable.
 *
 * Contract: `wanted` is false only for a version of a file (same fingerprint) that already ended
 * completed or failed; every method that records a state change resolves only once the change is
 * as durable as the store promises.
 */
import type { Fingerprint } from "../watch/fingerprint.ts";
import { sameFingerprint } from "../watch/fingerprint.ts";

export type FileState = "in-progress" | "completed" | "failed";

export interface FileRecord {
  relPath: string;
  fp: Fingerprint;
  state: FileState;
  keys: string[];
  attempts: number;
  error?: { code: string; message: string };
  updatedAt: number;
}

export interface ProgressStore {
  wanted(relPath: string, fp: Fingerprint): boolean;
  started(relPath: string, fp: Fingerprint): Promise<void>;
  multipartStarted(relPath: string, key: string, uploadId: string): Promise<void>;
  completed(relPath: string, fp: Fingerprint, keys: string[]): Promise<void>;
  failed(relPath: string, fp: Fingerprint, error: { code: string; message: string }): Promise<void>;
  counts(): Record<FileState, number>;
}

/** Keeps the last record per path in memory; durable for the life of the process only. */
export class MemoryProgressStore implements ProgressStore {
  private readonly records = new Map<string, FileRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  wanted(relPath: string, fp: Fingerprint): boolean {
    const r = this.records.get(relPath);
    if (!r || r.state === "in-progress") return true;
    return !sameFingerprint(r.fp, fp);
  }

  async started(relPath: string, fp: Fingerprint): Promise<void> {
    const prev = this.records.get(relPath);
    const attempts = prev && sameFingerprint(prev.fp, fp) ? prev.attempts + 1 : 1;
    this.records.set(relPath, { relPath, fp, state: "in-progress", keys: [], attempts, updatedAt: this.now() });
  }

  async multipartStarted(): Promise<void> {}

  async completed(relPath: string, fp: Fingerprint, keys: string[]): Promise<void> {
    const prev = this.records.get(relPath);
    this.records.set(relPath, { relPath, fp, state: "completed", keys, attempts: prev?.attempts ?? 1, updatedAt: this.now() });
  }

  async failed(relPath: string, fp: Fingerprint, error: { code: string; message: string }): Promise<void> {
    const prev = this.records.get(relPath);
    this.records.set(relPath, { relPath, fp, state: "failed", keys: [], attempts: prev?.attempts ?? 1, error, updatedAt: this.now() });
  }

  counts(): Record<FileState, number> {
    const c: Record<FileState, number> = { "in-progress": 0, completed: 0, failed: 0 };
    for (const r of this.records.values()) c[r.state]++;
    return c;
  }
}
