/**
 * The record types of the progress log and their payloads (framing in record-format.ts, entries in
 * file-entry.ts). A log file is: one HEADER, then SNAPSHOT records (the state at the last
 * compaction), then ENTRY / FORGET / PROGRESS records in the order things happened. Replaying
 * applies them in order: the last ENTRY for a path is its state.
 */
import { ByteReader, ByteWriter, CodecError } from "./binary-codec.ts";
import { readEntry, skimEntry, writeEntry, type EntrySummary, type FileEntry } from "./file-entry.ts";

export const RECORD = {
  HEADER: 1,
  ENTRY: 2,
  FORGET: 3,
  PROGRESS: 4,
  SNAPSHOT: 5,
  KEY: 6,
} as const;

export const FORMAT_VERSION = 1;
const MAGIC = "dsp-progress-log";

/** Which bucket and prefix the log describes: a log for another destination is not reused. */
export interface LogIdentity {
  bucket: string;
  prefix: string;
}

export interface Header extends LogIdentity {
  formatVersion: number;
  createdAt: number;
  dspVersion: string;
}

export function headerPayload(h: Header): Uint8Array {
  return new ByteWriter().str(MAGIC).uint(h.formatVersion).uint(h.createdAt).str(h.dspVersion).str(h.bucket).str(h.prefix).finish();
}

export function readHeader(payload: Uint8Array): Header {
  const r = new ByteReader(payload);
  if (r.str() !== MAGIC) throw new CodecError("not a dsp progress log");
  return { formatVersion: r.uint(), createdAt: r.uint(), dspVersion: r.str(), bucket: r.str(), prefix: r.str() };
}

export function entryPayload(e: FileEntry): Uint8Array {
  const w = new ByteWriter();
  writeEntry(w, e);
  return w.finish();
}

export function readEntryPayload(payload: Uint8Array): FileEntry {
  const r = new ByteReader(payload);
  const e = readEntry(r);
  if (!r.done) throw new CodecError("trailing bytes after an entry");
  return e;
}

export function skimEntryPayload(payload: Uint8Array): EntrySummary {
  const r = new ByteReader(payload);
  const e = skimEntry(r, payload);
  if (!r.done) throw new CodecError("trailing bytes after an entry");
  return e;
}

export function forgetPayload(relPath: string): Uint8Array {
  return new ByteWriter().str(relPath).finish();
}

export function readForget(payload: Uint8Array): string {
  return new ByteReader(payload).str();
}

export function progressPayload(relPath: string, bytesDone: number): Uint8Array {
  return new ByteWriter().str(relPath).uint(bytesDone).finish();
}

export function readProgress(payload: Uint8Array): { relPath: string; bytesDone: number } {
  const r = new ByteReader(payload);
  return { relPath: r.str(), bytesDone: r.uint() };
}

/**
 * One more object key of an in-progress source (an archive's entries): appended on its own, so a
 * 10,000-entry archive writes 10,000 short records instead of rewriting a growing entry each time.
 */
export function keyPayload(relPath: string, key: string): Uint8Array {
  return new ByteWriter().str(relPath).str(key).finish();
}

export function readKey(payload: Uint8Array): { relPath: string; key: string } {
  const r = new ByteReader(payload);
  const out = { relPath: r.str(), key: r.str() };
  if (!r.done) throw new CodecError("trailing bytes after a key record");
  return out;
}

/** Many entries, zstd-compressed: paths and keys repeat, so a compacted log is a fraction of its raw size. */
export function snapshotPayload(entries: readonly FileEntry[]): Uint8Array {
  const w = new ByteWriter().uint(entries.length);
  for (const e of entries) writeEntry(w, e);
  return Bun.zstdCompressSync(w.finish(), { level: 3 });
}

export function readSnapshot(payload: Uint8Array): FileEntry[] {
  return decodeSnapshot(payload, (r) => readEntry(r));
}

export function skimSnapshot(payload: Uint8Array): EntrySummary[] {
  return decodeSnapshot(payload, skimEntry);
}

function decodeSnapshot<E>(payload: Uint8Array, read: (r: ByteReader, raw: Uint8Array) => E): E[] {
  let raw: Uint8Array;
  try {
    raw = Bun.zstdDecompressSync(payload);
  } catch (err) {
    throw new CodecError(`snapshot does not decompress: ${(err as Error).message}`);
  }
  const r = new ByteReader(raw);
  const out: E[] = [];
  for (let n = r.uint(); n > 0; n--) out.push(read(r, raw));
  if (!r.done) throw new CodecError("trailing bytes after a snapshot");
  return out;
}
