/**
 * A random-access byte source: what a ZIP reader needs, since the central directory is at the end
 * and each entry is found through an offset. Two adapters: a Node FileHandle (positioned reads on
 * the local file, which is never copied) and an in-memory Uint8Array (a nested archive, which has no
 * file to seek in and is buffered by memory-source.ts).
 *
 * Contract of `read`: returns exactly `length` bytes from `position`, or fewer only when the source
 * ends first; the result belongs to the caller but must be treated as read-only (the in-memory
 * adapter returns views into its buffer to avoid copying). The optional `readInto` fills a buffer
 * the caller reuses: the entry streams read through it so that reading 10 GiB does not leave 40,000
 * dead 256 KiB buffers for Bun's collector, which reclaims outside-heap memory late. `readFully`
 * and `readFullyInto` turn a short read into an ARCHIVE_TRUNCATED error carrying the offset.
 */
import type { FileHandle } from "node:fs/promises";
import { ArchiveError } from "./archive-error.ts";

export interface RandomAccessSource {
  /** Total size in bytes, fixed for the life of the source. */
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
  /** Reads into target[0, target.length) from `position`; returns the bytes read (fewer at the end). */
  readInto?(position: number, target: Uint8Array): Promise<number>;
}

/** Positioned reads on an open file; `size` is taken once, when the source is made. */
export async function fileHandleSource(handle: FileHandle, size?: number): Promise<RandomAccessSource> {
  const total = size ?? (await handle.stat()).size;
  const readInto = async (position: number, target: Uint8Array): Promise<number> => {
    const want = Math.max(0, Math.min(target.length, total - position));
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(target, got, want - got, position + got);
      if (bytesRead === 0) break; // the file shrank under us: the caller sees a short read
      got += bytesRead;
    }
    return got;
  };
  return {
    size: total,
    readInto,
    async read(position: number, length: number): Promise<Uint8Array> {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, total - position)));
      const got = await readInto(position, buf);
      return got === buf.length ? buf : buf.subarray(0, got);
    },
  };
}

/** A source over bytes already in memory (a nested archive); reads are views, never copies. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read(position: number, length: number): Promise<Uint8Array> {
      const start = Math.min(Math.max(0, position), bytes.length);
      return Promise.resolve(bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length))));
    },
  };
}

type Context = { archive?: string; entry?: string };

/** Reads exactly `length` bytes or fails with ARCHIVE_TRUNCATED naming what was being read. */
export async function readFully(source: RandomAccessSource, position: number, length: number, what: string, context: Context = {}): Promise<Uint8Array> {
  checkRange(source, position, length, what, context);
  const bytes = await source.read(position, length);
  if (bytes.length !== length) throw shortRead(position, bytes.length, length, what, context);
  return bytes;
}

/**
 * Reads exactly `length` bytes into `scratch` (through `readInto` when the source has it) and
 * returns them: a view of `scratch`, or the source's own view when it has no `readInto`.
 */
export async function readFullyInto(
  source: RandomAccessSource,
  position: number,
  length: number,
  scratch: Uint8Array,
  what: string,
  context: Context = {},
): Promise<Uint8Array> {
  if (source.readInto === undefined) return readFully(source, position, length, what, context);
  checkRange(source, position, length, what, context);
  const target = scratch.subarray(0, length);
  const got = await source.readInto(position, target);
  if (got !== length) throw shortRead(position, got, length, what, context);
  return target;
}

function checkRange(source: RandomAccessSource, position: number, length: number, what: string, context: Context): void {
  if (position < 0 || length < 0 || position + length > source.size) {
    throw new ArchiveError("ARCHIVE_TRUNCATED", `${what} (${length} bytes) runs past the end of the file (${source.size} bytes)`, {
      ...context,
      offset: position,
    });
  }
}

function shortRead(position: number, got: number, length: number, what: string, context: Context): ArchiveError {
  return new ArchiveError("ARCHIVE_TRUNCATED", `${what}: the file ended after ${got} of ${length} bytes (did it shrink?)`, {
    ...context,
    offset: position,
  });
}
