/**
 * The CSV fast path's cell parsers: each parses the common form of one type *while* finding where
 * the unquoted field ends, in one pass over its bytes, and stores the value. They accept only a
 * subset of what the rules in parse-*.ts accept, and for that subset they store the very same
 * value; everything else (and every malformed text) returns NOT_FAST, and the caller
 * (ColumnBuilder.appendUnquoted*) then finds the field's end and takes the general rule.
 *
 * `stops[b]` is non-zero for the bytes that can end an unquoted field (delimiter, LF, CR) and for
 * every byte >= 0x80; a parser succeeds only when the byte after the value is an ASCII stop, and
 * returns its index. Reading never goes past `end`: a value running into `end` is NOT_FAST.
 *
 * Equivalence with the general rules (tested in test/unit/convert/infer/scan-cell.test.ts):
 *   INT64   `-?(0|[1-9][0-9]{0,14})`, `-0` excluded: what parseInt64 accepts with <= 15 digits.
 *   DOUBLE  `-?[0-9]*(\.[0-9]*)?` with 1..15 digits in all and no leading zero before more
 *           integer digits: parseDouble accepts all of these, and its value (the significant
 *           digits times a power of ten, one IEEE operation on exact operands) is the correctly
 *           rounded value of the same decimal as digits / 10^fraction here: the same double.
 *           Exponents and longer texts take the general rule.
 *   DATE    `YYYY-MM-DD` followed by the stop, checked by parseDate itself.
 *   TIMESTAMP `YYYY-MM-DD[T ]HH:MM:SS(.d{1,6})?` then `Z` for a TIMESTAMP_UTC column or nothing for
 *           a TIMESTAMP_LOCAL one: what parseTimestamp accepts in those forms, the same
 *           microseconds (offsets, minutes without seconds, finer fractions: the general rule).
 */

import { writeMulAdd, writeSafeInt } from "./int64-words.ts";
import { parseDate } from "./parse-datetime.ts";

export const NOT_FAST = -1;

const POW10: Float64Array = (() => {
  const p = new Float64Array(16);
  for (let i = 0, v = 1; i < 16; i++, v *= 10) p[i] = v;
  return p;
})();

// Sign and digit loop repeat scanDouble's on purpose: one shared scanner measured 3-4% slower reading.
/** INT64: stores the value at slot `row` of the words' BigInt64Array; the stop's index or NOT_FAST. */
export function scanInt64(buf: Uint8Array, i: number, end: number, stops: Uint8Array, words: Int32Array, row: number): number {
  let j = i;
  let b = buf[j]!;
  let negative = false;
  if (b === 45 /* - */) {
    negative = true;
    if (++j >= end) return NOT_FAST;
    b = buf[j]!;
  }
  const digitsStart = j;
  let v = 0;
  while (b >= 48 && b <= 57) {
    v = v * 10 + (b - 48);
    if (++j >= end) return NOT_FAST;
    b = buf[j]!;
  }
  const digits = j - digitsStart;
  if (digits === 0 || digits > 15 || stops[b] === 0 || b >= 0x80) return NOT_FAST;
  if (buf[digitsStart] === 48 && (digits > 1 || negative)) return NOT_FAST; // 007, -0: the general rule says no
  const x = negative ? -v : v;
  if (x <= 0x7fffffff && x >= -0x80000000) {
    words[2 * row] = x;
    words[2 * row + 1] = x < 0 ? -1 : 0;
  } else writeSafeInt(words, row, x);
  return j;
}

// Its sign and integer digits repeat scanInt64's on purpose (hand-inlined hot loop, see there).
/** DOUBLE: the value is stored in `values[row]`; the stop's index or NOT_FAST. */
export function scanDouble(buf: Uint8Array, i: number, end: number, stops: Uint8Array, values: Float64Array, row: number): number {
  let j = i;
  let b = buf[j]!;
  let negative = false;
  if (b === 45 /* - */) {
    negative = true;
    if (++j >= end) return NOT_FAST;
    b = buf[j]!;
  }
  const intStart = j;
  let m = 0;
  while (b >= 48 && b <= 57) {
    m = m * 10 + (b - 48);
    if (++j >= end) return NOT_FAST;
    b = buf[j]!;
  }
  const intLength = j - intStart;
  if (intLength > 1 && buf[intStart] === 48) return NOT_FAST;
  let fractionLength = 0;
  if (b === 46 /* . */) {
    if (++j >= end) return NOT_FAST;
    b = buf[j]!;
    const fractionStart = j;
    while (b >= 48 && b <= 57) {
      m = m * 10 + (b - 48);
      if (++j >= end) return NOT_FAST;
      b = buf[j]!;
    }
    fractionLength = j - fractionStart;
  }
  const digits = intLength + fractionLength;
  if (digits === 0 || digits > 15 || stops[b] === 0 || b >= 0x80) return NOT_FAST;
  const x = m / POW10[fractionLength]!;
  values[row] = negative ? -x : x;
  return j;
}

