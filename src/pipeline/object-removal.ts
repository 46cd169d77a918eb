/**
 * Removes what an unfinished or failed attempt of a multi-object source (an archive) left in S3, so
 * that no half-set stays behind: every recorded key is deleted, a recorded manifest first has the
 * objects it lists deleted (the previous version's set, which the attempt was replacing), and the
 * multipart uploads still open on any of the keys are aborted.
 *
 * Used by the archive job when it fails, and by the start-up cleanup after a crash (the keys come
 * from the progress log, recorded before each upload started). Deleting a key that does not exist
 * succeeds in S3, so running it twice is harmless.
 */
import { isDspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { abortUpload, listUploads } from "../upload/multipart-uploads.ts";
import { withRetry, type RetryEnv } from "../upload/retry.ts";
import type { S3Api } from "../upload/s3-api.ts";
import { isManifestKey, parseManifest } from "./archive-manifest.ts";

export interface RemovalDeps {
  s3: S3Api;
  retry: RetryEnv;
  log: Logger;
}

export interface RemovalSummary {
  deleted: number;
  aborted: number;
}

export async function removeObjects(deps: RemovalDeps, prefix: string, keys: readonly string[], file: string): Promise<RemovalSummary> {
  const summary: RemovalSummary = { deleted: 0, aborted: 0 };
  const dataKeys = new Set<string>();
  for (const key of keys) {
    if (!isManifestKey(prefix, key)) {
      dataKeys.add(key);
      continue;
    }
    const listed = await readManifestKeys(deps, key, file);
    for (const k of listed) dataKeys.add(k);
  }
  summary.aborted = await abortUploadsOn(deps, dataKeys, file);
  for (const key of dataKeys) {
    await withRetry(deps.retry, { what: "DeleteObject", context: { file, key } }, (signal) => deps.s3.deleteObject(key, signal));
    summary.deleted++;
  }
  // The manifests go last: while one exists, the keys it lists can still be found again.
  for (const key of keys) {
    if (!isManifestKey(prefix, key)) continue;
    await withRetry(deps.retry, { what: "DeleteObject", context: { file, key } }, (signal) => deps.s3.deleteObject(key, signal));
    summary.deleted++;
  }
  if (summary.deleted + summary.aborted > 0) deps.log.info("removed the objects of an unfinished archive", { file, deleted: summary.deleted, aborted: summary.aborted });
  return summary;
}

/** The keys a manifest in S3 lists; none when it does not exist or is not a manifest. */
export async function readManifestKeys(deps: RemovalDeps, key: string, file: string): Promise<string[]> {
  let text: string;
  try {
    text = await withRetry(deps.retry, { what: "GetObject", context: { file, key } }, (signal) => deps.s3.getObjectText(key, signal));
  } catch (err) {
    if (isDspError(err, "S3_PERMANENT") && (err.context.status === 404 || err.context.s3_code === "NoSuchKey")) return [];
    throw err;
  }
  const manifest = parseManifest(text);
  if (!manifest) {
    deps.log.warn("an object at a manifest key is not a dsp manifest: its objects cannot be listed", { file, key });
    return [];
  }
  return manifest.objects.map((o) => o.key);
}

/** Aborts the unfinished multipart uploads on `keys`, listed once under their common prefix. */
async function abortUploadsOn(deps: RemovalDeps, keys: ReadonlySet<string>, file: string): Promise<number> {
  if (keys.size === 0) return 0;
  let aborted = 0;
  for await (const u of listUploads(deps, commonPrefix([...keys]) || undefined)) {
    if (keys.has(u.key) && (await abortUpload(deps, u.key, u.uploadId, file))) aborted++;
  }
  return aborted;
}

function commonPrefix(keys: string[]): string {
  let p = keys[0] ?? "";
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p;
}
