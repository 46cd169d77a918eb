/**
 * The S3 sink: turns a PartSource into one verified object. One part → PutObject; more → a
 * multipart upload whose parts go up in parallel (bounded per object and globally), then
 * CompleteMultipartUpload and a HeadObject whose ETag must equal the one computed from the part
 * MD5s. The object exists only once complete and verified; on any failure the multipart upload is
 * aborted after every in-flight part has settled, so nothing is left behind.
 *
 * Invariants: a part is pulled from the source only when fewer than `partsInFlight` parts of the
 * object are in flight (the pull is the backpressure); every pulled part is released exactly once;
 * `onMultipartIntent` settles before CreateMultipartUpload and `onMultipartStarted` before the
 * first part (the progress log makes the key, then the upload id, durable first); `onMultipartEnded`
 * follows every completed or aborted upload; a CreateMultipartUpload sent more than once leaves no
 * other open upload on the key once the object has ended (abortStrayUploads).
 */
import { DspError, contextFields, describeError, isDspError, type ErrorContext } from "../errors.ts";
import type { Logger } from "../log.ts";
import { crc32Base64, expectedEtag, md5Base64, normalizeEtag, type Part, type PartSource } from "./part.ts";
import { withRetry, type RetryEnv } from "./retry.ts";
import type { Semaphore } from "../util/semaphore.ts";
import type { CompletedPartRef, S3Api } from "./s3-api.ts";
import { failpoint } from "../util/failpoint.ts";
import { abortUpload as abortOpenUpload, listUploads } from "./multipart-uploads.ts";

export interface UploadDeps {
  s3: S3Api;
  /** Global limit of S3 requests in flight. */
  requests: Semaphore;
  retry: RetryEnv;
  log: Logger;
  verifyEtag: boolean;
  /** Parts of one object in flight at once. */
  partsInFlight: number;
}

export interface ObjectSpec {
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  /** Source file (relative path) for logs and errors. */
  file: string;
}

export interface UploadHooks {
  onMultipartIntent?(key: string): Promise<void>;
  onMultipartStarted?(uploadId: string): Promise<void>;
  /** Bytes of the object acknowledged so far (parts may complete out of order). */
  onPartUploaded?(partNumber: number, bytesDone: number): void;
  onMultipartEnded?(uploadId: string): Promise<void>;
}

export interface UploadResult {
  key: string;
  etag: string;
  size: number;
  parts: number;
  uploadId: string | undefined;
}

export async function uploadObject(deps: UploadDeps, spec: ObjectSpec, parts: PartSource, hooks: UploadHooks = {}): Promise<UploadResult> {
  const ctx: ErrorContext = { file: spec.file, key: spec.key };
  try {
    const first = await parts.next();
    if (first.done) throw new DspError("INTERNAL", "part source yielded no part", ctx);
    if (first.value.last) return await putSingle(deps, spec, first.value, ctx);
    return await putMultipart(deps, spec, first.value, parts, hooks, ctx);
  } finally {
    // Lets a source that was not read to its end (a failure) free what it holds.
    await parts.return?.();
  }
}

async function putSingle(deps: UploadDeps, spec: ObjectSpec, part: Part, ctx: ErrorContext): Promise<UploadResult> {
  let etag: string;
  try {
    const out = await deps.requests.with(() =>
      withRetry(deps.retry, { what: "PutObject", bodyBytes: part.size, context: ctx }, (signal) =>
        deps.s3.putObject(
          {
            key: spec.key,
            body: part.body,
            size: part.size,
            md5: md5Base64(part.md5),
            crc32: part.crc32 === undefined ? undefined : crc32Base64(part.crc32),
            contentType: spec.contentType,
            metadata: spec.metadata,
          },
          signal,
        ),
      ),
    );
    etag = normalizeEtag(out.etag);
  } finally {
    part.release();
  }
  // Some stores omit the ETag from the PutObject answer: ask for it.
  if (etag === "") etag = await headEtag(deps, spec.key, ctx);
  await verify(deps, spec, etag, expectedEtag([part.md5], false), ctx);
  return { key: spec.key, etag, size: part.size, parts: 1, uploadId: undefined };
}

