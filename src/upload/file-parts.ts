/**
 * Parts of a local file of known size, as Blob slices of an open descriptor. The MD5 of each part
 * is computed by reading it through a small reusable buffer just before the part is handed out, so
 * memory per file is that buffer, not the part. Reading through the descriptor (not the path)
 * keeps every read on the inode that was fingerprinted, even if the path is replaced meanwhile;
 * a change of the bytes between hashing and sending is caught by S3 (Content-MD5 → BadDigest)
 * and by the fingerprint check after the upload.
 */
import type { FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { Part, PartSource } from "./part.ts";
import { DspError } from "../errors.ts";

const HASH_BUFFER = 256 * 1024;
/** Bodies up to this size are sent from memory: one read instead of a read plus a sendfile. */
const SMALL_BODY = 1024 * 1024;

export interface FileRange {
  handle: FileHandle;
  fd: number;
  size: number;
  /** For error messages. */
  file: string;
}

export async function* fileParts(src: FileRange, partSize: number): PartSource {
  if (src.size <= SMALL_BODY) {
    const bytes = await readExactly(src, 0, src.size);
    yield { body: bytes, size: src.size, md5: createHash("md5").update(bytes).digest(), last: true, release() {} };
    return;
  }
  const buffer = Buffer.allocUnsafe(HASH_BUFFER);
  for (let start = 0; start < src.size; start += partSize) {
    const end = Math.min(src.size, start + partSize);
    const hash = createHash("md5");
    for (let pos = start; pos < end; ) {
      const { bytesRead } = await src.handle.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
      if (bytesRead === 0) throw shrunk(src, pos);
      hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    yield {
      body: Bun.file(src.fd).slice(start, end),
      size: end - start,
      md5: hash.digest(),
      last: end === src.size,
      release() {},
    };
  }
}

async function readExactly(src: FileRange, position: number, length: number): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await src.handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) throw shrunk(src, position + done);
    done += bytesRead;
  }
  return bytes;
}

function shrunk(src: FileRange, at: number): DspError {
  return new DspError("SOURCE_CHANGED", `file shrank while being read (end at byte ${at}, expected ${src.size})`, {
    file: src.file,
  });
}
