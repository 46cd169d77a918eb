/**
 * One ready file from its bytes on disk to a verified object in S3: open, check it is still the
 * version that was found stable, stream its parts into the S3 sink, check again that it did not
 * change during the upload, record the outcome. Every outcome is logged with the context an
 * operator needs (file, key, size, duration, error code and details).
 */
import { open, type FileHandle } from "node:fs/promises";
import type { Semaphore } from "../util/semaphore.ts";
import type { BufferPool } from "../util/buffer-pool.ts";
import { constants } from "node:fs";
import { DspError, describeError, isDspError, toDspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ProgressStore } from "../progress/progress-store.ts";
import { fileParts } from "../upload/file-parts.ts";
import { uploadObject, type UploadDeps } from "../upload/object-upload.ts";
import { partSizeForKnownSize, MAX_OBJECT_SIZE } from "../upload/part-size.ts";
import { fingerprintOf, sameFingerprint } from "../watch/fingerprint.ts";
import type { ReadyFile } from "../watch/folder-watcher.ts";
import { contentTypeFor, objectKey, sourceMetadata } from "./object-naming.ts";

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
  log: Logger;
  now: () => number;
  prefix: string;
  partSize: number;
  maxFileSize: number;
}

export type JobOutcome =
  | { kind: "completed"; key: string; size: number }
  | { kind: "changed" }
  | { kind: "failed"; error: DspError }
  | { kind: "shutdown" };

export async function runFileJob(deps: JobDeps, file: ReadyFile): Promise<JobOutcome> {
  const { log } = deps;
  const started = deps.now();
  let handle;
  try {
    handle = await open(file.absPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "changed" };
    return fail(deps, file, new DspError("SOURCE_UNREADABLE", `cannot open: ${describeError(err)}`, { file: file.relPath }));
  }
  try {
    const fp = fingerprintOf(await handle.stat({ bigint: true }));
    if (!sameFingerprint(fp, file.fp)) return { kind: "changed" };
    const size = Number(fp.size);
    if (size > Math.min(deps.maxFileSize, MAX_OBJECT_SIZE)) {
      throw new DspError("FILE_TOO_LARGE", `file is ${size} bytes, above the limit of ${deps.maxFileSize} (DSP_MAX_FILE_SIZE)`, {
        file: file.relPath,
      });
    }
    const key = objectKey(deps.prefix, file.relPath);
    await deps.store.started(file.relPath, fp);
    log.info("processing", { file: file.relPath, size, key });
    const parts = fileParts(
      { handle, fd: handle.fd, size, file: file.relPath },
      { partSize: partSizeForKnownSize(deps.partSize, size), budget: deps.budget, hashBuffers: deps.hashBuffers, slicesUseMemory: deps.tls, signal: deps.upload.retry.signal, crc32: deps.crc32 },
    );
    const result = await uploadObject(
      deps.upload,
      { key, contentType: contentTypeFor(file.relPath), metadata: sourceMetadata(file.relPath, fp), file: file.relPath },
      parts,
      { onMultipartStarted: (uploadId) => deps.store.multipartStarted(file.relPath, key, uploadId) },
    );
    if (!(await unchanged(file, handle))) {
      log.warn("file changed during upload: it will be uploaded again once stable", { file: file.relPath, key });
      return { kind: "changed" };
    }
    await deps.store.completed(file.relPath, fp, [key]);
    log.info("uploaded", {
      file: file.relPath,
      key,
      size,
      parts: result.parts,
      etag: result.etag,
      duration_ms: deps.now() - started,
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
 * The bytes read were the fingerprinted version if the open descriptor still shows the same size
 * and mtime. The path is not checked: a file renamed over it is another version, which the watcher
 * sees and processes on its own.
 */
async function unchanged(file: ReadyFile, handle: FileHandle): Promise<boolean> {
  return sameFingerprint(fingerprintOf(await handle.stat({ bigint: true })), file.fp);
}

async function fail(deps: JobDeps, file: ReadyFile, error: DspError): Promise<JobOutcome> {
  await deps.store.failed(file.relPath, file.fp, { code: error.code, message: error.message });
  deps.log.error("failed", {
    file: file.relPath,
    key: typeof error.context.key === "string" ? error.context.key : undefined,
    error: error.code,
    details: error.message,
    attempts: typeof error.context.attempts === "number" ? error.context.attempts : undefined,
  });
  return { kind: "failed", error };
}
