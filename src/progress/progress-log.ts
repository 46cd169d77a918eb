/**
 * The durable progress log: `<state>/progress.log`, append-only framed records (record-format.ts),
 * replayed at start, compacted when it grows. Holds the live state (one FileEntry per path) in
 * memory and writes every change to the file.
 *
 * Durability: `put(entry, { durable: true })` resolves only after the record is written and
 * fdatasync'ed; several waiters share one write + one sync (group commit), so a burst of small
 * files costs a few syncs, not one per file. Non-durable records ride along with the next write.
 * A failed write or sync is fatal (`onFatal`): continuing would acknowledge state that is not on
 * disk; cron restarts dsp and the replay finds the last durable state.
 *
 * Invariants: at most one write/sync/compaction runs at a time (the flush loop); records are
 * written in the order they were put; sequence numbers are consecutive within a file; after a
 * compaction the file holds exactly the live state, so its size is bounded by the folder's content.
 */
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { describeError } from "../errors.ts";
import { failpoint } from "../util/failpoint.ts";
import type { FileEntry } from "./file-entry.ts";
import type { AppendFile, LogFiles } from "./log-files.ts";
import { encodeRecord } from "./record-format.ts";
import { entryPayload, FORMAT_VERSION, forgetPayload, headerPayload, keyPayload, progressPayload, RECORD, snapshotPayload, type LogIdentity } from "./records.ts";
import { replay } from "./replay.ts";

export const LOG_NAME = "progress.log";
const COMPACT_NAME = "progress.log.compact";
const SNAPSHOT_ENTRIES = 4096;
const KEEP_ASIDE = 3;
/**
 * Appended bytes that trigger a compaction, at least (or the live state's size if larger): the
 * file stays under twice the live state plus this, and a burst of 10,000 files compacts a few
 * times instead of every few hundred files (each compaction re-encodes the whole state).
 */
const COMPACT_FLOOR_BYTES = 1024 * 1024;

export interface ProgressLogOptions {
  dir: string;
  identity: LogIdentity;
  dspVersion: string;
  files: LogFiles;
  log: Logger;
  now: () => number;
  /** Called when a write or sync fails; must stop the process. */
  onFatal: (err: unknown) => void;
  /** Compact once this many bytes were appended since the last compaction (or the live size, if larger). */
  compactAfterBytes?: number;
}

export type OpenKind = "new" | "replayed" | "corrupt" | "other-destination";

export interface OpenReport {
  kind: OpenKind;
  records: number;
  entries: number;
  bytes: number;
  /** Set when a torn tail was cut off. */
  truncated?: { offset: number; bytes: number; reason: string };
  /** Set when a damaged or foreign log was moved aside. */
  movedAside?: string;
  reason?: string;
}

/** A record waiting for the flush loop, which numbers and frames it (sequence numbers follow the file). */
interface Pending {
  type: number;
  payload: Uint8Array;
  durable: boolean;
}

