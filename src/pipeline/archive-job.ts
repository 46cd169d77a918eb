/**
 * One archive (or compressed file) from the watched folder to its set of objects in S3 (FR-020..027):
 * its files are walked in archive order (src/archive/walk), each uploaded as it is or converted to
 * Parquet, and the manifest (archive-manifest.ts) is written last as the completion marker.
 *
 * Crash and failure semantics (decided: delete and start again, not resume): every object key is
 * made durable in the progress log (a KEY record) before its upload starts, and so is the manifest
 * key first. An attempt that fails removes what it uploaded and the previous version's set its
 * manifest lists (object-removal.ts) before the file goes to the error folder; a crash leaves the
 * keys in the log, and the next start removes them the same way before the archive is read again
 * from its first byte. Why not resume: a stream (tar.gz, nested archives) cannot be entered in the
 * middle, so resuming would mean decompressing everything before the resume point anyway, and an
 * object uploaded just before the crash would have to be verified against bytes not yet re-read.
 * Deleting keeps one rule that holds for every format: after a restart, an archive's objects are
 * either the complete set its manifest lists, or absent.
 *
 * Invariants:
 *  - The manifest is written only after every object was uploaded and verified (ETag / MD5 per
 *    part); `completed` is recorded only after the manifest and the removal of stale objects.
 *  - Stale objects (in the previous manifest, not in this version) are deleted after the new
 *    manifest exists, never before: a crash in between leaves the new set complete.
 *  - Two files of one archive never write one key (duplicate tar entries, `x.csv` beside
 *    `x.parquet`): the archive fails with KEY_CONFLICT instead of letting order decide; nor do an
 *    archive and another source of the folder (archive-target.ts).
 */
import type { FileHandle } from "node:fs/promises";
import { parquetPathFor, tableFormatOf } from "../convert/table-kind.ts";
import { DspError, isDspError } from "../errors.ts";
import { ArchiveError } from "../archive/archive-error.ts";
import { LimitTracker, type ArchiveLimits } from "../archive/limits.ts";
import { reopenWalkedFile, walkArchive, type TopFile, type WalkOptions } from "../archive/walk/archive-walker.ts";
import { uploadObject } from "../upload/object-upload.ts";
import { withRetry } from "../upload/retry.ts";
import { singlePart } from "../upload/stream-parts.ts";
import { failpoint } from "../util/failpoint.ts";
import { fingerprintOf, sameFingerprint, type Fingerprint } from "../watch/fingerprint.ts";
import type { ReadyFile } from "../watch/folder-watcher.ts";
import { ArchiveEntryUploader } from "./archive-entries.ts";
import { buildManifest, manifestKeyFor } from "./archive-manifest.ts";
import type { JobDeps, JobOutcome } from "./file-job.ts";
import { META, objectKey, sourceMetadata } from "./object-naming.ts";
import { readManifestKeys, removeObjects } from "./object-removal.ts";
import { remoteManifestMatches } from "./remote-check.ts";
import { refuseTargetConflict } from "./archive-target.ts";
import type { XzEngine } from "../archive/xz/xz-engine.ts";

export interface ArchiveSettings {
  limits: ArchiveLimits;
  /** Largest nested ZIP/7z/RAR held in memory (DSP_ARCHIVE_MAX_NESTED_BUFFER). */
  maxNestedBytes: number;
  /** Who decodes .xz data (DSP_XZ_DECODER). */
  xz: XzEngine;
}

