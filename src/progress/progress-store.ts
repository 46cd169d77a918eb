/**
 * What the pipeline records about each file, in the order the steps happen, and how durable each
 * step must be before the next one may rely on it:
 *
 *   queued            pending      not durable (a lost pending entry is found again by the scan)
 *   started           in-progress  DURABLE before the first request: a request of a killed run can
 *                                  still land, so the next start holds the file back (resume-fence.ts)
 *   multipartIntent   + intentKey  DURABLE before CreateMultipartUpload: after a crash, the key
 *                                  names where an unlogged upload may hang
 *   multipartStarted  + upload id  DURABLE before the first part
 *   partDone          bytes done   not durable (for `dsp status`)
 *   objectDone        + key        DURABLE (sources with several objects: what to delete on retry)
 *   archiveKey        + key        DURABLE before the object's upload starts (archives: a KEY record
 *                                  each, so a crash leaves no object the log does not name)
 *   completed         completed    DURABLE before "uploaded" is logged (SC-014)
 *   failed            failed       DURABLE before the file is reported failed
 *
 * `wanted` is false only for a version of a file (same fingerprint) that already ended completed
 * or failed. The store keeps entries only for files still in the folder (plus the latest failures),
 * so the log stays as small as the folder's content.
 */
import type { Fingerprint } from "../watch/fingerprint.ts";
import { sameFingerprint } from "../watch/fingerprint.ts";
import type { FileEntry, FileError, FileState } from "./file-entry.ts";
import type { ProgressLog } from "./progress-log.ts";

/** Failed entries kept for `dsp status` after their file left the folder. */
export const KEEP_FAILURES = 100;

export class ProgressStore {
  constructor(
    private readonly plog: ProgressLog,
    private readonly now: () => number = Date.now,
  ) {}

  get entries(): ReadonlyMap<string, FileEntry> {
    return this.plog.entries;
  }

  entry(relPath: string): FileEntry | undefined {
    return this.plog.entries.get(relPath);
  }

  wanted(relPath: string, fp: Fingerprint): boolean {
    const e = this.plog.entries.get(relPath);
    if (!e || e.state === "pending" || e.state === "in-progress") return true;
    return !sameFingerprint(e.fp, fp);
  }

  queued(relPath: string, fp: Fingerprint): void {
    const prev = this.plog.entries.get(relPath);
    void this.write(this.base(relPath, fp, "pending", prev), false);
  }

  started(relPath: string, fp: Fingerprint): Promise<void> {
    const prev = this.plog.entries.get(relPath);
    const attempts = (prev && sameFingerprint(prev.fp, fp) ? prev.attempts : 0) + 1;
    // Durable: a request about to be sent may outlive a crash, and the next start must know to
    // wait for it (resume-fence.ts) before uploading this file again.
    return this.write({ ...this.base(relPath, fp, "in-progress", prev), attempts, step: "uploading" }, true);
  }

  multipartIntent(relPath: string, key: string): Promise<void> {
    return this.update(relPath, (e) => ({ ...e, intentKeys: unique([...e.intentKeys, key]) }), true);
  }

  /** The upload id is known: it replaces the intent for that key. */
  multipartStarted(relPath: string, key: string, uploadId: string): Promise<void> {
    return this.update(
      relPath,
      (e) => ({ ...e, intentKeys: e.intentKeys.filter((k) => k !== key), uploads: [...e.uploads, { key, uploadId }] }),
      true,
    );
  }

  /** A multipart upload of this file ended (completed or aborted): nothing to clean up for it any more. */
  multipartEnded(relPath: string, uploadId: string): Promise<void> {
    return this.update(relPath, (e) => ({ ...e, uploads: e.uploads.filter((u) => u.uploadId !== uploadId) }), false);
  }

  step(relPath: string, step: string): void {
    void this.update(relPath, (e) => ({ ...e, step }), false);
  }

  partDone(relPath: string, bytesDone: number): void {
    this.plog.progress(relPath, bytesDone);
  }

  objectDone(relPath: string, key: string): Promise<void> {
    return this.update(relPath, (e) => ({ ...e, keys: unique([...e.keys, key]) }), true);
  }

