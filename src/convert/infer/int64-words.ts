/**
 * Writes signed 64-bit integers into the memory of a BigInt64Array through an Int32Array view
 * of the same ArrayBuffer, so no bigint is ever created per value (a BigInt per cell costs an
 * allocation; two 32-bit stores cost nothing). The writer later reads the BigInt64Array.
 *
 * Invariants: every function here computes the exact 64-bit value with doubles that stay below
 * 2^53 (checked in the preconditions), so nothing is rounded; slot `index` of the BigInt64Array is
 * the word pair (2*index + LO, 2*index + HI) in platform byte order.
 */

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Word offset of the low / high 32 bits of a 64-bit slot. */
export const LO = littleEndian ? 0 : 1;
export const HI = littleEndian ? 1 : 0;

const TWO16 = 65536;
const TWO32 = 4294967296;
// Multiplying by these is exact (powers of two) and much cheaper than dividing by 2^16, 2^32.
const TWO_MINUS_16 = 1 / TWO16;
const TWO_MINUS_32 = 1 / TWO32;
const MAX_SAFE_PRODUCT = 2 ** 53;

/** Stores the integer n (|n| <= 2^53, so exact as a double) at slot `index`. */
export function writeSafeInt(words: Int32Array, index: number, n: number): void {
  const hi = Math.floor(n * TWO_MINUS_32);
  // n - hi * 2^32 is in [0, 2^32); the Int32Array store keeps it modulo 2^32, i.e. the same bits.
  words[2 * index + LO] = n - hi * TWO32;
  words[2 * index + HI] = hi;
}

/**
 * Stores a magnitude given as hi * 2^32 + lo (0 <= lo < 2^32, 0 <= hi <= 2^31), negated when
 * `negative`. The caller has checked the result is within the signed 64-bit range.
 */
export function writeMagnitude(words: Int32Array, index: number, hi: number, lo: number, negative: boolean): void {
  if (negative) {
    // Two's complement of (hi, lo): -(hi*2^32 + lo) = (-hi - 1)*2^32 + (2^32 - lo) when lo > 0.
    if (lo === 0) hi = -hi;
    else {
      lo = TWO32 - lo;
      hi = -hi - 1;
    }
  }
  words[2 * index + LO] = lo;
  words[2 * index + HI] = hi;
}

/**
 * Stores s * mul + add exactly: timestamps as seconds * 1e6 + microseconds. Preconditions:
 * s an integer with |s| < 2^39, 0 <= mul < 2^20, 0 <= add < 2^20 (year 9999 is about 2^38 s).
 */
export function writeMulAdd(words: Int32Array, index: number, s: number, mul: number, add: number): void {
  const product = s * mul;
  if (product < MAX_SAFE_PRODUCT && product > -MAX_SAFE_PRODUCT) {
    // Both factors are integers and the product is below 2^53: exact, and so is the sum.
    writeSafeInt(words, index, product + add);
    return;
  }
  // s = sh*2^16 + sl, so s*mul + add = (sh*mul)*2^16 + (sl*mul + add) = A*2^16 + t, every term
  // below 2^53; then A = Ah*2^16 + Al gives Ah*2^32 + (Al*2^16 + t), split into words with a carry.
  const sh = Math.floor(s * TWO_MINUS_16);
  const sl = s - sh * TWO16;
  const a = sh * mul;
  const t = sl * mul + add;
  const ah = Math.floor(a * TWO_MINUS_16);
  const al = a - ah * TWO16;
  const low = al * TWO16 + t;
  const carry = Math.floor(low * TWO_MINUS_32);
  words[2 * index + LO] = low - carry * TWO32;
  words[2 * index + HI] = ah + carry;
}
