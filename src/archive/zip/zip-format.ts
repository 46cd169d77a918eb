/**
 * The ZIP format's constants, named once (PKWARE APPNOTE 6.3.10 section numbers in comments) so
 * the parsers read as the specification does. Only what this reader checks is listed.
 */

export const SIG_LOCAL = 0x04034b50; // 4.3.7 local file header
export const SIG_CENTRAL = 0x02014b50; // 4.3.12 central directory file header
export const SIG_EOCD = 0x06054b50; // 4.3.16 end of central directory record
export const SIG_ZIP64_EOCD = 0x06064b50; // 4.3.14 zip64 end of central directory record
export const SIG_ZIP64_LOCATOR = 0x07064b50; // 4.3.15 zip64 end of central directory locator
export const SIG_DESCRIPTOR = 0x08074b50; // 4.3.9.3 optional data descriptor signature
export const SIG_DIGITAL_SIGNATURE = 0x05054b50; // 4.3.13 may follow the last central record

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EOCD_MIN_SIZE = 56;
/** The EOCD plus the longest comment (65,535): how far from the end the EOCD can start. */
export const EOCD_SEARCH_SPAN = EOCD_SIZE + 0xffff;
/** The smallest data descriptor (CRC and two 32-bit sizes, no signature). */
export const MIN_DESCRIPTOR_SIZE = 12;

// General purpose bit flags (4.4.4).
export const FLAG_ENCRYPTED = 1 << 0;
export const FLAG_DATA_DESCRIPTOR = 1 << 3;
export const FLAG_STRONG_ENCRYPTION = 1 << 6;
export const FLAG_UTF8 = 1 << 11;
export const FLAG_MASKED_HEADERS = 1 << 13; // central directory encryption masks local headers

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;
export const METHOD_AES = 99; // 4.4.5 / AE-x: the real method is in extra field 0x9901

// Extra field header IDs (4.5.2, 4.6).
export const EXTRA_ZIP64 = 0x0001;
export const EXTRA_STRONG_ENCRYPTION = 0x0017;
export const EXTRA_EXTENDED_TIMESTAMP = 0x5455;
export const EXTRA_UNICODE_PATH = 0x7075;
export const EXTRA_AES = 0x9901;

/** A 32-bit field set to this means "the real value is in the ZIP64 extra field" (4.4.8). */
export const SAT32 = 0xffffffff;
export const SAT16 = 0xffff;

const METHOD_NAMES: Record<number, string> = {
  1: "shrink",
  2: "reduce",
  3: "reduce",
  4: "reduce",
  5: "reduce",
  6: "implode",
  9: "deflate64",
  10: "PKWARE DCL implode",
  12: "bzip2",
  14: "lzma",
  18: "IBM TERSE",
  19: "IBM LZ77",
  20: "zstd (deprecated id)",
  93: "zstd",
  94: "mp3",
  95: "xz",
  96: "jpeg",
  97: "wavpack",
  98: "ppmd",
  99: "AES",
};

/** "12 (bzip2)": the number as stored, and its name when it has one. */
export function describeMethod(method: number): string {
  const name = METHOD_NAMES[method];
  return name === undefined ? String(method) : `${method} (${name})`;
}
