/**
 * Checks what a tool left in its bucket: every expected key, nothing else, the right sizes, and for
 * the large file an ETag that proves the bytes. A run that fails here is reported as failed, never
 * timed: a tool that silently uploaded nothing would otherwise win.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { Workload } from "./workloads.ts";

interface ListedObject {
  key: string;
  size: number;
  etag: string;
}

export async function verifyBucket(client: S3Client, bucket: string, w: Workload): Promise<string> {
  const objects = await listAll(client, bucket);
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const missing = w.files.filter((k) => !byKey.has(k));
  const expected = new Set(w.files);
  const extra = objects.filter((o) => !expected.has(o.key));
  if (missing.length || extra.length) {
    throw new Error(
      `bucket ${bucket}: ${objects.length} objects, ${missing.length} missing (e.g. ${missing[0] ?? "-"}), ` +
        `${extra.length} unexpected (e.g. ${extra[0]?.key ?? "-"})`,
    );
  }
  const wrongSize = objects.find((o) => o.size !== w.fileSize);
  if (wrongSize) throw new Error(`bucket ${bucket}: ${wrongSize.key} is ${wrongSize.size} bytes, expected ${w.fileSize}`);
  if (w.id === "A") {
    const o = objects[0]!;
    const want = expectedEtag(join(w.dir, o.key), w.fileSize, w.md5!, o.etag);
    if (o.etag !== want) throw new Error(`bucket ${bucket}: ${o.key} has ETag ${o.etag}, the file's is ${want}`);
    return `${objects.length} object, ${o.size} bytes, ETag ${o.etag} matches`;
  }
  return `${objects.length} objects, all keys and sizes match`;
}

async function listAll(client: S3Client, bucket: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key ?? "", size: o.Size ?? -1, etag: (o.ETag ?? "").replace(/"/g, "") });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

const multipartEtags = new Map<string, string>();

/**
 * The ETag the file's bytes must have: its MD5 for a single PUT, or for a multipart upload the MD5
 * of the parts' MD5s plus "-<parts>". Each tool picks its own part size, so it is inferred from the
 * part count as the smallest whole number of MiB giving that many parts (every tool here uses whole
 * MiB), then the expected value is computed from the file itself.
 */
function expectedEtag(path: string, size: number, md5: string, actual: string): string {
  const m = /^[0-9a-f]{32}-(\d+)$/.exec(actual);
  if (!m) return md5;
  const parts = Number(m[1]);
  let partSize = 0;
  for (let mib = 1; mib <= 5 * 1024; mib++) {
    if (Math.ceil(size / (mib * 1024 * 1024)) === parts) {
      partSize = mib * 1024 * 1024;
      break;
    }
  }
  if (!partSize) return `(no whole-MiB part size gives ${parts} parts)`;
  const cacheKey = `${path}:${partSize}`;
  let etag = multipartEtags.get(cacheKey);
  if (!etag) {
    etag = multipartEtag(path, size, partSize);
    multipartEtags.set(cacheKey, etag);
  }
  return etag;
}

function multipartEtag(path: string, size: number, partSize: number): string {
  const buf = Buffer.allocUnsafe(partSize);
  const digests: Buffer[] = [];
  const fd = openSync(path, "r");
  try {
    for (let off = 0; off < size; off += partSize) {
      const len = Math.min(partSize, size - off);
      let got = 0;
      while (got < len) got += readSync(fd, buf, got, len - got, off + got);
      digests.push(createHash("md5").update(buf.subarray(0, len)).digest());
    }
  } finally {
    closeSync(fd);
  }
  return `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}`;
}
