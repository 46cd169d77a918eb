/**
 * The DATE and TIMESTAMP text rules, parsed straight from UTF-8 bytes.
 *   DATE       YYYY-MM-DD, a valid proleptic Gregorian date, year 0001..9999 -> days since 1970-01-01
 *   TIMESTAMP  YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][zone] -> microseconds since 1970-01-01T00:00Z
 *     zone     Z | ±HH:MM | ±HHMM | ±HH (hours 00..23, minutes 00..59) -> TIMESTAMP_UTC, the
 *              instant (wall clock minus offset); no zone -> TIMESTAMP_LOCAL, the wall clock
 *              counted as if it were UTC ("local semantics", Parquet isAdjustedToUTC=false).
 *     fraction 1 or more digits; digits after the 6th must all be 0: a microsecond value holds the
 *              exact instant, anything finer would be rounded, so the text stays STRING.
 * Hours 00..23, minutes and seconds 00..59: `24:00` and leap seconds `:60` have no exact value.
 * Exactly four year digits, `-` and `:` separators, upper-case `T`/`Z`: anything else is text.
 *
 * Invariant: nothing is rounded. Seconds since the epoch stay below 2^39, so the microsecond
 * value is stored by writeMulAdd (int64-words.ts) without a bigint.
 */

import { civilDays } from "./calendar.ts";
import { writeMulAdd } from "./int64-words.ts";

export const NOT_TIMESTAMP = 0;
export const TIMESTAMP_UTC = 1;
export const TIMESTAMP_LOCAL = 2;
export type TimestampResult = typeof NOT_TIMESTAMP | typeof TIMESTAMP_UTC | typeof TIMESTAMP_LOCAL;

/** The two-digit number at buf[i], buf[i + 1], or -1 if either is not a digit. */
function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Days since 1970-01-01 of the YYYY-MM-DD at buf[at, at + 10) (caller checked the length), or NaN. */
function dateAt(buf: Uint8Array, at: number): number {
  if (buf[at + 4] !== 45 || buf[at + 7] !== 45) return NaN;
  const yHigh = twoDigits(buf, at);
  const yLow = twoDigits(buf, at + 2);
  const month = twoDigits(buf, at + 5);
  const day = twoDigits(buf, at + 8);
  if (yHigh < 0 || yLow < 0) return NaN;
  return civilDays(yHigh * 100 + yLow, month, day); // NaN for a month or day out of range (-1 included)
}

/** Days since 1970-01-01 when buf[start, end) is a DATE text, else NaN. */
export function parseDate(buf: Uint8Array, start: number, end: number): number {
  return end - start === 10 ? dateAt(buf, start) : NaN;
}

/**
 * Parses buf[start, end) as a TIMESTAMP text; when it is one, stores its microseconds at slot
 * `index` of the BigInt64Array whose memory `words` views, and returns which kind it is.
 */
export function parseTimestamp(buf: Uint8Array, start: number, end: number, words: Int32Array, index: number): TimestampResult {
  if (end - start < 16) return NOT_TIMESTAMP;
  const days = dateAt(buf, start);
  if (days !== days) return NOT_TIMESTAMP;
  const sep = buf[start + 10];
  if ((sep !== 84 /* T */ && sep !== 32) /* space */ || buf[start + 13] !== 58 /* : */) return NOT_TIMESTAMP;
  const hour = twoDigits(buf, start + 11);
  const minute = twoDigits(buf, start + 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NOT_TIMESTAMP;
  let i = start + 16;
  let second = 0;
  let micros = 0;
  if (i < end && buf[i] === 58) {
    if (end - i < 3) return NOT_TIMESTAMP;
    second = twoDigits(buf, i + 1);
    if (second < 0 || second > 59) return NOT_TIMESTAMP;
    i += 3;
    if (i < end && buf[i] === 46 /* . */) {
      const fracStart = ++i;
      for (; i < end; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        if (i - fracStart < 6) micros = micros * 10 + d;
        else if (d !== 0) return NOT_TIMESTAMP;
      }
      const fracLen = i - fracStart;
      if (fracLen === 0) return NOT_TIMESTAMP;
      for (let k = fracLen; k < 6; k++) micros *= 10;
    }
  }
  let seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  if (i === end) {
    writeMulAdd(words, index, seconds, 1_000_000, micros);
    return TIMESTAMP_LOCAL;
  }
  const z = buf[i];
  if (z === 90 /* Z */) {
    if (i + 1 !== end) return NOT_TIMESTAMP;
  } else if (z === 43 /* + */ || z === 45 /* - */) {
    if (end - i < 3) return NOT_TIMESTAMP;
    const offsetHour = twoDigits(buf, i + 1);
    let offsetMinute = 0;
    i += 3;
    if (i < end) {
      if (buf[i] === 58) i++;
      if (end - i !== 2) return NOT_TIMESTAMP;
      offsetMinute = twoDigits(buf, i);
    }
    if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return NOT_TIMESTAMP;
    const offset = offsetHour * 3600 + offsetMinute * 60;
    seconds = z === 43 ? seconds - offset : seconds + offset;
  } else return NOT_TIMESTAMP;
  writeMulAdd(words, index, seconds, 1_000_000, micros);
  return TIMESTAMP_UTC;
}
