/**
 * dsp's S3 transport: each request signed with AWS Signature V4 by the AWS SDK's own signer
 * (@smithy/signature-v4) and sent with Bun's fetch. Replaces the SDK client (@aws-sdk/client-s3)
 * on the data path because the client's per-request middleware cost more than the whole rest of
 * dsp: 10,000 PutObjects of 10 KiB at 16 in flight took 5.8 s of CPU and peaked at 108 MB RSS
 * through the client, 1.5 s and 70 MB signed and sent directly (same machine, same server).
 *
 * Bodies are sent with x-amz-content-sha256: UNSIGNED-PAYLOAD (integrity comes from Content-MD5,
 * which every store checks) and never with aws-chunked encoding or flexible checksums, which many
 * S3-compatible stores reject.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import type { S3Config } from "../config/config.ts";
import { addressUrl, hostHeader, s3Address, type S3Address } from "./s3-address.ts";
import {
  S3Error,
  type CompletedPartRef,
  type MultipartUploadListing,
  type ObjectHead,
  type PutObjectInput,
  type S3Api,
  type UploadPartInput,
} from "./s3-api.ts";
import { completeMultipartBody, isXmlError, xmlBlocks, xmlValue } from "./s3-xml.ts";

/** SHA-256 and HMAC-SHA-256 for the signer, on node:crypto (native in Bun). */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

interface Request {
  method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD";
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | Blob | string;
}

export class SignedFetchS3 implements S3Api {
  readonly bucket: string;
  private readonly signer: SignatureV4;

  constructor(private readonly cfg: S3Config) {
    this.bucket = cfg.bucket;
    this.signer = new SignatureV4({
      service: "s3",
      region: cfg.region,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
      sha256: NodeSha256,
      uriEscapePath: false, // S3 signs the path as sent (single-encoded)
      applyChecksum: false, // x-amz-content-sha256 is set explicitly
    });
  }

  async putObject(input: PutObjectInput, signal: AbortSignal): Promise<{ etag: string }> {
    const res = await this.send(
      {
        method: "PUT",
        key: input.key,
        headers: { "content-md5": input.md5, "content-type": input.contentType, ...checksumHeader(input.crc32), ...metaHeaders(input.metadata) },
        body: input.body,
      },
      signal,
    );
    return { etag: res.headers.get("etag") ?? "" };
  }

  async createMultipartUpload(input: { key: string; contentType: string; metadata: Record<string, string>; crc32?: boolean }, signal: AbortSignal) {
    const headers = { "content-type": input.contentType, ...metaHeaders(input.metadata) };
    if (input.crc32) Object.assign(headers, { "x-amz-checksum-algorithm": "CRC32" });
    const res = await this.send({ method: "POST", key: input.key, query: { uploads: "" }, headers }, signal);
    const uploadId = xmlValue(res.text, "UploadId");
    if (!uploadId) throw new S3Error(res.status, "InvalidResponse", "CreateMultipartUpload answered without an UploadId");
    return { uploadId };
  }

  async uploadPart(input: UploadPartInput, signal: AbortSignal): Promise<{ etag: string }> {
    const res = await this.send(
      {
        method: "PUT",
        key: input.key,
        query: { partNumber: String(input.partNumber), uploadId: input.uploadId },
        headers: { "content-md5": input.md5, ...checksumHeader(input.crc32) },
        body: input.body,
      },
      signal,
    );
    return { etag: res.headers.get("etag") ?? "" };
  }

  async completeMultipartUpload(input: { key: string; uploadId: string; parts: CompletedPartRef[] }, signal: AbortSignal) {
    const res = await this.send(
      {
        method: "POST",
        key: input.key,
        query: { uploadId: input.uploadId },
        headers: { "content-type": "application/xml" },
        body: completeMultipartBody(input.parts),
      },
      signal,
    );
    // S3 may answer 200 and still report an error in the body (it fails after sending headers).
    if (isXmlError(res.text)) throw errorFromBody(200, res.text);
    return { etag: xmlValue(res.text, "ETag") ?? "" };
  }

  async abortMultipartUpload(input: { key: string; uploadId: string }, signal: AbortSignal): Promise<void> {
    await this.send({ method: "DELETE", key: input.key, query: { uploadId: input.uploadId } }, signal);
  }

