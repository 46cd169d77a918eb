/**
 * The archive as a file inside 7-Zip's (Emscripten) file system, read in place: every read 7-Zip
 * makes becomes a positioned read on the real file descriptor (pread), or a copy out of the bytes
 * held in memory for a nested archive, straight into the WASM heap. Nothing is copied up front and
 * nothing is written anywhere: the node is read-only and has no write operation.
 *
 * How: a regular MEMFS file is created (so stat, lookups and 7-Zip's "is it a file" checks behave as
 * for any file), then given the archive's size and our own stream operations: `read` as above, and
 * MEMFS's `llseek`, which takes SEEK_END from the size we set.
 *
 * Invariants: the file descriptor belongs to the main thread (it opens and closes it: a terminated
 * worker cannot leak it); reads past the end return 0 bytes; a failed pread surfaces in 7-Zip as
 * an I/O error (EIO) on its read.
 */
import { readSync } from "node:fs";

/** What the worker reads: a descriptor opened by the main thread, or bytes in memory. */
export type NodeSource = { fd: number; size: number } | { bytes: Uint8Array };

/** The parts of Emscripten's FS API used here (7z-wasm's typings do not cover nodes). */
export interface EmscriptenFS {
  mkdir(path: string): unknown;
  writeFile(path: string, data: Uint8Array): void;
  lookupPath(path: string): { node: EmscriptenNode };
  getStream(fd: number): { stream_ops: StreamOps } | null;
  ErrnoError: new (errno: number) => Error;
}

export interface EmscriptenNode {
  mode: number;
  usedBytes: number;
  stream_ops: StreamOps;
}

export interface StreamOps {
  llseek?: (stream: unknown, offset: number, whence: number) => number;
  read?: (stream: unknown, buffer: Int8Array, offset: number, length: number, position: number) => number;
  write?: (stream: unknown, buffer: Int8Array, offset: number, length: number, position?: number) => number;
}

const EIO = 29;
const S_IFREG_READONLY = 0o100444;

/** Creates `path` (its parent folder too) as a read-only view of `source`. */
export function mountArchive(FS: EmscriptenFS, dir: string, path: string, source: NodeSource): void {
  FS.mkdir(dir);
  FS.writeFile(path, new Uint8Array(0));
  const node = FS.lookupPath(path).node;
  const size = "bytes" in source ? source.bytes.length : source.size;
  node.usedBytes = size;
  node.mode = S_IFREG_READONLY;
  const llseek = node.stream_ops.llseek;
  // One Uint8Array over the whole heap, made again only when the heap grows (a new HEAP8): 7-Zip
  // reads a RAR's headers in hundreds of thousands of small reads, and a view per read was garbage.
  let heap8: Int8Array | undefined;
  let heapU8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  const whole = (buffer: Int8Array): Uint8Array => {
    if (buffer !== heap8) {
      heap8 = buffer;
      heapU8 = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    return heapU8;
  };
  const read =
    "bytes" in source
      ? (_s: unknown, buffer: Int8Array, offset: number, length: number, position: number): number => {
          const n = Math.max(0, Math.min(length, size - position));
          if (n > 0) whole(buffer).set(source.bytes.subarray(position, position + n), offset);
          return n;
        }
      : (_s: unknown, buffer: Int8Array, offset: number, length: number, position: number): number => {
          const n = Math.max(0, Math.min(length, size - position));
          if (n === 0) return 0;
          try {
            return readSync(source.fd, whole(buffer), offset, n, position);
          } catch {
            throw new FS.ErrnoError(EIO);
          }
        };
  node.stream_ops = llseek === undefined ? { read } : { llseek, read };
}

/** A Uint8Array over `length` bytes of the WASM heap at `offset` (the heap comes as Int8Array). */
export function heapView(heap: Int8Array, offset: number, length: number): Uint8Array {
  return new Uint8Array(heap.buffer, heap.byteOffset + offset, length);
}