async function putMultipart(
  deps: UploadDeps,
  spec: ObjectSpec,
  first: Part,
  parts: PartSource,
  hooks: UploadHooks,
  ctx: ErrorContext,
): Promise<UploadResult> {
  let uploadId: string;
  let createSends = 0;
  try {
    if (hooks.onMultipartIntent) await hooks.onMultipartIntent(spec.key);
    failpoint("after-intent-logged");
    const created = await deps.requests.with(() =>
      withRetry(deps.retry, { what: "CreateMultipartUpload", context: ctx }, (signal) => {
        createSends++;
        return deps.s3.createMultipartUpload({ key: spec.key, contentType: spec.contentType, metadata: spec.metadata, crc32: first.crc32 !== undefined }, signal);
      }),
    );
    uploadId = created.uploadId;
    // The crash window the intent record exists for: an upload S3 has, whose id is not logged yet.
    failpoint("after-create");
  } catch (err) {
    first.release();
    if (createSends > 1) await abortStrayUploads(deps, spec, undefined, ctx);
    throw err;
  }
  const uctx = { ...ctx, upload_id: uploadId };
  try {
    if (hooks.onMultipartStarted) {
      try {
        await hooks.onMultipartStarted(uploadId);
      } catch (err) {
        first.release();
        throw err;
      }
    }
    failpoint("after-upload-id-logged");
    const sent = await sendParts(deps, spec, uploadId, first, parts, hooks, uctx);
    failpoint("before-complete");
    await completeUpload(deps, spec, uploadId, sent.completed, uctx);
    failpoint("after-complete");
    await hooks.onMultipartEnded?.(uploadId);
    // Ceph RGW answers CompleteMultipartUpload with an empty ETag: HeadObject is the reliable source.
    const etag = await headEtag(deps, spec.key, uctx);
    await verify(deps, spec, etag, expectedEtag(sent.md5s, true), uctx);
    return { key: spec.key, etag, size: sent.size, parts: sent.md5s.length, uploadId };
  } catch (err) {
    if (await abortUpload(deps, spec, uploadId, err)) await hooks.onMultipartEnded?.(uploadId);
    throw err;
  } finally {
    if (createSends > 1) await abortStrayUploads(deps, spec, uploadId, uctx);
  }
}

/**
 * After CreateMultipartUpload was sent more than once: an attempt whose answer was lost (a reset,
 * a cut answer, a timeout) may have made an upload on the store whose id never arrived, and that
 * nobody would ever abort (the progress log's record of the file ends complete). So every open
 * upload on the key but `keep` (ours) is aborted, once ours has ended: the key is this object's
 * alone (one job per file; keys are unique per file and entry). An upload the store makes later
 * still, from a request it held past our timeout, is not seen here (README, "Failures and retries").
 * A failure to list or abort is logged, and does not fail an object that is complete and verified.
 */
async function abortStrayUploads(deps: UploadDeps, spec: ObjectSpec, keep: string | undefined, ctx: ErrorContext): Promise<void> {
  const multipart = { s3: deps.s3, retry: shutdownSafe(deps.retry) };
  try {
    for await (const u of listUploads(multipart, spec.key)) {
      if (u.key !== spec.key || u.uploadId === keep) continue;
      if (await abortOpenUpload(multipart, u.key, u.uploadId, spec.file)) {
        deps.log.info("aborted a multipart upload left by a retried CreateMultipartUpload", { ...contextFields(ctx), upload_id: u.uploadId });
      }
    }
  } catch (err) {
    deps.log.error("could not look for multipart uploads left by a retried CreateMultipartUpload", { ...contextFields(ctx), details: describeError(err) });
  }
}

/** Aborting must work during shutdown too, so it does not use the shutdown signal; it gets one retry then, so a shutdown against an unreachable store does not hang. */
function shutdownSafe(retry: RetryEnv): RetryEnv {
  return { ...retry, signal: new AbortController().signal, policy: retry.signal.aborted ? { ...retry.policy, retries: 1 } : retry.policy };
}

/**
 * CompleteMultipartUpload, tolerating a lost answer: if the first Complete succeeded but its
 * answer never arrived, the retry finds no such upload (404 NoSuchUpload). That is not a failure;
 * the HeadObject verification that follows decides whether the object is the one we sent.
 */
async function completeUpload(deps: UploadDeps, spec: ObjectSpec, uploadId: string, parts: CompletedPartRef[], ctx: ErrorContext) {
  let sends = 0;
  try {
    await deps.requests.with(() =>
      withRetry(deps.retry, { what: "CompleteMultipartUpload", context: ctx }, (signal) => {
        sends++;
        return deps.s3.completeMultipartUpload({ key: spec.key, uploadId, parts }, signal);
      }),
    );
  } catch (err) {
    if (!(sends > 1 && isDspError(err, "S3_PERMANENT") && err.context.s3_code === "NoSuchUpload")) throw err;
    deps.log.info("CompleteMultipartUpload was retried after a lost answer; checking the object", contextFields(ctx));
  }
}

