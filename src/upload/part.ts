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
  /** CRC-32 of the body, when the checksum mode asks for one (DSP_S3_CHECKSUM_MODE=when_supported). */
  crc32?: number;
  /** True for the final part of the object. */
  last: boolean;
  release(): void;
}

/** A source of parts, pulled one at a time by the uploader: the pull is the backpressure. */
export type PartSource = AsyncIterator<Part, void, undefined>;

export function md5Base64(md5: Uint8Array): string {
  return Buffer.from(md5).toString("base64");
}

/** The x-amz-checksum-crc32 form: the big-endian 4 bytes, base64. */
export function crc32Base64(crc: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc >>> 0);
  return b.toString("base64");
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
