/**
 * The constants of the bzip2 format (as written by bzip2 1.0.x) that the decoder's parts share, and
 * the one internal error they throw.
 *
 * Layout, as the decoder reads it (all fields big-endian, bit-packed, MSB first):
 *   stream := "BZh" level('1'..'9') block* end-marker stream-CRC(32) padding-to-byte
 *   block  := BLOCK_MAGIC(48) block-CRC(32) randomised(1) origPtr(24)
 *             used-map(16 + 16×16) nGroups(3) nSelectors(15) selectors(unary MTF)
 *             code lengths (per group: start(5), then per symbol delta-coded) Huffman data ... EOB
 *   end    := END_MAGIC(48)
 * Blocks are not byte-aligned: only the end of a stream is padded to a byte.
 *
 * Invariants:
 *  - BzDataError never leaves the bzip2 folder: bunzip2.ts turns it into an ArchiveError with the
 *    offsets it knows (and into ARCHIVE_TRUNCATED when the bits involved lie past the end of input).
 */
import type { ArchiveErrorCode } from "../archive-error.ts";

/** Block header magic: 0x314159265359 (BCD pi), split in two 24-bit halves. */
export const BLOCK_MAGIC_HI = 0x314159;
export const BLOCK_MAGIC_LO = 0x265359;
/** End-of-stream magic: 0x177245385090 (BCD sqrt(pi)). */
export const END_MAGIC_HI = 0x177245;
export const END_MAGIC_LO = 0x385090;

/** "BZh": the stream signature before the level digit. */
export const STREAM_MAGIC = [0x42, 0x5a, 0x68] as const;

/** A level-n stream's blocks hold at most n × 100 000 bytes before the BWT. */
export const BLOCK_UNIT = 100_000;
export const MAX_LEVEL = 9;

/** Symbols per Huffman group: the table changes every 50 symbols. */
export const GROUP_SIZE = 50;
export const MIN_GROUPS = 2;
export const MAX_GROUPS = 6;
/**
 * Selectors kept: 2 + 900 000 / 50, as bzip2 1.0.8. A header may declare up to 32 767 (15 bits);
 * like bzip2 1.0.8 the excess is read and ignored (some encoders round the count up).
 */
export const MAX_SELECTORS = 2 + (MAX_LEVEL * BLOCK_UNIT) / GROUP_SIZE;
/** Code lengths bzip2 accepts (its encoder writes at most 17). */
export const MIN_CODE_LEN = 1;
export const MAX_CODE_LEN = 20;
/** 256 byte values (MTF positions 1..255 as symbols 2..256), RUNA, RUNB and EOB. */
export const MAX_ALPHA = 258;

export const RUNA = 0;
export const RUNB = 1;
/**
 * A run of RUNA/RUNB symbols adds (symbol + 1) << k for its k-th symbol; bzip2 1.0.8 refuses the
 * symbol whose weight would reach 2 Mi (so at most 21 of them). Enforced with this shift limit.
 */
export const MAX_RUN_SHIFT = 21;

/** A damaged-stream finding inside the decoder; bunzip2.ts turns it into an ArchiveError. */
export class BzDataError extends Error {
  readonly code: ArchiveErrorCode;

  constructor(code: ArchiveErrorCode, message: string) {
    super(message);
    this.name = "BzDataError";
    this.code = code;
  }
}

/** Throws ARCHIVE_CORRUPT: `what` completes "bzip2 stream ..." (e.g. "has a block with no symbols"). */
export function corrupt(what: string): never {
  throw new BzDataError("ARCHIVE_CORRUPT", what);
}