  /** The objects of an unfinished attempt were removed from S3: nothing of it is left to clean up. */
  keysRemoved(relPath: string): Promise<void> {
    return this.update(relPath, (e) => ({ ...e, keys: [] }), true);
  }

  /** An archive's object key, made durable before its upload starts (appended, not a whole entry). */
  archiveKey(relPath: string, key: string): Promise<void> {
    return this.plog.addKey(relPath, key, { durable: true });
  }

  completed(relPath: string, fp: Fingerprint, keys: string[], etag: string | undefined): Promise<void> {
    const prev = this.plog.entries.get(relPath);
    const e: FileEntry = { ...this.base(relPath, fp, "completed", prev), keys };
    if (etag !== undefined) e.etag = etag;
    return this.write(e, true);
  }

  failed(relPath: string, fp: Fingerprint, error: FileError): Promise<void> {
    const prev = this.plog.entries.get(relPath);
    return this.write({ ...this.base(relPath, fp, "failed", prev), error }, true);
  }

  /**
   * The file is no longer in the folder: forget it, except failures, which stay (the newest
   * KEEP_FAILURES of them) so that `dsp status` can say what went wrong.
   */
  vanished(relPath: string): void {
    const e = this.plog.entries.get(relPath);
    if (!e || e.state === "in-progress") return;
    if (e.state !== "failed") {
      this.plog.forget(relPath);
      return;
    }
    const failures = [...this.plog.entries.values()].filter((x) => x.state === "failed");
    if (failures.length <= KEEP_FAILURES) return;
    failures.sort((a, b) => a.updatedAt - b.updatedAt);
    for (const old of failures.slice(0, failures.length - KEEP_FAILURES)) this.plog.forget(old.relPath);
  }

  /** A crash's leftovers of this file were cleaned up: nothing remains to abort or delete. */
  cleaned(relPath: string): Promise<void> {
    return this.update(
      relPath,
      (e) => ({ ...e, state: e.state === "in-progress" ? "pending" : e.state, intentKeys: [], uploads: [], keys: e.state === "completed" ? e.keys : [], step: undefined }),
      true,
    );
  }

  /**
   * Failures that left the file in the folder (the store refused everyone, e.g. a bucket policy)
   * are tried again once per start: the operator may have fixed the cause meanwhile.
   */
  retryLeftInPlace(): number {
    let n = 0;
    for (const e of [...this.plog.entries.values()]) {
      if (e.state === "failed" && e.error?.movedTo === undefined) {
        void this.write({ ...e, state: "pending", updatedAt: this.now() }, false);
        n++;
      }
    }
    return n;
  }

  flush(): Promise<void> {
    return this.plog.flush();
  }

  counts(): Record<FileState, number> {
    const c: Record<FileState, number> = { pending: 0, "in-progress": 0, completed: 0, failed: 0 };
    for (const e of this.plog.entries.values()) c[e.state]++;
    return c;
  }

  /**
   * A new state for a path. Whatever a crash could leave in S3 (intents, unfinished uploads, the
   * objects of an unfinished archive) is carried over whatever the new state: only their cleanup
   * removes them. `completed` sets its own keys (the objects that now belong to the file).
   */
  private base(relPath: string, fp: Fingerprint, state: FileState, prev: FileEntry | undefined): FileEntry {
    const same = prev !== undefined && sameFingerprint(prev.fp, fp);
    return {
      relPath,
      state,
      fp,
      attempts: same ? prev.attempts : 0,
      updatedAt: this.now(),
      keys: prev !== undefined && prev.state !== "completed" ? prev.keys : [],
      intentKeys: prev?.intentKeys ?? [],
      uploads: prev?.uploads ?? [],
    };
  }

  private update(relPath: string, change: (e: FileEntry) => FileEntry, durable: boolean): Promise<void> {
    const e = this.plog.entries.get(relPath);
    if (!e) return Promise.resolve();
    return this.write({ ...change(e), updatedAt: this.now() }, durable);
  }

  private write(e: FileEntry, durable: boolean): Promise<void> {
    if (e.step === undefined) delete e.step;
    return this.plog.put(e, { durable });
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
