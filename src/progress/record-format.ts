/**
 * Framing of the progress log: a sequence of records, each 8-byte aligned:
 *
 *   offset 0  u32 LE  length: bytes from offset 8 to the end of the payload (12 + payload length)
 *   offset 4  u32 LE  CRC-32C of those `length` bytes
 *   offset 8  u8      record type (1..255; 0 is invalid, so zero-filled space never parses)
 *   offset 9  u8[3]   reserved, zero
 *   offset 12 u64 LE  sequence number: 1 for the first record of a file, +1 for each next one
 *   offset 20 ...     payload
 *   then zero padding to the next multiple of 8
 *
 * `scanRecords` walks a file's bytes and stops at the first record that does not check out. It
 * then tells a torn tail (nothing valid after it: the process died mid-write, truncate silently)
 * from corruption (a valid record further on: the file was damaged, never skip past it) by looking
 * for any later record whose checksum holds and whose sequence number continues the file.
 */
import { crc32c } from "./crc32c.ts";

export const HEADER_BYTES = 20;
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface RawRecord {
  type: number;
  seq: bigint;
  payload: Uint8Array;
  offset: number;
  /** Offset just after this record's padding. */
  end: number;
}

export function encodeRecord(type: number, seq: bigint, payload: Uint8Array): Uint8Array {
  if (type < 1 || type > 255) throw new RangeError(`record type ${type} is not in 1..255`);
  const length = 12 + payload.length;
  const total = align8(8 + length);
  if (total > MAX_RECORD_BYTES) throw new RangeError(`record of ${total} bytes exceeds ${MAX_RECORD_BYTES}`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  out[8] = type;
  view.setBigUint64(12, seq, true);
  out.set(payload, HEADER_BYTES);
  view.setUint32(4, crc32c(out, 8, 8 + length), true);
  return out;
}

export type ScanEnd =
  | { kind: "clean" }
  /** Bytes from `offset` on are a partial or zeroed write: cut them. */
  | { kind: "torn-tail"; offset: number; reason: string }
  /** The record at `offset` is damaged and valid records follow: the file is corrupt. */
  | { kind: "corrupt"; offset: number; reason: string };

export interface ScanResult {
  records: RawRecord[];
  end: ScanEnd;
}

/** Parses every valid record from the start; stops at the first damage and classifies it. */
export function scanRecords(bytes: Uint8Array): ScanResult {
  const records: RawRecord[] = [];
  let offset = 0;
  let expectedSeq = 1n;
  while (offset < bytes.length) {
    const r = readRecordAt(bytes, offset, expectedSeq);
    if (typeof r === "string") {
      const later = findValidRecordAfter(bytes, offset, expectedSeq);
      return { records, end: later === undefined ? { kind: "torn-tail", offset, reason: r } : { kind: "corrupt", offset, reason: r } };
    }
    records.push(r);
    offset = r.end;
    expectedSeq = r.seq + 1n;
  }
  return { records, end: { kind: "clean" } };
}

/** The record at `offset`, or a string saying why there is no valid one there. */
function readRecordAt(bytes: Uint8Array, offset: number, expectedSeq: bigint | undefined): RawRecord | string {
  if (offset % 8 !== 0) return "misaligned record";
  if (bytes.length - offset < HEADER_BYTES) return "file ends inside a record header";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(offset, true);
  if (length === 0 && bytes[offset + 8] === 0) return "zero-filled space";
  if (length < 12) return `record length ${length} is too small`;
  const end = offset + align8(8 + length);
  if (8 + length > MAX_RECORD_BYTES) return `record length ${length} is too large`;
  if (end > bytes.length) return "file ends inside a record";
  const crc = view.getUint32(offset + 4, true);
  if (crc32c(bytes, offset + 8, offset + 8 + length) !== crc) return "checksum mismatch";
  const type = bytes[offset + 8]!;
  if (type === 0) return "record type 0";
  const seq = view.getBigUint64(offset + 12, true);
  if (expectedSeq !== undefined && seq !== expectedSeq) return `sequence ${seq} where ${expectedSeq} was expected`;
  for (let i = offset + 8 + length; i < end; i++) if (bytes[i] !== 0) return "non-zero padding";
  return { type, seq, payload: bytes.subarray(offset + HEADER_BYTES, offset + 8 + length), offset, end };
}

/**
 * Is there any intact record after the damage? A later record counts if its checksum holds and
 * its sequence number is one the file could still reach (greater than the last good one). Tries
 * every 8-byte boundary: the damaged length field cannot be trusted to find the next record.
 */
function findValidRecordAfter(bytes: Uint8Array, damagedAt: number, expectedSeq: bigint): number | undefined {
  for (let offset = damagedAt + 8; offset + HEADER_BYTES <= bytes.length; offset += 8) {
    const r = readRecordAt(bytes, offset, undefined);
    if (typeof r !== "string" && r.seq >= expectedSeq) return offset;
  }
  return undefined;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
