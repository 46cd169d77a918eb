/**
 * An in-process S3Api for fault injection in unit tests only: it records every call, stores
 * objects and multipart uploads in memory, computes ETags the way S3 does, checks Content-MD5, and
 * lets a test make any operation fail (once, n times, or always). The integration tests use a real
 * server.
 */
import { createHash } from "node:crypto";
import { S3Error, type CompletedPartRef, type ObjectHead, type PutObjectInput, type S3Api, type UploadPartInput } from "../../src/upload/s3-api.ts";

type Input = Record<string, unknown>;
/** Returns an error to throw for this call, or undefined to let it through. */
export type Fault = (name: string, input: Input, callIndex: number) => unknown | undefined;

export interface StoredObject {
  body: Uint8Array;
  etag: string;
  contentType?: string;
  metadata: Record<string, string>;
}

export class FakeS3 implements S3Api {
  readonly bucket = "bucket";
  readonly calls: { name: string; input: Input }[] = [];
  readonly objects = new Map<string, StoredObject>();
  readonly uploads = new Map<string, { key: string; parts: Map<number, Uint8Array>; contentType: string; metadata: Record<string, string> }>();
  private faults: Fault[] = [];
  private nextId = 1;
  /** When set, HeadObject reports this ETag instead of the real one (to simulate corruption). */
  lieAboutEtag: string | undefined;
  /** Called around each operation, to delay or observe it. */
  around: (name: string, run: () => Promise<unknown>) => Promise<unknown> = (_n, run) => run();

  fail(fault: Fault): this {
    this.faults.push(fault);
    return this;
  }

  count(name: string): number {
    return this.calls.filter((c) => c.name === name).length;
  }

  putObject(input: PutObjectInput, signal: AbortSignal) {
    return this.op("PutObject", input, signal, async () => {
      const body = await bytesOf(input.body);
      checkMd5(body, input.md5);
      const etag = md5hex(body);
      this.objects.set(input.key, { body, etag, contentType: input.contentType, metadata: input.metadata });
      return { etag: `"${etag}"` };
    });
  }

  createMultipartUpload(input: { key: string; contentType: string; metadata: Record<string, string> }, signal: AbortSignal) {
    return this.op("CreateMultipartUpload", input, signal, async () => {
      const uploadId = `upload-${this.nextId++}`;
      this.uploads.set(uploadId, { key: input.key, parts: new Map(), contentType: input.contentType, metadata: input.metadata });
      return { uploadId };
    });
  }

  uploadPart(input: UploadPartInput, signal: AbortSignal) {
    return this.op("UploadPart", input, signal, async () => {
      const u = this.uploads.get(input.uploadId);
      if (!u) throw new S3Error(404, "NoSuchUpload", "NoSuchUpload");
      const body = await bytesOf(input.body);
      checkMd5(body, input.md5);
      u.parts.set(input.partNumber, body);
      return { etag: `"${md5hex(body)}"` };
    });
  }

  completeMultipartUpload(input: { key: string; uploadId: string; parts: CompletedPartRef[] }, signal: AbortSignal) {
    return this.op("CompleteMultipartUpload", input, signal, async () => {
      const u = this.uploads.get(input.uploadId);
      if (!u) throw new S3Error(404, "NoSuchUpload", "NoSuchUpload");
      const bodies = input.parts.map((p) => u.parts.get(p.partNumber)!);
      const h = createHash("md5");
      for (const b of bodies) h.update(createHash("md5").update(b).digest());
      const etag = `${h.digest("hex")}-${bodies.length}`;
      this.objects.set(u.key, { body: Buffer.concat(bodies), etag, contentType: u.contentType, metadata: u.metadata });
      this.uploads.delete(input.uploadId);
      return { etag: "" }; // as Ceph RGW answers
    });
  }

  abortMultipartUpload(input: { key: string; uploadId: string }, signal: AbortSignal) {
    return this.op("AbortMultipartUpload", input, signal, async () => {
      if (!this.uploads.delete(input.uploadId)) throw new S3Error(404, "NoSuchUpload", "NoSuchUpload");
    });
  }

  headObject(key: string, signal: AbortSignal) {
    return this.op("HeadObject", { key }, signal, async (): Promise<ObjectHead> => {
      const o = this.objects.get(key);
      if (!o) throw new S3Error(404, "NotFound", "NotFound");
      return { etag: `"${this.lieAboutEtag ?? o.etag}"`, size: o.body.length, contentType: o.contentType, metadata: o.metadata };
    });
  }

  getObjectText(key: string, signal: AbortSignal) {
    return this.op("GetObject", { key }, signal, async (): Promise<string> => {
      const o = this.objects.get(key);
      if (!o) throw new S3Error(404, "NoSuchKey", "NoSuchKey");
      return new TextDecoder().decode(o.body);
    });
  }

  deleteObject(key: string, signal: AbortSignal) {
    return this.op("DeleteObject", { key }, signal, async () => {
      this.objects.delete(key);
    });
  }

  headBucket(signal: AbortSignal) {
    return this.op("HeadBucket", {}, signal, async () => {});
  }

  /** Pages of `pageSize` uploads, in key then upload-id order, as S3 lists them. */
  pageSize = 1000;

  listMultipartUploads(input: { prefix?: string; keyMarker?: string; uploadIdMarker?: string }, signal: AbortSignal) {
    return this.op("ListMultipartUploads", input, signal, async () => {
      const all = [...this.uploads.entries()]
        .map(([uploadId, u]) => ({ key: u.key, uploadId }))
        .filter((u) => u.key.startsWith(input.prefix ?? ""))
        .sort((a, b) => (a.key === b.key ? (a.uploadId < b.uploadId ? -1 : 1) : a.key < b.key ? -1 : 1));
      const after = all.filter(
        (u) => input.keyMarker === undefined || u.key > input.keyMarker || (u.key === input.keyMarker && u.uploadId > (input.uploadIdMarker ?? "")),
      );
      const page = after.slice(0, this.pageSize);
      const last = page.at(-1);
      return { uploads: page, next: after.length > page.length && last ? { keyMarker: last.key, uploadIdMarker: last.uploadId } : undefined };
    });
  }

  private async op<T>(name: string, input: object, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    const index = this.calls.length;
    this.calls.push({ name, input: input as Input });
    return (await this.around(name, async () => {
      await Promise.resolve();
      if (signal.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
      for (const f of this.faults) {
        const err = f(name, input as Input, index);
        if (err !== undefined) throw err;
      }
      return await run();
    })) as T;
  }
}

export function s3Error(status: number, code: string): S3Error {
  return new S3Error(status, code, code);
}

export function networkError(code = "ECONNREFUSED"): Error {
  return Object.assign(new TypeError(`${code}: Unable to connect`), { code });
}

async function bytesOf(body: Uint8Array | Blob): Promise<Uint8Array> {
  return body instanceof Blob ? new Uint8Array(await body.arrayBuffer()) : body;
}

function md5hex(b: Uint8Array): string {
  return createHash("md5").update(b).digest("hex");
}

function checkMd5(body: Uint8Array, contentMd5: string): void {
  if (createHash("md5").update(body).digest("base64") !== contentMd5) throw s3Error(400, "BadDigest");
}