export async function runArchiveJob(
  deps: JobDeps,
  archive: ArchiveSettings,
  file: ReadyFile,
  handle: FileHandle,
  fp: Fingerprint,
  head: Uint8Array,
  checkRemote: boolean,
  started: number,
): Promise<JobOutcome> {
  const { log, store } = deps;
  const relPath = file.relPath;
  const manifestKey = manifestKeyFor(deps.prefix, relPath);
  const slash = relPath.lastIndexOf("/");
  const top: TopFile = { handle, path: file.absPath, size: Number(fp.size), name: relPath.slice(slash + 1) };
  const folder = relPath.slice(0, slash + 1);
  const removal = { s3: deps.upload.s3, retry: deps.upload.retry, log };

  if (checkRemote && (await remoteManifestMatches(deps.upload, manifestKey, fp, relPath))) {
    await store.completed(relPath, fp, [manifestKey], undefined);
    log.info("already in S3: recorded as uploaded", { file: relPath, key: manifestKey, size: top.size, matched_by: "manifest" });
    return { kind: "completed", key: manifestKey, size: top.size };
  }

  // What an earlier attempt of this run could not remove goes first (the keys are still recorded).
  const leftover = store.entry(relPath)?.keys ?? [];
  if (leftover.length > 0) {
    await removeObjects(removal, deps.prefix, leftover, relPath);
    await store.keysRemoved(relPath);
  }
  // Before anything is uploaded or removed: keys another source of the folder writes are not ours.
  await refuseTargetConflict(deps.watchDir, relPath, deps.convert !== undefined);
  await store.archiveKey(relPath, manifestKey);
  const previous = new Set(await readManifestKeys(removal, manifestKey, relPath));

  const walkOptions = (limits: LimitTracker, onNotice?: WalkOptions["onNotice"]): WalkOptions => ({
    limits,
    maxNestedBytes: archive.maxNestedBytes,
    xz: archive.xz,
    keyPrefix: deps.prefix + folder,
    ...(onNotice ? { onNotice } : {}),
  });
  const uploader = new ArchiveEntryUploader(deps, relPath, store, log);
  const skipped: { entry: string; reason: string }[] = [];
  const keys = new Set<string>();
  try {
    const limits = new LimitTracker(relPath, archive.limits);
    const walk = walkArchive(
      top,
      head,
      walkOptions(limits, (n) => {
        log.warn(n.code === "ENTRY_SKIPPED" ? "archive entry skipped" : "archive notice", { file: relPath, entry: n.entry, code: n.code, details: n.message });
        if (n.code === "ENTRY_SKIPPED") skipped.push({ entry: n.entry, reason: n.message });
      }),
    );
    for await (const item of walk) {
      const table = deps.convert && tableFormatOf(item.path) ? tableFormatOf(item.path) : undefined;
      const key = objectKey(deps.prefix, folder + (table ? parquetPathFor(item.path) : item.path));
      if (keys.has(key)) {
        throw new DspError("KEY_CONFLICT", `two files of the archive would be uploaded to ${key} (the second: ${item.entry})`, { file: relPath, key, entry: item.entry });
      }
      keys.add(key);
      // Durable before the object's upload starts (the uploader waits for it), not before the walk
      // goes on: the next small entries are read meanwhile and their KEY records share one fsync.
      const recorded = store.archiveKey(relPath, key);
      recorded.catch(() => {}); // the uploader awaits it and reports a failure; never unhandled here
      store.step(relPath, `entry ${uploader.count + 1}: ${item.entry}`);
      await uploader.upload(item, {
        key,
        recorded,
        metadata: { ...sourceMetadata(relPath, fp), [META.entry]: encodeURIComponent(item.entry) },
        ...(table ? { table } : {}),
        reopen: () => reopenWalkedFile(top, head, walkOptions(new LimitTracker(relPath, archive.limits)), item.ordinal),
      });
    }
    const objects = await uploader.finish();

    // The new manifest replaces the old one, the only place that lists the previous version's
    // objects: the ones this version no longer has are recorded first, so that a crash from here
    // on removes them with the rest (the kill loop found them left behind, listed nowhere).
    const stale = [...previous].filter((old) => !keys.has(old));
    await Promise.all(stale.map((old) => store.archiveKey(relPath, old)));
    const manifest = buildManifest(relPath, fp, objects, skipped, new Date(deps.now()));
    const body = new TextEncoder().encode(JSON.stringify(manifest));
    const written = await uploadObject(
      deps.upload,
      { key: manifestKey, contentType: "application/json", metadata: sourceMetadata(relPath, fp), file: relPath },
      singlePart(body, { partSize: deps.partSize, budget: deps.budget, signal: deps.upload.retry.signal, crc32: deps.crc32 }),
    );
    failpoint("archive-manifest-written");
    for (const old of stale) {
      await withRetry(deps.upload.retry, { what: "DeleteObject", context: { file: relPath, key: old } }, (signal) => deps.upload.s3.deleteObject(old, signal));
    }
    if (!sameFingerprint(fingerprintOf(await handle.stat({ bigint: true })), file.fp)) throw new DspError("SOURCE_CHANGED", "the archive changed while it was read", { file: relPath });
    const verifiedAt = deps.now();
    await store.completed(relPath, fp, [manifestKey], written.etag);
    failpoint("after-completed-record");
    log.info("uploaded", {
      file: relPath,
      key: manifestKey,
      size: top.size,
      archive: "extracted",
      objects: objects.length,
      object_bytes: objects.reduce((s, o) => s + o.size, 0),
      skipped: skipped.length || undefined,
      stale_removed: stale.length || undefined,
      entries: limits.entries,
      duration_ms: deps.now() - started,
      durable_ms: deps.now() - verifiedAt,
    });
    return { kind: "completed", key: manifestKey, size: top.size };
  } catch (err) {
    // Nothing may still be writing when the objects are removed (or when the next start does it).
    await uploader.settle();
    // Stopping: the keys stay in the log and the next start removes them.
    if (isDspError(err, "SHUTDOWN")) throw err;
    try {
      await removeObjects(removal, deps.prefix, store.entry(relPath)?.keys ?? [], relPath);
      await store.keysRemoved(relPath);
    } catch (cleanupErr) {
      if (isDspError(cleanupErr, "SHUTDOWN")) throw cleanupErr;
      log.error("could not remove the objects of a failed archive; trying again before its next attempt", { file: relPath, details: String(cleanupErr) });
    }
    throw asDspError(err, relPath);
  }
}

/** Archive errors become the file's failure, with the code, entry and offset a person needs. */
function asDspError(err: unknown, relPath: string): unknown {
  if (err instanceof ArchiveError) {
    const { entry, offset, ...rest } = err.context;
    return new DspError("ARCHIVE_FAILED", err.message, {
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === "string" || typeof v === "number")),
      file: relPath,
      reason: err.code === "ARCHIVE_ENCRYPTED" ? "encrypted" : err.code,
      entry,
      offset,
    });
  }
  return err;
}
