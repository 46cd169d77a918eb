/**
 * Finds and reads the end of the central directory: the EOCD record (searched backwards within the
 * last 65,557 bytes, the record plus the longest comment), the ZIP64 locator just before it and the
 * ZIP64 end record it points to. Returns where the central directory is, how many records it holds,
 * and where entry data must end (the central directory's start).
 *
 * Invariants: the central directory lies inside the file and before the end records; the entry
 * count is checked against the limit before anything else is read (a hostile count fails fast); a
 * 32-bit field that is not saturated must agree with its ZIP64 counterpart, so this reader and a
 * reader that trusts the other record cannot see different archives. Split archives are refused.
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { u16, u32, u64 } from "./little-endian.ts";
import { readFully, type RandomAccessSource } from "./random-access-source.ts";
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SEARCH_SPAN,
  EOCD_SIZE,
  SAT16,
  SAT32,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_MIN_SIZE,
  ZIP64_LOCATOR_SIZE,
} from "./zip-format.ts";

export interface EndRecord {
  entryCount: number;
  centralOffset: number;
  centralSize: number;
  /** Where the EOCD (or the ZIP64 end record, when present) starts. */
  endOffset: number;
  zip64: boolean;
  comment: Uint8Array;
}

export async function readEndRecord(source: RandomAccessSource, maxEntries: number, archive?: string): Promise<EndRecord> {
  const ctx: ArchiveErrorContext = archive === undefined ? {} : { archive };
  const tailStart = Math.max(0, source.size - EOCD_SEARCH_SPAN);
  const tail = await readFully(source, tailStart, source.size - tailStart, "the end of the archive", ctx);
  const at = findEocd(tail);
  if (at < 0) throw await noEndRecord(source, ctx);

  const eocdOffset = tailStart + at;
  const here = { ...ctx, offset: eocdOffset };
  const disk = u16(tail, at + 4);
  const centralDisk = u16(tail, at + 6);
  const countOnDisk = u16(tail, at + 8);
  let entryCount = u16(tail, at + 10);
  let centralSize = u32(tail, at + 12);
  let centralOffset = u32(tail, at + 16);
  const comment = tail.subarray(at + EOCD_SIZE, at + EOCD_SIZE + u16(tail, at + 20));
  let endOffset = eocdOffset;
  let zip64 = false;

  const locatorAt = at - ZIP64_LOCATOR_SIZE;
  const hasLocator = locatorAt >= 0 && u32(tail, locatorAt) === SIG_ZIP64_LOCATOR;
  if (hasLocator) {
    const z = await readZip64End(source, tail, locatorAt, eocdOffset - ZIP64_LOCATOR_SIZE, ctx);
    agree(entryCount, SAT16, z.entryCount, "entry count", here);
    agree(centralSize, SAT32, z.centralSize, "central directory size", here);
    agree(centralOffset, SAT32, z.centralOffset, "central directory offset", here);
    ({ entryCount, centralSize, centralOffset } = z);
    endOffset = z.recordOffset;
    zip64 = true;
  } else {
    if (disk !== 0 || centralDisk !== 0) throw unsupportedSplit(here);
    if (countOnDisk !== entryCount) throw corrupt("the entry counts of this disk and of the archive differ", here);
    if (centralOffset === SAT32 || centralSize === SAT32) {
      throw corrupt("the end record defers to a ZIP64 end record that is not there", here);
    }
  }

  if (entryCount > maxEntries) {
    throw new ArchiveError("ARCHIVE_LIMIT_ENTRIES", `the archive declares ${entryCount} entries, above the limit of ${maxEntries} (DSP_ARCHIVE_MAX_ENTRIES)`, here);
  }
  if (centralOffset + centralSize > endOffset) {
    throw corrupt(`the central directory (offset ${centralOffset}, ${centralSize} bytes) overlaps the end records at ${endOffset}`, here);
  }
  if (centralSize < entryCount * CENTRAL_HEADER_SIZE) {
    throw corrupt(`a central directory of ${centralSize} bytes cannot hold ${entryCount} entries`, here);
  }
  return { entryCount, centralOffset, centralSize, endOffset, zip64, comment };
}

/**
 * The EOCD, scanning backwards. A comment can contain a fake record, so a record whose comment runs
 * exactly to the end of the file wins; failing that, the last record whose comment fits (a file with
 * bytes appended after the archive, which unzip and Python also accept).
 */
