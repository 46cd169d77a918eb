/**
 * Parts of a local file of known size. Small files (up to 1 MiB) are read into memory and sent as
 * one body: one read instead of a read plus a sendfile. Larger ones become Blob slices of the file,
 * which Bun sends over plain HTTP with sendfile, without copying them into JS memory; each slice's
 * MD5 is computed by reading it through a small reusable buffer just before the part is handed out.
 * Every byte held in memory is taken from the memory budget first: small bodies, the hash buffer,
 * and, over HTTPS (where Bun reads a Blob body into memory to encrypt it), each slice in flight.
 *
 * The slices name the file as /proc/self/fd/<fd>: every read of a slice opens its own description
 * of the very inode that was fingerprinted (even if the path was replaced meanwhile). Slices of the
 * descriptor itself share one file offset, and Bun reads them with seek+read: parts sent
 * concurrently over TLS then carried each other's bytes (measured; see the regression test).
 * A change of the bytes between hashing and sending is caught by S3 (Content-MD5 → BadDigest) and
 * by the fingerprint check after the upload.
 */
import type { FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { Part, PartSource } from "./part.ts";
import { DspError } from "../errors.ts";
import type { Semaphore } from "../util/semaphore.ts";

export const HASH_BUFFER_BYTES = 256 * 1024;
/** Bodies up to this size are sent from memory. */
export const SMALL_BODY_BYTES = 1024 * 1024;

export interface FileRange {
  handle: FileHandle;
  fd: number;
  size: number;
  /** For error messages. */
  file: string;
}

export interface FilePartsOptions {
  partSize: number;
  budget: Semaphore;
  /** True when the transport reads Blob bodies into memory (HTTPS): then slices count too. */
  slicesUseMemory: boolean;
}

export async function* fileParts(src: FileRange, opts: FilePartsOptions): PartSource {
  const { partSize, budget } = opts;
  if (src.size <= SMALL_BODY_BYTES) {
    await budget.acquire(src.size);
    let bytes: Uint8Array;
    try {
      bytes = await readExactly(src, 0, src.size);
    } catch (err) {
      budget.release(src.size);
      throw err;
    }
    yield {
      body: bytes,
      size: src.size,
      md5: createHash("md5").update(bytes).digest(),
      last: true,
      release: once(() => budget.release(src.size)),
    };
    return;
  }
  await budget.acquire(HASH_BUFFER_BYTES);
  try {
    const buffer = Buffer.allocUnsafe(HASH_BUFFER_BYTES);
    for (let start = 0; start < src.size; start += partSize) {
      const end = Math.min(src.size, start + partSize);
      const hash = createHash("md5");
      for (let pos = start; pos < end; ) {
        const { bytesRead } = await src.handle.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
        if (bytesRead === 0) throw shrunk(src, pos);
        hash.update(buffer.subarray(0, bytesRead));
        pos += bytesRead;
      }
      const size = end - start;
      if (opts.slicesUseMemory) await budget.acquire(size);
      yield {
        body: Bun.file(ownDescriptionPath(src.fd)).slice(start, end),
        size,
        md5: hash.digest(),
        last: end === src.size,
        release: opts.slicesUseMemory ? once(() => budget.release(size)) : () => {},
      };
    }
  } finally {
    budget.release(HASH_BUFFER_BYTES);
  }
}

/** A path that opens the same inode as `fd` with a file offset of its own (Linux). */
function ownDescriptionPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
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

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

function shrunk(src: FileRange, at: number): DspError {
  return new DspError("SOURCE_CHANGED", `file shrank while being read (end at byte ${at}, expected ${src.size})`, {
    file: src.file,
  });
}
