/**
 * The open multipart uploads of the store: listed page by page, aborted one by one. Shared by the
 * uploader (uploads a retried CreateMultipartUpload may have left, object-upload.ts), the archive
 * cleanup (object-removal.ts) and the start-up cleanup (crash-cleanup.ts).
 *
 * Stores differ in how they match a prefix, so callers filter the listing on the exact keys they
 * mean; aborting an upload that is already gone (NoSuchUpload: aborted by someone, or a lifecycle
 * rule) is not an error.
 */
import { isDspError } from "../errors.ts";
import { withRetry, type RetryEnv } from "./retry.ts";
import type { S3Api } from "./s3-api.ts";

export interface MultipartDeps {
  s3: S3Api;
  retry: RetryEnv;
}

/** Every unfinished multipart upload under `prefix` (all of the bucket's when undefined), page by page. */
export async function* listUploads(deps: MultipartDeps, prefix: string | undefined): AsyncGenerator<{ key: string; uploadId: string }> {
  let marker: { keyMarker: string; uploadIdMarker: string } | undefined;
  do {
    const page = await withRetry(deps.retry, { what: "ListMultipartUploads", context: { key: prefix } }, (signal) =>
      deps.s3.listMultipartUploads({ prefix, ...marker }, signal),
    );
    yield* page.uploads;
    marker = page.next;
  } while (marker);
}

/** Aborts one upload; false when it was already gone. */
export async function abortUpload(deps: MultipartDeps, key: string, uploadId: string, file: string | undefined): Promise<boolean> {
  try {
    await withRetry(deps.retry, { what: "AbortMultipartUpload", context: { file, key, upload_id: uploadId } }, (signal) =>
      deps.s3.abortMultipartUpload({ key, uploadId }, signal),
    );
    return true;
  } catch (err) {
    if (isDspError(err, "S3_PERMANENT") && err.context.s3_code === "NoSuchUpload") return false;
    throw err;
  }
}
