/**
 * The progress log on a real folder: replay, torn tails, corruption moved aside, another
 * destination, group commit, compaction (size bound, crash safety), and a failing sync being fatal.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../../src/log.ts";
import type { FileEntry } from "../../../src/progress/file-entry.ts";
import { nodeLogFiles, type LogFiles } from "../../../src/progress/log-files.ts";
import { LOG_NAME, ProgressLog, type ProgressLogOptions } from "../../../src/progress/progress-log.ts";
import { replay } from "../../../src/progress/replay.ts";

const root = mkdtempSync(join(tmpdir(), "dsp-progress-log-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function options(dir: string, over: Partial<ProgressLogOptions> = {}): ProgressLogOptions {
  return {
    dir,
    identity: { bucket: "bucket", prefix: "site/" },
    dspVersion: "test",
    files: nodeLogFiles,
    log: silentLogger,
    now: () => 1_700_000_000_000,
    onFatal: () => {
      throw new Error("fatal was called");
    },
    ...over,
  };
}

function freshDir(): string {
  const d = join(root, `log-${++n}`);
  rmSync(d, { recursive: true, force: true });
  require("node:fs").mkdirSync(d, { recursive: true });
  return d;
}

function entry(i: number, state: FileEntry["state"] = "completed"): FileEntry {
  const relPath = `exports/2026-11/site-${i % 40}/sales_${String(i).padStart(6, "0")}.csv`;
  return {
    relPath,
    state,
    fp: { size: BigInt(1000 + i), mtimeNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n, ino: BigInt(500_000 + i), dev: 2049n },
    attempts: 1,
    updatedAt: 1_700_000_000_000 + i,
    keys: [`site/${relPath}`],
    intentKeys: [],
    uploads: [],
    etag: (i * 2654435761).toString(16).padStart(32, "0").slice(0, 32),
  };
}

describe("ProgressLog", () => {
  test("a new log starts with a header; entries put durably replay identically", async () => {
    const dir = freshDir();
    const { plog, report } = await ProgressLog.open(options(dir));
    expect(report.kind).toBe("new");
    await plog.put(entry(1), { durable: true });
    await plog.put({ ...entry(2, "in-progress"), uploads: [{ key: "k", uploadId: "u" }], intentKeys: ["k2"] }, { durable: true });
    plog.progress(entry(2).relPath, 12345);
    await plog.put({ ...entry(3, "failed"), error: { code: "FILE_TOO_LARGE", message: "too big", movedTo: "x/y" } }, { durable: true });
    plog.forget(entry(1).relPath);
    await plog.close();

    const again = await ProgressLog.open(options(dir));
    expect(again.report).toMatchObject({ kind: "replayed", entries: 2 });
    expect(again.plog.entries.get(entry(1).relPath)).toBeUndefined();
    expect(again.plog.entries.get(entry(2).relPath)).toEqual({ ...entry(2, "in-progress"), uploads: [{ key: "k", uploadId: "u" }], intentKeys: ["k2"], bytesDone: 12345 });
    expect(again.plog.entries.get(entry(3).relPath)?.error).toEqual({ code: "FILE_TOO_LARGE", message: "too big", movedTo: "x/y" });
    await again.plog.close();
  });

  test("a torn tail is cut off silently and appending goes on from the last whole record", async () => {
    const dir = freshDir();
    const { plog } = await ProgressLog.open(options(dir));
    for (let i = 0; i < 5; i++) await plog.put(entry(i), { durable: true });
    await plog.close();
    const path = join(dir, LOG_NAME);
    const whole = statSync(path).size;
    appendFileSync(path, new Uint8Array([40, 0, 0, 0, 1, 2, 3])); // the start of a record that never finished
    const reopened = await ProgressLog.open(options(dir));
    expect(reopened.report.truncated).toMatchObject({ offset: whole, bytes: 7 });
    expect(reopened.plog.entries.size).toBe(5);
    await reopened.plog.put(entry(9), { durable: true });
    await reopened.plog.close();
    const r = replay(new Uint8Array(readFileSync(path)));
    expect(r.end).toEqual({ kind: "clean" });
    expect(r.entries.size).toBe(6);
  });

  test("a damaged record followed by good ones: moved aside, reported corrupt, a new log started", async () => {
    const dir = freshDir();
    const { plog } = await ProgressLog.open(options(dir));
    for (let i = 0; i < 5; i++) await plog.put(entry(i), { durable: true });
    await plog.close();
    const path = join(dir, LOG_NAME);
    const bytes = readFileSync(path);
    bytes[100]! ^= 0x10; // inside the second record
    writeFileSync(path, bytes);
    const { plog: fresh, report } = await ProgressLog.open(options(dir));
    expect(report.kind).toBe("corrupt");
    expect(report.reason).toMatch(/checksum mismatch at byte \d+/);
    expect(fresh.entries.size).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith("progress.log.corrupt-"))).toEqual([report.movedAside!]);
    expect(readFileSync(join(dir, report.movedAside!)).equals(bytes)).toBe(true);
    await fresh.close();
  });

  test("a log written for another bucket or prefix is not reused", async () => {
    const dir = freshDir();
    const { plog } = await ProgressLog.open(options(dir));
    await plog.put(entry(1), { durable: true });
    await plog.close();
    const other = await ProgressLog.open(options(dir, { identity: { bucket: "bucket", prefix: "other/" } }));
    expect(other.report).toMatchObject({ kind: "other-destination", reason: "written for s3://bucket/site/" });
    expect(other.plog.entries.size).toBe(0);
    await other.plog.close();
  });

  test("group commit: many durable puts at once share a few syncs", async () => {
    const dir = freshDir();
    let syncs = 0;
    const files: LogFiles = {
      ...nodeLogFiles,
      async openAppend(p) {
        const f = await nodeLogFiles.openAppend(p);
        return { ...f, append: f.append.bind(f), truncate: f.truncate.bind(f), size: f.size.bind(f), close: f.close.bind(f), fsync: f.fsync.bind(f), datasync: async () => void syncs++ };
      },
      async create(p) {
        const f = await nodeLogFiles.create(p);
        return { ...f, append: f.append.bind(f), truncate: f.truncate.bind(f), size: f.size.bind(f), close: f.close.bind(f), fsync: f.fsync.bind(f), datasync: async () => void syncs++ };
      },
    };
    const { plog } = await ProgressLog.open(options(dir, { files }));
    await Promise.all(Array.from({ length: 200 }, (_, i) => plog.put(entry(i), { durable: true })));
    expect(syncs).toBeLessThanOrEqual(3);
    expect(syncs).toBeGreaterThanOrEqual(1);
    await plog.close();
  });

  test("a failing sync is fatal: the waiting put rejects and onFatal is called", async () => {
    const dir = freshDir();
    let fatal: unknown;
    const files: LogFiles = {
      ...nodeLogFiles,
      async create(p) {
        const f = await nodeLogFiles.create(p);
        return {
          append: f.append.bind(f),
          fsync: f.fsync.bind(f),
          truncate: f.truncate.bind(f),
          size: f.size.bind(f),
          close: f.close.bind(f),
          datasync: async () => {
            throw Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
          },
        };
      },
    };
    const { plog } = await ProgressLog.open(options(dir, { files, onFatal: (e) => (fatal = e) }));
    await expect(plog.put(entry(1), { durable: true })).rejects.toThrow("EIO");
    expect(String(fatal)).toContain("EIO");
    await expect(plog.put(entry(2), { durable: true })).rejects.toThrow("EIO");
  });

  test("compaction keeps the file bounded: 10,000 tracked files fit in well under 1 MB", async () => {
    const dir = freshDir();
    const { plog } = await ProgressLog.open(options(dir, { compactAfterBytes: 64 * 1024 }));
    for (let i = 0; i < 10_000; i++) {
      void plog.put({ ...entry(i), state: "pending", keys: [], etag: undefined }, { durable: false });
      void plog.put({ ...entry(i), state: "in-progress", keys: [], etag: undefined, step: "uploading" }, { durable: false });
      await plog.put(entry(i), { durable: i % 100 === 0 });
    }
    await plog.flush();
    await plog.close();
    const size = statSync(join(dir, LOG_NAME)).size;
    console.log(`10,000 completed entries: progress.log is ${(size / 1024).toFixed(0)} KiB after compaction`);
    expect(size).toBeLessThan(512 * 1024);
    const r = replay(new Uint8Array(readFileSync(join(dir, LOG_NAME))));
    expect(r.end).toEqual({ kind: "clean" });
    expect(r.entries.size).toBe(10_000);
    expect(r.entries.get(entry(4321).relPath)).toEqual(entry(4321));
    expect(existsSync(join(dir, "progress.log.compact"))).toBe(false);
  });

  test("a compaction file left by a crash before its rename is ignored and removed", async () => {
    const dir = freshDir();
    const { plog } = await ProgressLog.open(options(dir));
    await plog.put(entry(1), { durable: true });
    await plog.close();
    writeFileSync(join(dir, "progress.log.compact"), "half a compaction");
    const again = await ProgressLog.open(options(dir));
    expect(again.report.kind).toBe("replayed");
    expect(again.plog.entries.size).toBe(1);
    expect(existsSync(join(dir, "progress.log.compact"))).toBe(false);
    await again.plog.close();
  });

  test("an empty log file (created, never written) is a new log", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOG_NAME), "");
    const { plog, report } = await ProgressLog.open(options(dir));
    expect(report.kind).toBe("new");
    await plog.close();
    truncateSync(join(dir, LOG_NAME), 0);
  });
});
