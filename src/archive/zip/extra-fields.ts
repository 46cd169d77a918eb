/**
 * The extra fields this reader uses (APPNOTE 4.5, 4.6): ZIP64 sizes and offset, the Info-ZIP
 * Unicode Path (0x7075), the extended timestamp (0x5455), and the markers of AES (0x9901) and strong
 * encryption (0x0017). Everything else is skipped by its declared length.
 *
 * Invariants: a field that runs past the end of the extra area is corrupt, not truncated to fit;
 * a ZIP64 field holds exactly the values whose 32-bit fields are saturated, in the fixed order
 * (uncompressed size, compressed size, local header offset, disk), and a missing one is corrupt.
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { u16, u32, u64 } from "./little-endian.ts";
import {
  EXTRA_AES,
  EXTRA_EXTENDED_TIMESTAMP,
  EXTRA_STRONG_ENCRYPTION,
  EXTRA_UNICODE_PATH,
  EXTRA_ZIP64,
  SAT16,
  SAT32,
} from "./zip-format.ts";

export interface ExtraFields {
  /** The data of the ZIP64 field (0x0001), if any. */
  zip64?: Uint8Array;
  /** Info-ZIP Unicode Path: the CRC-32 of the header name it replaces, and the UTF-8 name. */
  unicodePath?: { nameCrc32: number; utf8: Uint8Array };
  /** Modification time from the extended timestamp field, in seconds since 1970 (UTC). */
  unixMtime?: number;
  aes?: boolean;
  strongEncryption?: boolean;
}

export function parseExtraFields(extra: Uint8Array, ctx: ArchiveErrorContext): ExtraFields {
  const out: ExtraFields = {};
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = u16(extra, p);
    const size = u16(extra, p + 2);
    const start = p + 4;
    const end = start + size;
    if (end > extra.length) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `extra field 0x${id.toString(16).padStart(4, "0")} runs past the end of the extra area`, ctx);
    }
    const data = extra.subarray(start, end);
    if (id === EXTRA_ZIP64) out.zip64 = data;
    else if (id === EXTRA_UNICODE_PATH && size >= 5 && data[0] === 1) {
      out.unicodePath = { nameCrc32: u32(data, 1), utf8: data.subarray(5) };
    } else if (id === EXTRA_EXTENDED_TIMESTAMP && size >= 5 && (data[0]! & 1) !== 0) {
      out.unixMtime = u32(data, 1) | 0; // signed: times before 1970 are negative
    } else if (id === EXTRA_AES) out.aes = true;
    else if (id === EXTRA_STRONG_ENCRYPTION) out.strongEncryption = true;
    p = end;
  }
  // Fewer than 4 bytes left cannot be a field; some writers pad with zeros, which is harmless.
  return out;
}

export interface Zip64Values {
  uncompressedSize: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/**
 * Replaces saturated 32-bit values with those of the ZIP64 field. `disk` is the 16-bit disk number
 * (its ZIP64 counterpart follows the others when it is saturated).
 */
export function resolveZip64(values: Zip64Values, disk: number, field: Uint8Array | undefined, ctx: ArchiveErrorContext): Zip64Values {
  const wantsUncompressed = values.uncompressedSize === SAT32;
  const wantsCompressed = values.compressedSize === SAT32;
  const wantsOffset = values.localHeaderOffset === SAT32;
  if (!wantsUncompressed && !wantsCompressed && !wantsOffset && disk !== SAT16) return values;
  if (field === undefined) {
    throw new ArchiveError("ARCHIVE_CORRUPT", "a size or offset defers to a ZIP64 extra field that is missing", ctx);
  }
  const out = { ...values };
  let p = 0;
  const take = (what: string): number => {
    if (p + 8 > field.length) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `the ZIP64 extra field is too short to hold the ${what}`, ctx);
    }
    const v = u64(field, p, `the ZIP64 ${what}`, ctx);
    p += 8;
    return v;
  };
  if (wantsUncompressed) out.uncompressedSize = take("uncompressed size");
  if (wantsCompressed) out.compressedSize = take("compressed size");
  if (wantsOffset) out.localHeaderOffset = take("local header offset");
  if (disk === SAT16 && (p + 4 > field.length || u32(field, p) !== 0)) {
    throw new ArchiveError("ARCHIVE_UNSUPPORTED", "split (multi-disk) archives are not supported", ctx);
  }
  return out;
}

/**
 * The sizes in a local header's ZIP64 field. APPNOTE 4.5.3 says it holds both sizes; writers that
 * put only the saturated one exist, so what cannot be read is returned as undefined (not compared).
 */
export function localZip64Sizes(
  field: Uint8Array | undefined,
  compressed32: number,
  uncompressed32: number,
  ctx: ArchiveErrorContext,
): { compressedSize?: number; uncompressedSize?: number } {
  if (compressed32 !== SAT32 && uncompressed32 !== SAT32) return { compressedSize: compressed32, uncompressedSize: uncompressed32 };
  if (field === undefined) return {};
  if (field.length >= 16) return { uncompressedSize: u64(field, 0, "the local ZIP64 size", ctx), compressedSize: u64(field, 8, "the local ZIP64 size", ctx) };
  return {};
}
