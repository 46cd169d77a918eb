/**
 * One ready file from its bytes on disk to a verified object in S3: open, check it is still the
 * version that was found stable, (after a lost progress log) check whether S3 already has it, stream
 * its parts into the S3 sink while the progress log records each step, check the file did not
 * change meanwhile, record the outcome durably, log it. A failure moves the file to the error
 * folder with its reason. Every outcome is logged with the context an operator needs.
 */
import { lstat, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { constants } from "node:fs";
import { DspError, contextFields, describeError, isDspError, toDspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ProgressStore } from "../progress/progress-store.ts";
import { fileParts } from "../upload/file-parts.ts";
import { uploadObject, type UploadDeps, type UploadHooks } from "../upload/object-upload.ts";
import { partSizeForKnownSize, MAX_OBJECT_SIZE } from "../upload/part-size.ts";
import type { BufferPool } from "../util/buffer-pool.ts";
import { failpoint } from "../util/failpoint.ts";
import type { Semaphore } from "../util/semaphore.ts";
import { fingerprintOf, sameFingerprint, type Fingerprint } from "../watch/fingerprint.ts";
import type { ReadyFile } from "../watch/folder-watcher.ts";
import type { Compression } from "../convert/column-types.ts";
import { parquetPathFor, tableFormatOf } from "../convert/table-kind.ts";
import { detectFormat } from "../archive/detect.ts";
import { readHead } from "../archive/walk/byte-streams.ts";
import { runArchiveJob, type ArchiveSettings } from "./archive-job.ts";
import { fail } from "./job-failure.ts";
import { convertAndUpload, readChunks } from "./table-upload.ts";
import { contentTypeFor, objectKey, sourceMetadata } from "./object-naming.ts";
import { remoteState } from "./remote-check.ts";

export interface JobDeps {
  upload: UploadDeps;
  /** Bytes held in memory by all jobs (DSP_MEMORY_BUDGET). */
  budget: Semaphore;
  /** The S3 endpoint is HTTPS (Bun then buffers file-slice bodies in memory). */
  tls: boolean;
  hashBuffers: BufferPool;
  /** DSP_S3_CHECKSUM_MODE=when_supported: parts also carry a CRC-32 checksum. */
  crc32: boolean;
  store: ProgressStore;
  /** The progress log was started empty (first run, lost or damaged log): ask S3 before uploading. */
  checkRemote: boolean;
  log: Logger;
  now: () => number;
  prefix: string;
  partSize: number;
  maxFileSize: number;
  watchDir: string;
  errorDir: string;
  /** Archive extraction (DSP_EXTRACT_ARCHIVES and the limits); undefined = archives are uploaded as they are. */
  archives?: ArchiveSettings;
  /** Table conversion (DSP_CONVERT_TABLES and friends); undefined = tables are uploaded as they are. */
  convert?: { compression: Compression; rowGroupBytes: number; slots: Semaphore; parallelEncoding: boolean };
}

export type JobOutcome =
  | { kind: "completed"; key: string; size: number }
  | { kind: "changed" }
  | { kind: "failed"; error: DspError }
  | { kind: "shutdown" };

export async function runFileJob(deps: JobDeps, file: ReadyFile): Promise<JobOutcome> {
  const { log, store } = deps;
  const started = deps.now();
  let handle: FileHandle;
  try {
    handle = await open(file.absPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "changed" };
    return fail(deps, file, new DspError("SOURCE_UNREADABLE", `cannot open: ${describeError(err)}`, { file: file.relPath }));
  }
  try {
    const fp = fingerprintOf(await handle.stat({ bigint: true }));
    if (!sameFingerprint(fp, file.fp)) return { kind: "changed" };
    // Only a file the log knows nothing final about can already be in S3 from before the log.
    const prev = store.entry(file.relPath);
    const checkRemote = deps.checkRemote && (prev === undefined || prev.state === "pending" || prev.state === "in-progress");
    await store.started(file.relPath, fp);
    const size = Number(fp.size);
    if (size > Math.min(deps.maxFileSize, MAX_OBJECT_SIZE)) {
      throw new DspError("FILE_TOO_LARGE", `file is ${size} bytes, above the limit of ${deps.maxFileSize} (DSP_MAX_FILE_SIZE)`, {
        file: file.relPath,
      });
    }
    const head = deps.archives ? await readHead(handle, size) : undefined;
    const archiveFormat = head && detectFormat(head, file.relPath).format;
    if (head && archiveFormat && archiveFormat !== "none") {
      log.info("processing", { file: file.relPath, size, archive: archiveFormat });
      return await runArchiveJob(deps, deps.archives!, file, handle, fp, head, checkRemote, started);
    }
    const table = deps.convert && tableFormatOf(file.relPath) ? deps.convert : undefined;
    const key = objectKey(deps.prefix, table ? parquetPathFor(file.relPath) : file.relPath);
    if (table) await refuseKeyConflict(deps.watchDir, file.relPath, parquetPathFor(file.relPath), key);
    log.info("processing", { file: file.relPath, size, key, convert: table ? "parquet" : undefined });

    if (checkRemote) {
      const remote = await remoteState({ ...deps.upload, hashBuffers: deps.hashBuffers }, key, fp, handle, file.relPath, !table);
      if (remote.kind === "same") {
        await store.completed(file.relPath, fp, [key], remote.etag);
        log.info("already in S3: recorded as uploaded", { file: file.relPath, key, size, matched_by: remote.by });
        return { kind: "completed", key, size };
      }
      if (remote.kind === "different" && !remote.dspWrote) {
        log.warn("replacing an object dsp did not write, whose content differs", { file: file.relPath, key });
      }
    }

    const hooks = {
      onMultipartIntent: (k: string) => store.multipartIntent(file.relPath, k),
      onMultipartStarted: (uploadId: string) => store.multipartStarted(file.relPath, key, uploadId),
      onPartUploaded: (n: number, bytesDone: number) => {
        store.partDone(file.relPath, bytesDone);
        log.debug("part uploaded", { file: file.relPath, key, part: n, bytes_done: bytesDone });
      },
      onMultipartEnded: (uploadId: string) => store.multipartEnded(file.relPath, uploadId),
    };
    if (table) return await convertTable(deps, table, file, handle, fp, key, hooks, started);

    const parts = fileParts(
      { handle, fd: handle.fd, size, file: file.relPath },
      {
        partSize: partSizeForKnownSize(deps.partSize, size),
        budget: deps.budget,
        hashBuffers: deps.hashBuffers,
        slicesUseMemory: deps.tls,
        signal: deps.upload.retry.signal,
        crc32: deps.crc32,
      },
    );
    const result = await uploadObject(
      deps.upload,
      { key, contentType: contentTypeFor(file.relPath), metadata: sourceMetadata(file.relPath, fp), file: file.relPath },
      parts,
      hooks,
    );
    if (!(await unchanged(file, handle))) {
      log.warn("file changed during upload: it will be uploaded again once stable", { file: file.relPath, key });
      return { kind: "changed" };
    }
    const verifiedAt = deps.now();
    await store.completed(file.relPath, fp, [key], result.etag);
    failpoint("after-completed-record");
    log.info("uploaded", {
      file: file.relPath,
      key,
      size,
      parts: result.parts,
      etag: result.etag,
      duration_ms: deps.now() - started,
      durable_ms: deps.now() - verifiedAt,
    });
    return { kind: "completed", key, size };
  } catch (err) {
    // A file rewritten during its upload makes requests fail in odd ways (short bodies, BadDigest):
    // that is a change to wait out, not a failure of the file.
    if (isDspError(err, "SOURCE_CHANGED") || !(await unchanged(file, handle).catch(() => false))) {
      log.warn("file changed while being read: it will be uploaded again once stable", { file: file.relPath });
      return { kind: "changed" };
    }
    if (isDspError(err, "SHUTDOWN")) return { kind: "shutdown" };
    return fail(deps, file, toDspError(err, "INTERNAL", { file: file.relPath }));
  } finally {
    await handle.close();
  }
}

/**
 * `sales.csv` becomes `sales.parquet`; a `sales.parquet` already in the folder would be uploaded to
 * the same key and the two would overwrite each other, the winner depending on timing. The file
 * that is already Parquet wins (it is uploaded as it is); the export fails with the reason.
 */
async function refuseKeyConflict(watchDir: string, relPath: string, parquetPath: string, key: string): Promise<void> {
  try {
    await lstat(join(watchDir, parquetPath));
  } catch {
    return;
  }
  throw new DspError("KEY_CONFLICT", `${parquetPath} exists next to it: the converted table would overwrite it at ${key}`, { file: relPath, key });
}

/** A table export: converted on the way, `<name>.parquet` uploaded; one conversion slot held meanwhile. */
async function convertTable(
  deps: JobDeps,
  table: NonNullable<JobDeps["convert"]>,
  file: ReadyFile,
  handle: FileHandle,
  fp: Fingerprint,
  key: string,
  hooks: UploadHooks,
  started: number,
): Promise<JobOutcome> {
  const size = Number(fp.size);
  await table.slots.acquire(1, deps.upload.retry.signal);
  let done;
  try {
    done = await convertAndUpload(
      { upload: deps.upload, budget: deps.budget, crc32: deps.crc32, partSize: deps.partSize, compression: table.compression, rowGroupBytes: table.rowGroupBytes, parallelEncoding: table.parallelEncoding, log: deps.log },
      { relPath: file.relPath, format: tableFormatOf(file.relPath)!, read: () => readChunks(handle, size) },
      { key, metadata: sourceMetadata(file.relPath, fp) },
      hooks,
    );
  } finally {
    table.slots.release(1);
  }
  if (!(await unchanged(file, handle))) {
    deps.log.warn("file changed during conversion: it will be converted again once stable", { file: file.relPath, key });
    return { kind: "changed" };
  }
  for (const r of done.table.renames) deps.log.warn("column renamed", { file: file.relPath, column: r.column, from: r.from, to: r.to, why: r.why });
  const verifiedAt = deps.now();
  await deps.store.completed(file.relPath, fp, [key], done.upload.etag);
  failpoint("after-completed-record");
  deps.log.info("uploaded", {
    file: file.relPath,
    key,
    size,
    converted: "parquet",
    object_size: done.upload.size,
    rows: done.table.rows,
    columns: done.table.columns.map((c) => `${c.name}:${c.type}`).join(","),
    ...done.table.details,
    attempts: done.attempts,
    parts: done.upload.parts,
    etag: done.upload.etag,
    duration_ms: deps.now() - started,
    durable_ms: deps.now() - verifiedAt,
  });
  return { kind: "completed", key, size };
}

/**
 * The bytes read were the fingerprinted version if the open descriptor still shows the same size
 * and mtime. The path is not checked: a file renamed over it is another version, which the watcher
 * sees and processes on its own.
 */
async function unchanged(file: ReadyFile, handle: FileHandle): Promise<boolean> {
  return sameFingerprint(fingerprintOf(await handle.stat({ bigint: true })), file.fp);
}
