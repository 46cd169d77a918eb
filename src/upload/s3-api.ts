/**
 * The S3 operations dsp performs, on one bucket. object-upload.ts and the pipeline depend on this
 * interface only, so the transport can be swapped (the signed-fetch one in production, an
 * in-process fake with injected faults in unit tests).
 *
 * Errors: a store's refusal is thrown as S3Error (HTTP status + S3 code); a transport failure is
 * thrown as the runtime's own error (with `code`, e.g. ECONNREFUSED); s3-errors.ts sorts both.
 */

export interface PutObjectInput {
  key: string;
  body: Uint8Array | Blob;
  size: number;
  /** Base64 MD5 of the body (Content-MD5). */
  md5: string;
  contentType: string;
  metadata: Record<string, string>;
  /** Base64 big-endian CRC-32, sent as x-amz-checksum-crc32 when present. */
  crc32?: string;
}

export interface UploadPartInput {
  key: string;
  uploadId: string;
  partNumber: number;
  body: Uint8Array | Blob;
  size: number;
  md5: string;
  crc32?: string;
}

export interface CompletedPartRef {
  partNumber: number;
  etag: string;
  crc32?: string;
}

export interface ObjectHead {
  etag: string;
  size: number;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

export interface MultipartUploadListing {
  uploads: { key: string; uploadId: string }[];
  /** Markers for the next page; undefined when this was the last one. */
  next?: { keyMarker: string; uploadIdMarker: string };
}

export interface S3Api {
  readonly bucket: string;
  putObject(input: PutObjectInput, signal: AbortSignal): Promise<{ etag: string }>;
  /** `crc32`: the parts will carry CRC-32 checksums (x-amz-checksum-algorithm: CRC32). */
  createMultipartUpload(input: { key: string; contentType: string; metadata: Record<string, string>; crc32?: boolean }, signal: AbortSignal): Promise<{ uploadId: string }>;
  uploadPart(input: UploadPartInput, signal: AbortSignal): Promise<{ etag: string }>;
  completeMultipartUpload(input: { key: string; uploadId: string; parts: CompletedPartRef[] }, signal: AbortSignal): Promise<{ etag: string }>;
  abortMultipartUpload(input: { key: string; uploadId: string }, signal: AbortSignal): Promise<void>;
  headObject(key: string, signal: AbortSignal): Promise<ObjectHead>;
  /** A small object's body as text (dsp's own manifests; never a data object). */
  getObjectText(key: string, signal: AbortSignal): Promise<string>;
  deleteObject(key: string, signal: AbortSignal): Promise<void>;
  headBucket(signal: AbortSignal): Promise<void>;
  /** One page of unfinished multipart uploads, optionally under a key prefix. */
  listMultipartUploads(input: { prefix?: string; keyMarker?: string; uploadIdMarker?: string }, signal: AbortSignal): Promise<MultipartUploadListing>;
}

/** A refusal by the store: HTTP status and S3 error code, shaped like the AWS SDK's errors. */
export class S3Error extends Error {
  readonly Code: string;
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(status: number, code: string, message: string, requestId?: string) {
    super(message || code);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status, requestId };
  }
}
