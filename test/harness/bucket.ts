/**
 * A fresh bucket per test, and the read-side helpers tests use to check what dsp left in S3:
 * objects with their bytes and metadata, and unfinished multipart uploads (which must be none).
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { s3ClientFor, testS3 } from "./s3-env.ts";
import type { S3Endpoint } from "./seaweedfs.ts";

let counter = 0;

export interface TestBucket {
  name: string;
  s3: S3Endpoint;
  client: S3Client;
  keys(prefix?: string): Promise<string[]>;
  objects(prefix?: string): Promise<{ key: string; size: number; etag: string }[]>;
  bytes(key: string): Promise<Uint8Array>;
  head(key: string): Promise<{ contentType: string | undefined; metadata: Record<string, string>; etag: string; size: number }>;
  multipartUploads(): Promise<{ key: string; uploadId: string }[]>;
}

export async function newBucket(label = "t"): Promise<TestBucket> {
  const s3 = await testS3();
  const client = s3ClientFor(s3);
  const name = `${label}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  const objects = async (prefix?: string) => {
    const out: { key: string; size: number; etag: string }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0, etag: (o.ETag ?? "").replace(/"/g, "") });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  };
  return {
    name,
    s3,
    client,
    objects,
    keys: async (prefix) => (await objects(prefix)).map((o) => o.key),
    bytes: async (key) => {
      const r = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return await r.Body!.transformToByteArray();
    },
    head: async (key) => {
      const h = await client.send(new HeadObjectCommand({ Bucket: name, Key: key }));
      return { contentType: h.ContentType, metadata: h.Metadata ?? {}, etag: (h.ETag ?? "").replace(/"/g, ""), size: h.ContentLength ?? 0 };
    },
    multipartUploads: async () => {
      const out: { key: string; uploadId: string }[] = [];
      let keyMarker: string | undefined;
      let idMarker: string | undefined;
      do {
        const page = await client.send(new ListMultipartUploadsCommand({ Bucket: name, KeyMarker: keyMarker, UploadIdMarker: idMarker }));
        for (const u of page.Uploads ?? []) out.push({ key: u.Key!, uploadId: u.UploadId! });
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
      return out;
    },
  };
}