/**
 * DATE: `YYYY-MM-DD` then the stop, by the general rule itself (parseDate on those 10 bytes):
 * days since 1970 in `values[row]`; the stop's index or NOT_FAST.
 */
export function scanDate(buf: Uint8Array, i: number, end: number, stops: Uint8Array, values: Int32Array, row: number): number {
  const j = i + 10;
  const b = j < end ? buf[j]! : 0;
  if (stops[b] === 0 || b >= 0x80) return NOT_FAST;
  const d = parseDate(buf, i, j);
  if (d !== d) return NOT_FAST; // the general rule then refuses the same 10 bytes
  values[row] = d;
  return j;
}

/** BOOLEAN `true` / `false`: 1 or 0 in `values[row]`; the stop's index or NOT_FAST. */
export function scanBoolean(buf: Uint8Array, i: number, end: number, stops: Uint8Array, values: Uint8Array, row: number): number {
  let j: number;
  let v: number;
  if (buf[i] === 116 && i + 4 < end && buf[i + 1] === 114 && buf[i + 2] === 117 && buf[i + 3] === 101) {
    j = i + 4;
    v = 1;
  } else if (buf[i] === 102 && i + 5 < end && buf[i + 1] === 97 && buf[i + 2] === 108 && buf[i + 3] === 115 && buf[i + 4] === 101) {
    j = i + 5;
    v = 0;
  } else return NOT_FAST;
  const b = buf[j]!;
  if (stops[b] === 0 || b >= 0x80) return NOT_FAST;
  values[row] = v;
  return j;
}

/**
 * TIMESTAMP_UTC (`zoned`, the text ends in `Z`) or TIMESTAMP_LOCAL (no zone): microseconds at
 * slot `row` of the words' BigInt64Array; the stop's index or NOT_FAST.
 */
export function scanTimestamp(buf: Uint8Array, i: number, end: number, stops: Uint8Array, zoned: boolean, words: Int32Array, row: number): number {
  if (end - i <= 19) return NOT_FAST; // 19 bytes up to the seconds, then at least the stop
  const days = parseDate(buf, i, i + 10);
  if (days !== days) return NOT_FAST;
  const sep = buf[i + 10];
  if ((sep !== 84 /* T */ && sep !== 32) /* space */ || buf[i + 13] !== 58 || buf[i + 16] !== 58) return NOT_FAST;
  const hour = twoDigits(buf, i + 11);
  const minute = twoDigits(buf, i + 14);
  const second = twoDigits(buf, i + 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NOT_FAST;
  let j = i + 19;
  let b = buf[j]!;
  let micros = 0;
  if (b === 46 /* . */) {
    const fractionStart = ++j;
    for (;;) {
      if (j >= end) return NOT_FAST;
      b = buf[j]!;
      if (b < 48 || b > 57) break;
      if (j - fractionStart === 6) return NOT_FAST; // a 7th digit: the general rule checks it is 0
      micros = micros * 10 + (b - 48);
      j++;
    }
    const digits = j - fractionStart;
    if (digits === 0) return NOT_FAST;
    micros *= POW10[6 - digits]!;
  }
  if (zoned) {
    if (b !== 90 /* Z */ || ++j >= end) return NOT_FAST;
    b = buf[j]!;
  }
  if (stops[b] === 0 || b >= 0x80) return NOT_FAST;
  writeMulAdd(words, row, days * 86400 + hour * 3600 + minute * 60 + second, 1_000_000, micros);
  return j;
}

function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
}

/**
 * Where the unquoted field starting at buf[i] ends (its ASCII stop), for the general rules; NOT_FAST
 * when it runs into `end` or meets a byte >= 0x80 (the tokenizer validates those).
 */
export function unquotedFieldEnd(buf: Uint8Array, i: number, end: number, stops: Uint8Array): number {
  let j = i;
  while (j < end) {
    const b = buf[j]!;
    if (stops[b] !== 0) return b < 0x80 ? j : NOT_FAST;
    j++;
  }
  return NOT_FAST;
}
