/**
 * A part is one request body on its way to S3: PutObject for a one-part object, UploadPart
 * otherwise. Its MD5 is known before it is sent (Content-MD5, and the object's expected ETag).
 *
 * The body is either bytes in memory (streams: decompressed entries, Parquet output) or a Blob that
 * is a slice of a local file (regular files: Bun sends it from the file without a JS copy, which
 * keeps RSS flat however large the file is). `release` returns the part's memory to the budget
 * once S3 has acknowledged it; it is called exactly once, on success or failure.
 */
import { createHash } from "node:crypto";

export interface Part {
  body: Uint8Array | Blob;
  size: number;
  md5: Uint8Array;
  /** True for the final part of the object. */
  last: boolean;
  release(): void;
}

/** A source of parts, pulled one at a time by the uploader: the pull is the backpressure. */
export type PartSource = AsyncIterator<Part, void, undefined>;

export function md5Base64(md5: Uint8Array): string {
  return Buffer.from(md5).toString("base64");
}

export function md5Hex(md5: Uint8Array): string {
  return Buffer.from(md5).toString("hex");
}

/**
 * The ETag S3 gives an object: the MD5 of its bytes for a single PutObject; for a multipart
 * upload, the MD5 of the concatenated binary part MD5s followed by "-<part count>".
 */
export function expectedEtag(partMd5s: readonly Uint8Array[], multipart: boolean): string {
  if (!multipart) {
    if (partMd5s.length !== 1) throw new Error(`a single-request object has one part, got ${partMd5s.length}`);
    return md5Hex(partMd5s[0]!);
  }
  const h = createHash("md5");
  for (const m of partMd5s) h.update(m);
  return `${h.digest("hex")}-${partMd5s.length}`;
}

/** S3 returns ETags quoted; some stores use upper case. */
export function normalizeEtag(etag: string | undefined): string {
  return (etag ?? "").replace(/^W\//, "").replace(/"/g, "").trim().toLowerCase();
}
