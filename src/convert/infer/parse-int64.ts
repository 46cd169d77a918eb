/**
 * The INT64 text rule, parsed straight from UTF-8 bytes: `-?(0|[1-9][0-9]*)` within the signed
 * 64-bit range, and nothing else. Every accepted text is exactly what `String(value)` prints, so
 * the integer regenerates its text byte for byte. Rejected on purpose (they stay text):
 *   `+5`   the sign would be dropped            `007`  leading zeros (zip codes, ids)
 *   `-0`   would print as `0` (as a DOUBLE it keeps its sign, see parse-double.ts)
 *   ` 5`   no trimming                          20+ digits or beyond the range: no rounding to DOUBLE
 *
 * Invariant: the value is accumulated exactly: up to 15 digits in one double (< 10^15 < 2^53),
 * 16 to 19 digits in two base-2^32 limbs, so overflow is detected before anything is stored.
 */

import { writeMagnitude, writeSafeInt } from "./int64-words.ts";

/** Not an INT64 text. */
export const NOT_INT = 0;
/** An INT64 with |n| <= 2^53: also exactly representable as a double. */
export const INT_SAFE = 1;
/** An INT64 with |n| > 2^53: a DOUBLE column cannot hold it. */
export const INT_BIG = 2;
export type IntResult = typeof NOT_INT | typeof INT_SAFE | typeof INT_BIG;

const TWO32 = 4294967296;
const TWO31 = 2147483648;
const TWO21 = 2097152; // 2^53 = 2^21 * 2^32

/**
 * Parses buf[start, end) as an INT64 text and, when it is one, stores it at slot `index` of the
 * BigInt64Array whose memory `words` views (see int64-words.ts). Nothing is stored otherwise.
 */
export function parseInt64(buf: Uint8Array, start: number, end: number, words: Int32Array, index: number): IntResult {
  let i = start;
  let negative = false;
  if (i < end && buf[i] === 45 /* - */) {
    negative = true;
    i++;
  }
  const digits = end - i;
  if (digits <= 0 || digits > 19) return NOT_INT;
  if (buf[i] === 48 /* 0 */) {
    if (digits === 1 && !negative) {
      writeSafeInt(words, index, 0);
      return INT_SAFE;
    }
    return NOT_INT;
  }
  if (digits <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return NOT_INT;
      v = v * 10 + d;
    }
    writeSafeInt(words, index, negative ? -v : v);
    return INT_SAFE;
  }
  // 16..19 digits: magnitude = hi*2^32 + lo; lo*10 + 9 < 2^36 and hi stays below 2^36: exact.
  let lo = 0;
  let hi = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NOT_INT;
    lo = lo * 10 + d;
    const carry = Math.floor(lo / TWO32);
    lo -= carry * TWO32;
    hi = hi * 10 + carry;
  }
  // Positive max is 2^63 - 1 (hi < 2^31); negative min is -2^63 (hi = 2^31, lo = 0).
  if (hi > TWO31 || (hi === TWO31 && (lo !== 0 || !negative))) return NOT_INT;
  writeMagnitude(words, index, hi, lo, negative);
  return hi < TWO21 || (hi === TWO21 && lo === 0) ? INT_SAFE : INT_BIG;
}
