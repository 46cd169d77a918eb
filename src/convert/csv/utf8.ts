/**
 * UTF-8 validation of one multi-byte sequence, per the Unicode well-formed byte sequence table
 * (Table 3-7): it rejects overlong forms (C0, C1, E0 80-9F, F0 80-8F), UTF-16 surrogates
 * (ED A0-BF), code points above U+10FFFF (F4 90+, F5-FF) and stray continuation bytes.
 *
 * The tokenizer calls it only for a byte >= 0x80, so ASCII costs nothing beyond the comparison
 * that sends the byte here. A sequence is never split between rows (row ends are ASCII), so a
 * sequence cut by the end of the buffer is either continued by the next chunk or truncated at EOF.
 */

/** The sequence is a valid prefix but the buffer ends before it does. */
export const UTF8_TRUNCATED = -1;
/** The bytes are not UTF-8. */
export const UTF8_INVALID = 0;

/**
 * The length (2..4) of the valid sequence whose lead byte is buf[i] (>= 0x80), UTF8_INVALID, or
 * UTF8_TRUNCATED when buf[i, end) is a valid but incomplete start of a sequence.
 */
export function utf8SequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i]!;
  let n: number;
  // Allowed range of the second byte; the third and fourth are always 80..BF.
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 < 0xc2) return UTF8_INVALID; // stray continuation byte, or the overlong leads C0/C1
  if (b0 < 0xe0) n = 2;
  else if (b0 < 0xf0) {
    n = 3;
    if (b0 === 0xe0) lo = 0xa0; // overlong 3-byte form
    else if (b0 === 0xed) hi = 0x9f; // surrogates D800..DFFF
  } else if (b0 < 0xf5) {
    n = 4;
    if (b0 === 0xf0) lo = 0x90; // overlong 4-byte form
    else if (b0 === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return UTF8_INVALID;
  if (i + 1 >= end) return UTF8_TRUNCATED;
  const b1 = buf[i + 1]!;
  if (b1 < lo || b1 > hi) return UTF8_INVALID;
  for (let k = 2; k < n; k++) {
    if (i + k >= end) return UTF8_TRUNCATED;
    if ((buf[i + k]! & 0xc0) !== 0x80) return UTF8_INVALID;
  }
  return n;
}