  async headObject(key: string, signal: AbortSignal): Promise<ObjectHead> {
    const res = await this.send({ method: "HEAD", key }, signal);
    const metadata: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
    });
    return {
      etag: res.headers.get("etag") ?? "",
      size: Number(res.headers.get("content-length") ?? 0),
      contentType: res.headers.get("content-type") ?? undefined,
      metadata,
    };
  }

  async getObjectText(key: string, signal: AbortSignal): Promise<string> {
    return (await this.send({ method: "GET", key }, signal)).text;
  }

  async deleteObject(key: string, signal: AbortSignal): Promise<void> {
    await this.send({ method: "DELETE", key }, signal);
  }

  async headBucket(signal: AbortSignal): Promise<void> {
    await this.send({ method: "HEAD" }, signal);
  }

  async listMultipartUploads(input: { prefix?: string; keyMarker?: string; uploadIdMarker?: string }, signal: AbortSignal): Promise<MultipartUploadListing> {
    const query: Record<string, string> = { uploads: "" };
    if (input.prefix) query.prefix = input.prefix;
    if (input.keyMarker !== undefined) query["key-marker"] = input.keyMarker;
    if (input.uploadIdMarker !== undefined) query["upload-id-marker"] = input.uploadIdMarker;
    const res = await this.send({ method: "GET", query }, signal);
    const uploads = xmlBlocks(res.text, "Upload").map((u) => ({ key: xmlValue(u, "Key") ?? "", uploadId: xmlValue(u, "UploadId") ?? "" }));
    const truncated = xmlValue(res.text, "IsTruncated") === "true";
    const keyMarker = xmlValue(res.text, "NextKeyMarker");
    const uploadIdMarker = xmlValue(res.text, "NextUploadIdMarker");
    return { uploads, next: truncated && keyMarker !== undefined ? { keyMarker, uploadIdMarker: uploadIdMarker ?? "" } : undefined };
  }

  private async send(req: Request, signal: AbortSignal): Promise<{ status: number; headers: Headers; text: string }> {
    const address = s3Address(this.cfg, req.key, req.query);
    const signed = await this.signer.sign({
      method: req.method,
      protocol: address.protocol,
      hostname: address.hostname,
      port: address.port,
      path: address.path,
      query: req.query ?? {},
      headers: {
        host: hostHeader(address),
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        ...(req.body !== undefined ? { "content-length": String(bodyLength(req.body)) } : {}),
        ...req.headers,
      },
    });
    const res = await fetch(addressUrl(address), {
      method: req.method,
      headers: signed.headers,
      body: req.body,
      signal,
      redirect: "manual",
      decompress: false,
    } as RequestInit);
    // Reading the answer to its end frees the connection for the next request.
    const text = req.method === "HEAD" ? "" : await res.text();
    if (res.status >= 300) throw errorFromResponse(res, text, address);
    return { status: res.status, headers: res.headers, text };
  }
}

function bodyLength(body: Uint8Array | Blob | string): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body instanceof Blob ? body.size : body.byteLength;
}

function checksumHeader(crc32: string | undefined): Record<string, string> {
  return crc32 === undefined ? {} : { "x-amz-checksum-crc32": crc32 };
}

function metaHeaders(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) out[`x-amz-meta-${k}`] = v;
  return out;
}

function errorFromResponse(res: Response, text: string, address: S3Address): S3Error {
  if (text && isXmlError(text)) return errorFromBody(res.status, text, res.headers.get("x-amz-request-id") ?? undefined);
  // HEAD answers (and some proxies) carry no body: name the error after the status, as the SDK does.
  const code = STATUS_CODES[res.status] ?? `Http${res.status}`;
  return new S3Error(res.status, code, `${code} (HTTP ${res.status}) for ${address.path}`, res.headers.get("x-amz-request-id") ?? undefined);
}

function errorFromBody(status: number, xml: string, requestId?: string): S3Error {
  const code = xmlValue(xml, "Code") ?? `Http${status}`;
  const message = xmlValue(xml, "Message") ?? "";
  return new S3Error(status === 200 ? 500 : status, code, message ? `${code}: ${message}` : code, requestId ?? xmlValue(xml, "RequestId"));
}

const STATUS_CODES: Record<number, string> = {
  301: "PermanentRedirect",
  307: "TemporaryRedirect",
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  411: "MissingContentLength",
  412: "PreconditionFailed",
  500: "InternalError",
  501: "NotImplemented",
  503: "ServiceUnavailable",
};