function findEocd(tail: Uint8Array): number {
  let fallback = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail[i] !== 0x50 || u32(tail, i) !== SIG_EOCD) continue;
    const end = i + EOCD_SIZE + u16(tail, i + 20);
    if (end === tail.length) return i;
    if (end < tail.length && fallback < 0) fallback = i;
  }
  return fallback;
}

interface Zip64End {
  entryCount: number;
  centralSize: number;
  centralOffset: number;
  recordOffset: number;
}

async function readZip64End(
  source: RandomAccessSource,
  tail: Uint8Array,
  locatorAt: number,
  locatorOffset: number,
  ctx: ArchiveErrorContext,
): Promise<Zip64End> {
  const here = { ...ctx, offset: locatorOffset };
  if (u32(tail, locatorAt + 4) !== 0 || u32(tail, locatorAt + 16) > 1) throw unsupportedSplit(here);
  const recordOffset = u64(tail, locatorAt + 8, "the ZIP64 end record offset", here);
  if (recordOffset + ZIP64_EOCD_MIN_SIZE > locatorOffset) {
    throw corrupt(`the ZIP64 locator points at ${recordOffset}, which leaves no room for the ZIP64 end record`, here);
  }
  const rec = await readFully(source, recordOffset, ZIP64_EOCD_MIN_SIZE, "the ZIP64 end record", ctx);
  const at = { ...ctx, offset: recordOffset };
  if (u32(rec, 0) !== SIG_ZIP64_EOCD) throw corrupt("the ZIP64 locator does not point at a ZIP64 end record", at);
  const recordSize = u64(rec, 4, "the ZIP64 end record size", at);
  if (recordSize < ZIP64_EOCD_MIN_SIZE - 12 || recordOffset + 12 + recordSize > locatorOffset) {
    throw corrupt(`the ZIP64 end record declares an impossible size (${recordSize})`, at);
  }
  if (u32(rec, 16) !== 0 || u32(rec, 20) !== 0) throw unsupportedSplit(at);
  // Version 2 of the record (APPNOTE 7.3.4) carries central directory encryption; its presence alone
  // means the records that follow are ciphertext.
  if (recordSize >= 44 + 28 && u16(rec, 14) >= 62) {
    const more = await readFully(source, recordOffset + ZIP64_EOCD_MIN_SIZE, 28, "the ZIP64 end record", ctx);
    if (u16(more, 18) !== 0) throw new ArchiveError("ARCHIVE_ENCRYPTED", "the central directory is encrypted", at);
  }
  const countOnDisk = u64(rec, 24, "the ZIP64 entry count", at);
  const entryCount = u64(rec, 32, "the ZIP64 entry count", at);
  if (countOnDisk !== entryCount) throw corrupt("the ZIP64 entry counts of this disk and of the archive differ", at);
  return {
    entryCount,
    centralSize: u64(rec, 40, "the ZIP64 central directory size", at),
    centralOffset: u64(rec, 48, "the ZIP64 central directory offset", at),
    recordOffset,
  };
}

/** A 32-bit field either defers to ZIP64 (saturated) or must say the same thing. */
function agree(value: number, saturated: number, zip64Value: number, what: string, ctx: ArchiveErrorContext): void {
  if (value !== saturated && value !== zip64Value) {
    throw corrupt(`the end record and the ZIP64 end record disagree on the ${what} (${value} vs ${zip64Value})`, ctx);
  }
}

/** No end record: a file that starts like a ZIP lost its end (truncated); anything else is not a ZIP. */
async function noEndRecord(source: RandomAccessSource, ctx: ArchiveErrorContext): Promise<ArchiveError> {
  const head = await source.read(0, 4);
  if (head.length === 4 && u32(head, 0) === SIG_LOCAL) {
    return new ArchiveError("ARCHIVE_TRUNCATED", "the end of central directory record is missing: the archive is cut short", {
      ...ctx,
      offset: source.size,
    });
  }
  return corrupt("no end of central directory record: not a ZIP archive", { ...ctx, offset: source.size });
}

function corrupt(what: string, ctx: ArchiveErrorContext): ArchiveError {
  return new ArchiveError("ARCHIVE_CORRUPT", what, ctx);
}

function unsupportedSplit(ctx: ArchiveErrorContext): ArchiveError {
  return new ArchiveError("ARCHIVE_UNSUPPORTED", "split (multi-disk) archives are not supported", ctx);
}