interface SentParts {
  completed: CompletedPartRef[];
  md5s: Uint8Array[];
  size: number;
}

/** Uploads parts in parallel; on the first failure stops pulling, lets the others settle, rethrows. */
async function sendParts(
  deps: UploadDeps,
  spec: ObjectSpec,
  uploadId: string,
  first: Part,
  parts: PartSource,
  hooks: UploadHooks,
  ctx: ErrorContext,
): Promise<SentParts> {
  const completed: CompletedPartRef[] = [];
  const md5s: Uint8Array[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let size = 0;
  let acknowledged = 0;
  let next: Part | undefined = first;
  let partNumber = 0;

  while (next !== undefined && failure === undefined) {
    while (inFlight.size >= deps.partsInFlight) await Promise.race(inFlight);
    if (failure !== undefined) {
      next.release();
      break;
    }
    const part: Part = next;
    const n = ++partNumber;
    const crc32 = part.crc32 === undefined ? undefined : crc32Base64(part.crc32);
    md5s[n - 1] = part.md5;
    size += part.size;
    const task = deps.requests
      .with(() =>
        withRetry(deps.retry, { what: `UploadPart ${n}`, bodyBytes: part.size, context: ctx }, (signal) =>
          deps.s3.uploadPart({ key: spec.key, uploadId, partNumber: n, body: part.body, size: part.size, md5: md5Base64(part.md5), crc32 }, signal),
        ),
      )
      .then((out) => {
        completed[n - 1] = { partNumber: n, etag: out.etag, crc32 };
        acknowledged += part.size;
        hooks.onPartUploaded?.(n, acknowledged);
        failpoint("after-part");
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => {
        part.release();
        inFlight.delete(task);
      });
    inFlight.add(task);
    if (part.last) break;
    try {
      const pulled = await parts.next();
      next = pulled.done ? undefined : pulled.value;
    } catch (err) {
      failure ??= err;
    }
  }
  await Promise.allSettled(inFlight);
  if (failure !== undefined) throw failure;
  return { completed, md5s, size };
}

async function headEtag(deps: UploadDeps, key: string, ctx: ErrorContext): Promise<string> {
  const head = await deps.requests.with(() =>
    withRetry(deps.retry, { what: "HeadObject", context: ctx }, (signal) => deps.s3.headObject(key, signal)),
  );
  return normalizeEtag(head.etag);
}

async function verify(deps: UploadDeps, spec: ObjectSpec, actual: string, expected: string, ctx: ErrorContext): Promise<void> {
  if (!deps.verifyEtag || actual === expected) return;
  // The object is not what we sent: do not leave a wrong object looking like a valid upload.
  try {
    await deps.requests.with(() =>
      withRetry(deps.retry, { what: "DeleteObject", context: ctx }, (signal) => deps.s3.deleteObject(spec.key, signal)),
    );
  } catch (err) {
    deps.log.error("could not delete an object that failed verification", { ...contextFields(ctx), details: describeError(err) });
  }
  throw new DspError("INTEGRITY_MISMATCH", `ETag mismatch: S3 reports ${actual || "(none)"}, computed ${expected}`, {
    ...ctx,
    expected,
    actual,
  });
}

/** True when the upload is gone (aborted now, or already); false when it may still exist. */
async function abortUpload(deps: UploadDeps, spec: ObjectSpec, uploadId: string, cause: unknown): Promise<boolean> {
  const ctx = { file: spec.file, key: spec.key, upload_id: uploadId };
  try {
    const retry = shutdownSafe(deps.retry);
    await withRetry(retry, { what: "AbortMultipartUpload", context: ctx }, (signal) =>
      deps.s3.abortMultipartUpload({ key: spec.key, uploadId }, signal),
    );
    deps.log.info("multipart upload aborted", { ...ctx, reason: describeError(cause) });
    return true;
  } catch (err) {
    if (isDspError(err, "S3_PERMANENT") && err.context.s3_code === "NoSuchUpload") {
      deps.log.info("multipart upload already gone", { ...ctx, reason: describeError(cause) });
      return true;
    }
    // Left for the startup cleanup: the progress log still lists the upload id.
    deps.log.error("could not abort multipart upload", { ...ctx, details: describeError(err) });
    return false;
  }
}
