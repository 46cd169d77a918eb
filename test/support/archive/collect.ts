/**
 * Reading helpers for archive tests: drain a byte stream, or read a whole tar into plain records
 * (bodies copied, since the reader hands out views into the source's chunks).
 */
import { readTar, type TarEntry, type TarReadOptions } from "../../../src/archive/tar/tar-reader.ts";

export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of source) {
    parts.push(c.slice());
    n += c.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type CollectedEntry = Omit<TarEntry, "body" | "path"> & { path: string; data: string };

const dec = new TextDecoder();

/** Every entry with its body as text (latin1-safe enough for test data); paths as lossy strings. */
export async function collectTar(source: AsyncIterable<Uint8Array>, options?: TarReadOptions): Promise<CollectedEntry[]> {
  const out: CollectedEntry[] = [];
  for await (const e of readTar(source, options)) {
    const { body, path, ...rest } = e;
    out.push({ ...rest, path: dec.decode(path), data: dec.decode(await collectBytes(body)) });
  }
  return out;
}

/** A compact summary for comparing readings: "type path size data". */
export function summary(entries: CollectedEntry[]): string[] {
  return entries.map((e) => `${e.type} ${e.path} ${e.size} ${e.linkName ?? ""} ${e.data}`);
}

/** One async iterable from an in-memory buffer (one chunk). */
export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
