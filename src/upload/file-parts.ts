/**
 * Parts of a local file of known size. A file that fits a pooled buffer (256 KiB) is read into it
 * and sent from it; the buffer returns to the pool when S3 has acknowledged the part. Larger files
 * become Blob slices of the file: Bun sends them over plain HTTP with sendfile, without copying them
 * into JS memory. Each slice's MD5 is computed just before the part is handed out, by reading it
 * through the pooled buffer. Every byte held in memory is taken from the memory budget first: the
 * pooled buffer, and, over HTTPS (where Bun reads a Blob body into memory to encrypt it), each
 * slice in flight.
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
import { crc32 as zlibCrc32 } from "node:zlib";
import type { Part, PartSource } from "./part.ts";
import { DspError } from "../errors.ts";
import type { Semaphore } from "../util/semaphore.ts";
import type { BufferPool } from "../util/buffer-pool.ts";

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
  /** Buffers for hashing; each one taken is held from the budget until given back. */
  hashBuffers: BufferPool;
  /** True when the transport reads Blob bodies into memory (HTTPS): then slices count too. */
  slicesUseMemory: boolean;
  /** Cancels waiting for the budget (shutdown). */
  signal?: AbortSignal;
  /** Also compute each part's CRC-32 (DSP_S3_CHECKSUM_MODE=when_supported). */
  crc32?: boolean;
}

export async function* fileParts(src: FileRange, opts: FilePartsOptions): PartSource {
  const { partSize, budget, hashBuffers, signal } = opts;
  await budget.acquire(hashBuffers.size, signal);
  let buffer: Buffer | undefined = hashBuffers.take();
  const giveBack = () => {
    if (buffer) {
      hashBuffers.give(buffer);
      budget.release(hashBuffers.size);
      buffer = undefined;
    }
  };
  if (src.size <= hashBuffers.size) {
    // A file that fits the pooled buffer is sent from it: no slice to open, no garbage per file.
    // (A Blob per small file cost more RSS and CPU in a burst of 10,000 than one pooled buffer.)
    let handedOut = false;
    try {
      const bytes = buffer.subarray(0, src.size);
      await readInto(src, bytes);
      handedOut = true;
      const crc32 = opts.crc32 ? zlibCrc32(bytes) : undefined;
      yield { body: bytes, size: src.size, md5: createHash("md5").update(bytes).digest(), crc32, last: true, release: once(giveBack) };
      return;
    } finally {
      if (!handedOut) giveBack();
    }
  }
  try {
    for (let start = 0; ; start += partSize) {
      const end = Math.min(src.size, start + partSize);
      const hash = createHash("md5");
      let crc32 = opts.crc32 ? 0 : undefined;
      for (let pos = start; pos < end; ) {
        const { bytesRead } = await src.handle.read(buffer!, 0, Math.min(buffer!.length, end - pos), pos);
        if (bytesRead === 0) throw shrunk(src, pos);
        const chunk = buffer!.subarray(0, bytesRead);
        hash.update(chunk);
        if (crc32 !== undefined) crc32 = zlibCrc32(chunk, crc32);
        pos += bytesRead;
      }
      const last = end === src.size;
      // The consumer need not pull past the last part, so nothing may wait for a later resume.
      if (last) giveBack();
      const size = end - start;
      if (opts.slicesUseMemory) await budget.acquire(size, signal);
      yield {
        body: Bun.file(ownDescriptionPath(src.fd)).slice(start, end),
        size,
        md5: hash.digest(),
        crc32,
        last,
        release: opts.slicesUseMemory ? once(() => budget.release(size)) : () => {},
      };
      if (last) return;
    }
  } finally {
    giveBack();
  }
}

async function readInto(src: FileRange, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesRead } = await src.handle.read(bytes, done, bytes.length - done, done);
    if (bytesRead === 0) throw shrunk(src, done);
    done += bytesRead;
  }
}

/** A path that opens the same inode as `fd` with a file offset of its own (Linux). */
function ownDescriptionPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
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
