/**
 * What the progress log knows about one file of the watched folder, and its binary form.
 *
 * States: pending (ready, waiting for a worker) → in-progress (being uploaded) → completed
 * (every object verified) | failed (moved to the error folder). An in-progress entry lists what a
 * crash would leave behind: `intentKeys` (keys whose multipart upload may have been created, made
 * durable before CreateMultipartUpload), `uploads` (multipart uploads created and not finished) and
 * `keys` (objects already complete, for sources that produce several). Startup cleans all three.
 */
import { ByteReader, ByteWriter, CodecError } from "./binary-codec.ts";
import type { Fingerprint } from "../watch/fingerprint.ts";

export const FILE_STATES = ["pending", "in-progress", "completed", "failed"] as const;
export type FileState = (typeof FILE_STATES)[number];

export interface FileError {
  code: string;
  message: string;
  /** Where the file was moved, relative to the error folder. */
  movedTo?: string;
}

export interface FileEntry {
  relPath: string;
  state: FileState;
  fp: Fingerprint;
  attempts: number;
  /** Milliseconds since the epoch of the last change. */
  updatedAt: number;
  keys: string[];
  intentKeys: string[];
  uploads: { key: string; uploadId: string }[];
  /** ETag of the (single) object, when known: the content checksum S3 agreed to. */
  etag?: string;
  error?: FileError;
  /** What an in-progress file is doing, for `dsp status`. */
  step?: string;
  /** Bytes sent so far (from PROGRESS records; not part of the entry's binary form). */
  bytesDone?: number;
}

const FLAG_ETAG = 1;
const FLAG_ERROR = 2;
const FLAG_MOVED = 4;
const FLAG_STEP = 8;

export function writeEntry(w: ByteWriter, e: FileEntry): void {
  const stateIndex = FILE_STATES.indexOf(e.state);
  if (stateIndex < 0) throw new CodecError(`unknown state ${e.state}`);
  w.str(e.relPath).u8(stateIndex);
  w.big(e.fp.size).big(e.fp.mtimeNs).big(e.fp.ino).big(e.fp.dev);
  w.uint(e.attempts).uint(e.updatedAt);
  const flags =
    (e.etag !== undefined ? FLAG_ETAG : 0) |
    (e.error !== undefined ? FLAG_ERROR : 0) |
    (e.error?.movedTo !== undefined ? FLAG_MOVED : 0) |
    (e.step !== undefined ? FLAG_STEP : 0);
  w.u8(flags);
  writeStrings(w, e.keys);
  writeStrings(w, e.intentKeys);
  w.uint(e.uploads.length);
  for (const u of e.uploads) w.str(u.key).str(u.uploadId);
  if (e.etag !== undefined) w.str(e.etag);
  if (e.error !== undefined) {
    w.str(e.error.code).str(e.error.message);
    if (e.error.movedTo !== undefined) w.str(e.error.movedTo);
  }
  if (e.step !== undefined) w.str(e.step);
}

export function readEntry(r: ByteReader): FileEntry {
  const relPath = r.str();
  const state = FILE_STATES[r.u8()];
  if (state === undefined) throw new CodecError("unknown file state");
  const fp: Fingerprint = { size: r.big(), mtimeNs: r.big(), ino: r.big(), dev: r.big() };
  const attempts = r.uint();
  const updatedAt = r.uint();
  const flags = r.u8();
  const keys = readStrings(r);
  const intentKeys = readStrings(r);
  const uploads: FileEntry["uploads"] = [];
  for (let n = r.uint(); n > 0; n--) uploads.push({ key: r.str(), uploadId: r.str() });
  const e: FileEntry = { relPath, state, fp, attempts, updatedAt, keys, intentKeys, uploads };
  if (flags & FLAG_ETAG) e.etag = r.str();
  if (flags & FLAG_ERROR) {
    e.error = { code: r.str(), message: r.str() };
    if (flags & FLAG_MOVED) e.error.movedTo = r.str();
  }
  if (flags & FLAG_STEP) e.step = r.str();
  return e;
}

/**
 * The few fields `dsp status` needs for every entry, read without decoding the rest (fingerprints,
 * keys, uploads): with 100,000 entries the full decode was most of the command's time. The entry's
 * bytes are remembered by position (no copy, no closure per entry); `fullEntry` decodes the
 * handful that are shown in detail.
 */
export interface EntrySummary {
  relPath: string;
  state: FileState;
  updatedAt: number;
  bytesDone?: number;
  bytes: Uint8Array;
  start: number;
  end: number;
}

export function skimEntry(r: ByteReader, bytes: Uint8Array): EntrySummary {
  const start = r.offset;
  const relPath = r.str();
  const state = FILE_STATES[r.u8()];
  if (state === undefined) throw new CodecError("unknown file state");
  for (let i = 0; i < 5; i++) r.skipVarint(); // size, mtime, inode, device, attempts
  const updatedAt = r.uint();
  const flags = r.u8();
  for (let lists = 0; lists < 2; lists++) for (let n = r.uint(); n > 0; n--) r.skipStr(); // keys, intent keys
  for (let n = r.uint(); n > 0; n--) (r.skipStr(), r.skipStr()); // uploads
  if (flags & FLAG_ETAG) r.skipStr();
  if (flags & FLAG_ERROR) (r.skipStr(), r.skipStr());
  if (flags & FLAG_MOVED) r.skipStr();
  if (flags & FLAG_STEP) r.skipStr();
  return { relPath, state, updatedAt, bytes, start, end: r.offset };
}

export function fullEntry(s: EntrySummary): FileEntry {
  return readEntry(new ByteReader(s.bytes, s.start, s.end));
}

function writeStrings(w: ByteWriter, list: readonly string[]): void {
  w.uint(list.length);
  for (const s of list) w.str(s);
}

function readStrings(r: ByteReader): string[] {
  const out: string[] = [];
  for (let n = r.uint(); n > 0; n--) out.push(r.str());
  return out;
}
