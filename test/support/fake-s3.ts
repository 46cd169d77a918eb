/**
 * An in-process S3 stand-in for fault injection in unit tests only: it records every command,
 * stores objects and multipart uploads in memory, computes ETags the way S3 does, and lets a test
 * make any command fail (once, n times, or always). The integration tests use a real server.
 */
import { createHash } from "node:crypto";

type Input = Record<string, unknown>;
export type Fault = (name: string, input: Input, callIndex: number) => unknown | undefined;

export interface StoredObject {
  body: Uint8Array;
  etag: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export class FakeS3 {
  readonly calls: { name: string; input: Input }[] = [];
  readonly objects = new Map<string, StoredObject>();
  readonly uploads = new Map<string, { key: string; parts: Map<number, Uint8Array>; metadata?: Record<string, string> }>();
  private faults: Fault[] = [];
  private nextId = 1;
  /** When set, HeadObject reports this ETag instead of the real one (to simulate corruption). */
  lieAboutEtag: string | undefined;

  fail(fault: Fault): this {
    this.faults.push(fault);
    return this;
  }

  count(name: string): number {
    return this.calls.filter((c) => c.name === name).length;
  }

  async send(command: { constructor: { name: string }; input: unknown }, opts?: { abortSignal?: AbortSignal }): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, "");
    const input = command.input as Input;
    const index = this.calls.length;
    this.calls.push({ name, input });
    await Promise.resolve();
    if (opts?.abortSignal?.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    for (const f of this.faults) {
      const err = f(name, input, index);
      if (err !== undefined) throw err;
    }
    return this.handle(name, input);
  }

  private async handle(name: string, input: Input): Promise<any> {
    const key = input.Key as string;
    switch (name) {
      case "PutObject": {
        const body = await bytesOf(input.Body);
        checkMd5(body, input.ContentMD5 as string);
        const etag = md5hex(body);
        this.objects.set(key, { body, etag, contentType: input.ContentType as string, metadata: input.Metadata as Record<string, string> });
        return { ETag: `"${etag}"` };
      }
      case "CreateMultipartUpload": {
        const id = `upload-${this.nextId++}`;
        this.uploads.set(id, { key, parts: new Map(), metadata: input.Metadata as Record<string, string> });
        return { UploadId: id };
      }
      case "UploadPart": {
        const u = this.uploads.get(input.UploadId as string);
        if (!u) throw s3Error(404, "NoSuchUpload");
        const body = await bytesOf(input.Body);
        checkMd5(body, input.ContentMD5 as string);
        u.parts.set(input.PartNumber as number, body);
        return { ETag: `"${md5hex(body)}"` };
      }
      case "CompleteMultipartUpload": {
        const id = input.UploadId as string;
        const u = this.uploads.get(id);
        if (!u) throw s3Error(404, "NoSuchUpload");
        const listed = (input.MultipartUpload as { Parts: { PartNumber: number }[] }).Parts;
        const bodies = listed.map((p) => u.parts.get(p.PartNumber)!);
        const h = createHash("md5");
        for (const b of bodies) h.update(createHash("md5").update(b).digest());
        const etag = `${h.digest("hex")}-${bodies.length}`;
        this.objects.set(u.key, { body: Buffer.concat(bodies), etag, metadata: u.metadata });
        this.uploads.delete(id);
        return { ETag: "" };
      }
      case "AbortMultipartUpload":
        this.uploads.delete(input.UploadId as string);
        return {};
      case "HeadObject": {
        const o = this.objects.get(key);
        if (!o) throw s3Error(404, "NotFound");
        return { ETag: `"${this.lieAboutEtag ?? o.etag}"`, ContentLength: o.body.length, Metadata: o.metadata };
      }
      case "DeleteObject":
        this.objects.delete(key);
        return {};
      case "HeadBucket":
        return {};
      default:
        throw new Error(`FakeS3 does not implement ${name}`);
    }
  }
}

export function s3Error(status: number, code: string): Error {
  return Object.assign(new Error(code), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}

export function networkError(code = "ECONNREFUSED"): Error {
  return Object.assign(new TypeError(`${code}: Unable to connect`), { code });
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (typeof body === "string") return new TextEncoder().encode(body);
  throw new Error(`unsupported body ${typeof body}`);
}

function md5hex(b: Uint8Array): string {
  return createHash("md5").update(b).digest("hex");
}

function checkMd5(body: Uint8Array, contentMd5: string | undefined): void {
  if (contentMd5 === undefined) throw s3Error(400, "MissingContentMD5");
  if (createHash("md5").update(body).digest("base64") !== contentMd5) throw s3Error(400, "BadDigest");
}