export class ProgressLog {
  readonly entries: Map<string, FileEntry>;
  private file: AppendFile;
  private seq: bigint;
  private queue: Pending[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** The running flush loop, if any; cleared in the same synchronous step as its last queue check. */
  private loop: Promise<void> | undefined;
  private appendedSinceCompaction = 0;
  private liveBytes = 0;
  private failed: unknown;
  private closed = false;

  private constructor(
    private readonly o: ProgressLogOptions,
    file: AppendFile,
    entries: Map<string, FileEntry>,
    lastSeq: bigint,
    size: number,
  ) {
    this.file = file;
    this.entries = entries;
    this.seq = lastSeq;
    this.liveBytes = size;
  }

  get path(): string {
    return join(this.o.dir, LOG_NAME);
  }

  static async open(o: ProgressLogOptions): Promise<{ plog: ProgressLog; report: OpenReport }> {
    const path = join(o.dir, LOG_NAME);
    // A compaction that died before its rename leaves a half-written file: the old log is intact.
    await o.files.remove(join(o.dir, COMPACT_NAME));
    const bytes = await o.files.read(path);
    if (bytes === undefined || bytes.length === 0) {
      return { plog: await ProgressLog.fresh(o), report: { kind: "new", records: 0, entries: 0, bytes: 0 } };
    }
    const r = replay(bytes);
    const foreign =
      r.header === undefined
        ? "no header"
        : r.header.formatVersion !== FORMAT_VERSION
          ? `format version ${r.header.formatVersion}`
          : r.header.bucket !== o.identity.bucket || r.header.prefix !== o.identity.prefix
            ? `written for s3://${r.header.bucket}/${r.header.prefix}`
            : undefined;
    if (r.end.kind === "corrupt" || foreign !== undefined) {
      const kind: OpenKind = r.end.kind === "corrupt" ? "corrupt" : "other-destination";
      const reason = r.end.kind === "corrupt" ? `${r.end.reason} at byte ${r.end.offset}` : foreign!;
      const aside = await ProgressLog.moveAside(o, kind === "corrupt" ? "corrupt" : "other-destination");
      return {
        plog: await ProgressLog.fresh(o),
        report: { kind, records: r.records, entries: 0, bytes: bytes.length, movedAside: aside, reason },
      };
    }
    const file = await o.files.openAppend(path);
    const report: OpenReport = { kind: "replayed", records: r.records, entries: r.entries.size, bytes: r.validBytes };
    if (r.end.kind === "torn-tail") {
      await file.truncate(r.validBytes);
      await file.datasync();
      report.truncated = { offset: r.end.offset, bytes: bytes.length - r.validBytes, reason: r.end.reason };
    }
    const plog = new ProgressLog(o, file, r.entries, r.lastSeq, r.validBytes);
    plog.liveBytes = 0; // unknown until the next compaction measures it
    plog.appendedSinceCompaction = r.validBytes;
    return { plog, report };
  }

  /** Records a change. Durable puts resolve once the record is on disk. */
  put(entry: FileEntry, opts: { durable: boolean }): Promise<void> {
    this.entries.set(entry.relPath, entry);
    return this.enqueue(RECORD.ENTRY, entryPayload(entry), opts.durable);
  }

  /** Forgets a path (its file is gone). Not durable by itself: it rides along with the next write. */
  forget(relPath: string): void {
    if (!this.entries.delete(relPath)) return;
    void this.enqueue(RECORD.FORGET, forgetPayload(relPath), false);
  }

  /**
   * Adds one object key to a path's entry with a short KEY record instead of a whole ENTRY (the
   * entry's key list can hold thousands of an archive's keys). Durable when asked. The caller adds
   * each key once (an archive job refuses two entries with the same key).
   */
  addKey(relPath: string, key: string, opts: { durable: boolean }): Promise<void> {
    const e = this.entries.get(relPath);
    if (!e) return Promise.resolve();
    e.keys.push(key);
    return this.enqueue(RECORD.KEY, keyPayload(relPath, key), opts.durable);
  }

  /** Bytes sent so far for an in-progress file, for `dsp status`. Not durable. */
  progress(relPath: string, bytesDone: number): void {
    const e = this.entries.get(relPath);
    if (!e) return;
    e.bytesDone = bytesDone;
    void this.enqueue(RECORD.PROGRESS, progressPayload(relPath, bytesDone), false);
  }

  /** Waits until everything put so far is durable. */
  flush(): Promise<void> {
    return this.enqueue(undefined, undefined, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    await this.loop;
    this.closed = true;
    await this.file.close();
  }

  private enqueue(type: number | undefined, payload: Uint8Array | undefined, durable: boolean): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error("progress log is closed"));
    if (type !== undefined) this.queue.push({ type, payload: payload!, durable });
    const done = durable ? new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject })) : Promise.resolve();
    this.loop ??= this.flushLoop();
    return done;
  }

  /**
   * Writes batches until nothing is queued. The emptiness check and the end of the loop happen in
   * one synchronous step (no await between them), so a record queued after it starts a new loop
   * and a record queued before it is written by this one: none is left waiting.
   */
  private async flushLoop(): Promise<void> {
    // Let the caller's synchronous puts join this first batch.
    await Promise.resolve();
    for (;;) {
      if (this.queue.length === 0 && this.waiters.length === 0) {
        this.loop = undefined;
        return;
      }
      const batch = this.queue;
      const waiters = this.waiters;
      this.queue = [];
      this.waiters = [];
      try {
        if (batch.length > 0) {
          const bytes = concat(batch.map((p) => encodeRecord(p.type, ++this.seq, p.payload)));
          await this.file.append(bytes);
          this.appendedSinceCompaction += bytes.length;
        }
        if (waiters.length > 0 || batch.some((p) => p.durable)) await this.file.datasync();
      } catch (err) {
        this.fail(err, waiters);
        return;
      }
      for (const w of waiters) w.resolve();
      if (this.shouldCompact()) {
        try {
          await this.compact();
        } catch (err) {
          this.fail(err, []);
          return;
        }
      }
    }
  }

  private fail(err: unknown, waiters: { reject: (err: unknown) => void }[]): void {
    this.failed = err;
    this.o.log.error("progress log write failed: stopping (the next start resumes from the last durable record)", {
      error: "PROGRESS_LOG_FAILED",
      file: this.path,
      details: describeError(err),
    });
    for (const w of [...waiters, ...this.waiters]) w.reject(err);
    this.waiters = [];
    this.closed = true;
    this.file.close().catch(() => {}); // nothing more will be written to it
    this.o.onFatal(err);
  }

  private shouldCompact(): boolean {
    const floor = this.o.compactAfterBytes ?? COMPACT_FLOOR_BYTES;
    return this.appendedSinceCompaction > Math.max(floor, this.liveBytes);
  }

  /**
   * Writes the live state to a new file, syncs it, renames it over the log and syncs the folder.
   * A crash before the rename leaves the old log (and a stray file removed at the next open); a
   * crash after it leaves the new one: both are complete.
   */
  private async compact(): Promise<void> {
    const tmp = join(this.o.dir, COMPACT_NAME);
    const file = await this.o.files.create(tmp);
    let seq = 0n;
    const chunks: Uint8Array[] = [this.headerRecord(++seq)];
    const all = [...this.entries.values()];
    for (let i = 0; i < all.length; i += SNAPSHOT_ENTRIES) {
      chunks.push(encodeRecord(RECORD.SNAPSHOT, ++seq, snapshotPayload(all.slice(i, i + SNAPSHOT_ENTRIES))));
    }
    // Bytes sent are not part of an entry's snapshot form: carried over so `dsp status` keeps them.
    for (const e of all) {
      if (e.state === "in-progress" && e.bytesDone) chunks.push(encodeRecord(RECORD.PROGRESS, ++seq, progressPayload(e.relPath, e.bytesDone)));
    }
    const bytes = concat(chunks);
    try {
      await file.append(bytes);
      await file.fsync();
    } finally {
      await file.close();
    }
    failpoint("compaction-before-rename");
    await this.o.files.rename(tmp, this.path);
    failpoint("compaction-after-rename");
    await this.o.files.syncDir(this.o.dir);
    const previous = this.file;
    this.file = await this.o.files.openAppend(this.path);
    await previous.close();
    this.seq = seq;
    this.liveBytes = bytes.length;
    this.appendedSinceCompaction = 0;
    this.o.log.debug("progress log compacted", { entries: all.length, bytes: bytes.length });
  }

  private headerRecord(seq: bigint): Uint8Array {
    return encodeRecord(
      RECORD.HEADER,
      seq,
      headerPayload({ formatVersion: FORMAT_VERSION, createdAt: this.o.now(), dspVersion: this.o.dspVersion, ...this.o.identity }),
    );
  }

  private static async fresh(o: ProgressLogOptions): Promise<ProgressLog> {
    const path = join(o.dir, LOG_NAME);
    const file = await o.files.create(path);
    const plog = new ProgressLog(o, file, new Map(), 0n, 0);
    const header = plog.headerRecord(++plog.seq);
    await file.append(header);
    await file.fsync();
    await o.files.syncDir(o.dir);
    plog.liveBytes = header.length;
    return plog;
  }

  /** Keeps a damaged or foreign log for inspection (the newest KEEP_ASIDE of them), under a dated name. */
  private static async moveAside(o: ProgressLogOptions, why: string): Promise<string> {
    const name = `${LOG_NAME}.${why}-${new Date(o.now()).toISOString().replace(/[:.]/g, "-")}`;
    await o.files.rename(join(o.dir, LOG_NAME), join(o.dir, name));
    const aside = (await o.files.list(o.dir)).filter((n) => /^progress\.log\.(corrupt|other-destination)-/.test(n)).sort();
    for (const old of aside.slice(0, Math.max(0, aside.length - KEEP_ASIDE))) await o.files.remove(join(o.dir, old));
    await o.files.syncDir(o.dir);
    return name;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
