/**
 * The LZMA range decoder: its state, its start and its end. The per-bit work is NOT here: the hot
 * loop (lzma-symbols.ts) copies `range` and `code` into local variables and decodes bits inline,
 * because a method call per bit costs more than the bit itself. This module fixes the conventions
 * that inline code follows, so that every place decoding bits agrees.
 *
 * Conventions (the LZMA range coder, 11-bit probabilities, 5 shift bits):
 *  - `range` and `code` are unsigned 32-bit values held as int32 (JS bit operators return int32). A
 *    value ≥ 2^31 is negative; shifts use `>>>`, and an unsigned comparison a < b is written
 *    `(a ^ 0x80000000) < (b ^ 0x80000000)`, which keeps the JIT on int32 arithmetic.
 *  - A probability p (of a 0 bit, out of 2048) lives in a Uint16Array. One bit:
 *        bound = Math.imul(range >>> 11, p)          (< 2^32: exact in 32 bits)
 *        code < bound (unsigned) ? bit 0: range = bound,          p += (2048 - p) >> 5
 *                                : bit 1: range -= bound, code -= bound, p -= p >> 5
 *  - A direct bit (probability 1/2): range >>>= 1; code -= range; the sign of code says the bit (a
 *    negative result means 0 and code gets range back). Valid only while code < 2 * range + 1, which
 *    holds for every valid stream; damaged streams decode to garbage but never read out of bounds.
 *  - Normalization is eager: after every bit, if range < 2^24, shift one input byte in. Read that way,
 *    a range-coded run consumes exactly the bytes its encoder wrote (5 at the start, one per shift),
 *    so "the data ended exactly here" and "code is 0 at the end" are checks a decoder can make.
 *  - Input per symbol is bounded: a byte is shifted in per 8 bits the range shrinks, and a bit
 *    shrinks it by at most 2048/31 (probabilities stay within 31..2017), a direct bit by 2. The
 *    longest symbol (a match: 22 modelled bits + 26 direct bits) thus reads at most 21 bytes;
 *    MAX_SYMBOL_INPUT (32) is the look-ahead a streaming caller keeps.
 */
import { ArchiveError } from "../archive-error.ts";

/** Probabilities are 11-bit: 2048 means certain. */
export const BIT_MODEL_TOTAL = 2048;
/** A fresh probability: one half. */
export const PROB_INIT = 1024;
/** Normalization threshold: below 2^24 one byte is shifted in. */
export const TOP_VALUE = 1 << 24;
/** Bytes the range coder's start takes (the first is always 0). */
export const RC_INIT_BYTES = 5;
/**
 * Input bytes one symbol can consume, with margin. A streaming decoder that may run out of input
 * decodes a symbol only when at least this many bytes are buffered (or the input has ended).
 */
export const MAX_SYMBOL_INPUT = 32;

export class RangeDecoder {
  /** Current range, unsigned 32-bit held as int32. */
  range = -1;
  /** Current code, unsigned 32-bit held as int32. */
  code = 0;

  /**
   * Starts decoding at input[pos..pos+5). The first byte is always 0 in a valid stream (the
   * encoder's initial cache byte); anything else is damage. Returns the position after the 5 bytes.
   */
  init(input: Uint8Array, pos: number): number {
    if (input[pos] !== 0) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `LZMA range coder does not start with a zero byte (found 0x${(input[pos] ?? 0).toString(16)})`);
    }
    this.range = -1; // 0xFFFFFFFF
    this.code = ((input[pos + 1]! << 24) | (input[pos + 2]! << 16) | (input[pos + 3]! << 8) | input[pos + 4]!) | 0;
    // code must be below range (0xFFFFFFFF): only code = 0xFFFFFFFF is impossible.
    if (this.code === -1) throw new ArchiveError("ARCHIVE_CORRUPT", "LZMA range coder starts with an impossible code");
    return pos + RC_INIT_BYTES;
  }

  /** True when the encoder's final flush was consumed: a cleanly ended range-coded run has code 0. */
  get finished(): boolean {
    return this.code === 0;
  }
}

/**
 * One bit, out of line, for code that is not hot (7z's BCJ2 decoder range-codes its jumps the same
 * way). `at` is the index of the probability in `probs`; bytes come from input[cursor.pos...], which
 * advances. Returns the bit. The hot loop (lzma-symbols.ts) inlines exactly these steps.
 */
export function decodeBit(rc: RangeDecoder, probs: Uint16Array, at: number, input: Uint8Array, cursor: { pos: number }): number {
  const p = probs[at]!;
  const bound = Math.imul(rc.range >>> 11, p);
  let bit: number;
  if ((rc.code ^ 0x80000000) < (bound ^ 0x80000000)) {
    rc.range = bound;
    probs[at] = p + ((BIT_MODEL_TOTAL - p) >>> 5);
    bit = 0;
  } else {
    rc.range = (rc.range - bound) | 0;
    rc.code = (rc.code - bound) | 0;
    probs[at] = p - (p >>> 5);
    bit = 1;
  }
  if (rc.range >>> 24 === 0) {
    rc.range <<= 8;
    rc.code = (rc.code << 8) | input[cursor.pos++]!;
  }
  return bit;
}
