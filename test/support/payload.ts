/** Deterministic, non-repeating test bytes: a shifted or truncated copy never compares equal. */
import { createHash } from "node:crypto";
import { openSync, writeSync, closeSync } from "node:fs";

export function payload(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    buf.writeUInt32LE(x, i);
  }
  for (let i = size - (size % 4); i < size; i++) buf[i] = i & 0xff;
  return buf;
}

export const md5hex = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** Writes a large file block by block (never whole in memory) and returns its MD5. */
export function writeLargeFile(path: string, size: number, seed = 1): string {
  const block = 4 * 1024 * 1024;
  const fd = openSync(path, "w");
  const hash = createHash("md5");
  try {
    for (let off = 0, i = 0; off < size; off += block, i++) {
      const chunk = payload(Math.min(block, size - off), seed * 7919 + i);
      writeSync(fd, chunk);
      hash.update(chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
