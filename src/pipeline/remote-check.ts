/**
 * With the progress log lost (or new), whether a file is already in S3 (US2 scenario 3, FR-016):
 * the object at its key counts as this file when dsp's metadata names the same size and mtime, or,
 * for an object without that metadata uploaded in one piece, when its ETag is the MD5 of the local
 * file (read once to check). Anything else is uploaded; an object there without dsp's metadata
 * and with other content is replaced, and the replacement is logged.
 */
import type { FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import { isDspError } from "../errors.ts";
import { normalizeEtag } from "../upload/part.ts";
import { withRetry, type RetryEnv } from "../upload/retry.ts";
import type { ObjectHead, S3Api } from "../upload/s3-api.ts";
import type { BufferPool } from "../util/buffer-pool.ts";
import type { Fingerprint } from "../watch/fingerprint.ts";
import { META } from "./object-naming.ts";

export type RemoteState =
  | { kind: "same"; etag: string; by: "metadata" | "md5" }
  | { kind: "absent" }
  | { kind: "different"; dspWrote: boolean };

export async function remoteState(
  deps: { s3: S3Api; retry: RetryEnv; hashBuffers: BufferPool },
  key: string,
  fp: Fingerprint,
  handle: FileHandle,
  file: string,
  /** The object holds the file's own bytes (false for a converted table: its ETag is of the Parquet). */
  bodyIsFile = true,
): Promise<RemoteState> {
  const head = await headIfExists(deps, key, file);
  if (head === undefined) return { kind: "absent" };
  const etag = normalizeEtag(head.etag);
  const dspWrote = head.metadata[META.source] !== undefined;
  if (dspWrote && head.metadata[META.size] === fp.size.toString() && head.metadata[META.mtimeNs] === fp.mtimeNs.toString()) {
    return { kind: "same", etag, by: "metadata" };
  }
  if (bodyIsFile && !etag.includes("-") && head.size === Number(fp.size) && (await md5Of(handle, head.size, deps.hashBuffers)) === etag) {
    return { kind: "same", etag, by: "md5" };
  }
  return { kind: "different", dspWrote };
}

async function md5Of(handle: FileHandle, size: number, pool: BufferPool): Promise<string> {
  const buffer = pool.take();
  try {
    const hash = createHash("md5");
    for (let pos = 0; pos < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - pos), pos);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return hash.digest("hex");
  } finally {
    pool.give(buffer);
  }
}

/**
 * An archive is already in S3 when its manifest exists and names this version of the file (size
 * and mtime): the manifest is written only after every object it lists.
 */
export async function remoteManifestMatches(deps: { s3: S3Api; retry: RetryEnv }, manifestKey: string, fp: Fingerprint, file: string): Promise<boolean> {
  const head = await headIfExists(deps, manifestKey, file);
  return head !== undefined && head.metadata[META.size] === fp.size.toString() && head.metadata[META.mtimeNs] === fp.mtimeNs.toString();
}

/** HeadObject, or undefined when there is no such object (404). */
async function headIfExists(deps: { s3: S3Api; retry: RetryEnv }, key: string, file: string): Promise<ObjectHead | undefined> {
  try {
    return await withRetry(deps.retry, { what: "HeadObject", context: { file, key } }, (signal) => deps.s3.headObject(key, signal));
  } catch (err) {
    if (isDspError(err, "S3_PERMANENT") && err.context.status === 404) return undefined;
    throw err;
  }
}
