/**
 * Start-up cleanup of what an interrupted run left in S3, driven by the progress log:
 *  - every multipart upload the log lists (its id was made durable) is aborted;
 *  - every intent key (made durable before CreateMultipartUpload, so an upload created just
 *    before a crash may exist without its id in the log) is listed with ListMultipartUploads and
 *    its uploads aborted; the listing is filtered on the exact key here, because stores differ in
 *    how they match a prefix;
 *  - the objects of a multi-object source (an archive) that did not complete are removed
 *    (object-removal.ts: the keys recorded before each upload, and the set of the previous version
 *    its manifest lists), so that no half-set stays behind;
 * then the entry goes back to pending and the file is uploaded again from the beginning.
 * With the log lost, `abortUploadsForKeys` does the same for every key of the watched folder.
 */
import { contextFields, describeError, isDspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { FileEntry } from "../progress/file-entry.ts";
import type { ProgressStore } from "../progress/progress-store.ts";
import type { RetryEnv } from "../upload/retry.ts";
import type { S3Api } from "../upload/s3-api.ts";
import { abortUpload, listUploads } from "../upload/multipart-uploads.ts";
import { removeObjects } from "./object-removal.ts";

export interface CleanupDeps {
  s3: S3Api;
  retry: RetryEnv;
  store: ProgressStore;
  log: Logger;
  /** DSP_S3_PREFIX (manifest keys are recognised under it). */
  prefix?: string;
}

export interface CleanupSummary {
  files: number;
  aborted: number;
  deleted: number;
  failed: number;
}

/** Files the previous run left with something in S3 to abort, remove or upload again. */
export function leftoversOf(store: ProgressStore): string[] {
  return [...store.entries.values()].filter(isLeftover).map((e) => e.relPath);
}

function isLeftover(e: FileEntry): boolean {
  return e.uploads.length > 0 || e.intentKeys.length > 0 || e.state === "in-progress" || (e.state !== "completed" && e.keys.length > 0);
}

/**
 * Cleans up the leftovers of the given files (those `leftoversOf` named at start-up: a file this
 * run has started on since is not a leftover, whatever its state).
 */
export async function cleanUpAfterCrash(deps: CleanupDeps, relPaths: readonly string[]): Promise<CleanupSummary> {
  const summary: CleanupSummary = { files: 0, aborted: 0, deleted: 0, failed: 0 };
  for (const relPath of relPaths) {
    const e = deps.store.entry(relPath);
    if (!e || !isLeftover(e)) continue;
    summary.files++;
    try {
      for (const u of e.uploads) if (await abort(deps, u.key, u.uploadId, e.relPath)) summary.aborted++;
      for (const key of e.intentKeys) {
        for await (const u of listUploads(deps, key)) {
          if (u.key === key && (await abort(deps, u.key, u.uploadId, e.relPath))) summary.aborted++;
        }
      }
      if (e.state !== "completed" && e.keys.length > 0) {
        const removed = await removeObjects(deps, deps.prefix ?? "", e.keys, e.relPath);
        summary.deleted += removed.deleted;
        summary.aborted += removed.aborted;
      }
      await deps.store.cleaned(e.relPath);
    } catch (err) {
      if (isDspError(err, "SHUTDOWN")) throw err;
      summary.failed++;
      deps.log.error("could not clean up after an interrupted upload; trying again at the next start", {
        file: e.relPath,
        error: isDspError(err) ? err.code : "INTERNAL",
        details: describeError(err),
        ...(isDspError(err) ? contextFields(err.context) : {}),
      });
    }
  }
  if (summary.files > 0) deps.log.info("cleaned up after the previous run", { ...summary });
  return summary;
}

/** Aborts every unfinished upload whose key is in `keys` (the log was lost: these are dsp's keys). */
export async function abortUploadsForKeys(deps: CleanupDeps, keys: ReadonlySet<string>): Promise<number> {
  let aborted = 0;
  for await (const u of listUploads(deps, undefined)) {
    if (keys.has(u.key) && (await abort(deps, u.key, u.uploadId, undefined))) aborted++;
  }
  return aborted;
}

/** Aborts one upload of the previous run (false: it was gone already) and says so in the log. */
async function abort(deps: CleanupDeps, key: string, uploadId: string, file: string | undefined): Promise<boolean> {
  if (!(await abortUpload(deps, key, uploadId, file))) return false;
  deps.log.info("aborted an unfinished multipart upload of the previous run", { file, key, upload_id: uploadId });
  return true;
}
