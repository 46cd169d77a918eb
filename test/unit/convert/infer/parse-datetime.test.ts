import { describe, expect, test } from "bun:test";
import { civilFromDays, daysFromCivil } from "../../../../src/convert/infer/calendar.ts";
import {
  NOT_TIMESTAMP,
  parseDate,
  parseTimestamp,
  TIMESTAMP_LOCAL,
  TIMESTAMP_UTC,
} from "../../../../src/convert/infer/parse-datetime.ts";
import { oracleDays, oracleMicros, range, slot } from "./helpers.ts";

const date = (text: string): number => parseDate(...range(text));

function timestamp(text: string): { kind: number; micros: bigint } {
  const s = slot();
  const kind = parseTimestamp(...range(text), s.words, 0);
  return { kind, micros: s.value() };
}

describe("DATE", () => {
  test.each([
    ["1970-01-01", 1970, 1, 1],
    ["2024-02-29", 2024, 2, 29], // leap year
    ["2000-02-29", 2000, 2, 29], // divisible by 400: leap
    ["2023-02-28", 2023, 2, 28],
    ["1969-12-31", 1969, 12, 31], // before the epoch
    ["1900-03-01", 1900, 3, 1],
    ["1600-02-29", 1600, 2, 29],
    ["0001-01-01", 1, 1, 1], // first representable day
    ["0099-12-31", 99, 12, 31], // Date.UTC would read this as 1999
    ["9999-12-31", 9999, 12, 31], // last
    ["2024-12-31", 2024, 12, 31],
    ["2024-04-30", 2024, 4, 30],
  ])("%s", (text, y, m, d) => {
    const days = date(text);
    expect(days).toBe(oracleDays(y, m, d)!);
    const [yy, mm, dd] = civilFromDays(days);
    expect(`${String(yy).padStart(4, "0")}-${String(mm).padStart(2, "0")}-${String(dd).padStart(2, "0")}`).toBe(text);
  });

  test.each([
    ["2024-02-30", "no such day"],
    ["2023-02-29", "not a leap year"],
    ["1900-02-29", "century, not divisible by 400"],
    ["2024-04-31", "April has 30 days"],
    ["2024-13-01", "month 13"],
    ["2024-00-10", "month 0"],
    ["2024-01-00", "day 0"],
    ["2024-01-32", "day 32"],
    ["0000-01-01", "year 0"],
    ["10000-01-01", "five-digit year"],
    ["2024-1-01", "one-digit month"],
    ["2024/01/01", "slashes"],
    ["20240101", "basic format"],
    ["2024-01-01 ", "trailing space"],
    ["-2024-01-01", "negative year"],
    ["2024-01-0a", "letter"],
  ])("%p is not a DATE (%s)", (text) => {
    expect(date(text)).toBeNaN();
  });

  test("daysFromCivil agrees with Date for every day of 1899..2101 and around the ends", () => {
    for (const [from, to] of [
      [1, 3],
      [1899, 2101],
      [9997, 9999],
    ] as const) {
      for (let y = from; y <= to; y++)
        for (let m = 1; m <= 12; m++)
          for (let d = 1; d <= 31; d++) {
            const expected = oracleDays(y, m, d);
            if (expected === null) continue;
            if (daysFromCivil(y, m, d) !== expected) throw new Error(`${y}-${m}-${d}`);
            expect(civilFromDays(expected)).toEqual([y, m, d]);
          }
    }
  });
});

describe("TIMESTAMP", () => {
  test.each([
    ["2024-01-02T03:04:05Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02 03:04:05Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02T03:04:05+02:00", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 120]],
    ["2024-01-02T03:04:05+0200", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 120]],
    ["2024-01-02T03:04:05+02", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 120]],
    ["2024-01-02T03:04:05-05:30", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, -330]],
    ["2024-01-02T03:04:05-0530", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, -330]],
    ["2024-01-02T03:04:05-05", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, -300]],
    ["2024-01-02T03:04:05+00:00", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02T03:04:05-00:00", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02T03:04Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 0, 0, 0]],
    ["2024-01-02T03:04+01:00", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 0, 0, 60]],
    ["2024-01-02T03:04:05.1Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 100000, 0]],
    ["2024-01-02T03:04:05.12Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 120000, 0]],
    ["2024-01-02T03:04:05.123Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123000, 0]],
    ["2024-01-02T03:04:05.1234Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123400, 0]],
    ["2024-01-02T03:04:05.12345Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123450, 0]],
    ["2024-01-02T03:04:05.123456Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123456, 0]],
    ["2024-01-02T03:04:05.1234560Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123456, 0]], // 7th digit 0: exact
    ["2024-01-02T03:04:05.123456000+01:00", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 123456, 60]],
    ["2024-01-02T03:04:05.000001Z", TIMESTAMP_UTC, [2024, 1, 2, 3, 4, 5, 1, 0]],
    ["2024-02-29T23:59:59.999999Z", TIMESTAMP_UTC, [2024, 2, 29, 23, 59, 59, 999999, 0]],
    ["1969-12-31T23:59:59.999999Z", TIMESTAMP_UTC, [1969, 12, 31, 23, 59, 59, 999999, 0]], // -1 µs
    ["1900-01-01T00:00:00+23:59", TIMESTAMP_UTC, [1900, 1, 1, 0, 0, 0, 0, 1439]],
    ["0001-01-01T00:00:00Z", TIMESTAMP_UTC, [1, 1, 1, 0, 0, 0, 0, 0]],
    ["0001-01-01T00:00:00+05:00", TIMESTAMP_UTC, [1, 1, 1, 0, 0, 0, 0, 300]], // before year 1 in UTC: still exact
    ["9999-12-31T23:59:59.999999Z", TIMESTAMP_UTC, [9999, 12, 31, 23, 59, 59, 999999, 0]], // beyond 2^53 µs
    ["9999-12-31T23:59:59.999999-23:59", TIMESTAMP_UTC, [9999, 12, 31, 23, 59, 59, 999999, -1439]],
    ["2024-01-02T03:04:05", TIMESTAMP_LOCAL, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02 03:04:05", TIMESTAMP_LOCAL, [2024, 1, 2, 3, 4, 5, 0, 0]],
    ["2024-01-02 03:04", TIMESTAMP_LOCAL, [2024, 1, 2, 3, 4, 0, 0, 0]],
    ["2024-01-02 03:04:05.5", TIMESTAMP_LOCAL, [2024, 1, 2, 3, 4, 5, 500000, 0]],
    ["1950-06-15 12:00:00.000250", TIMESTAMP_LOCAL, [1950, 6, 15, 12, 0, 0, 250, 0]],
    ["9999-12-31 23:59:59.999999", TIMESTAMP_LOCAL, [9999, 12, 31, 23, 59, 59, 999999, 0]],
  ] as const)("%s", (text, kind, [y, mo, d, h, mi, s, us, offset]) => {
    const r = timestamp(text);
    expect(r.kind).toBe(kind);
    expect(r.micros).toBe(oracleMicros(y, mo, d, h, mi, s, us, offset));
  });

  test("agrees with Date.parse to the millisecond", () => {
    for (const text of ["2024-07-01T12:34:56.789+02:00", "1970-01-01T00:00:00.001Z", "1960-03-04T05:06:07.008-07:00"]) {
      expect(timestamp(text).micros).toBe(BigInt(Date.parse(text)) * 1000n);
    }
  });

  test.each([
    ["2024-01-02T03:04:05.1234567Z", "7th fraction digit: nanoseconds would be rounded"],
    ["2024-01-02T03:04:05.123456789", "nanoseconds"],
    ["2024-01-02T03:04:05.0000001Z", "100 ns"],
    ["2024-01-02T03:04:05.Z", "empty fraction"],
    ["2024-01-02T03:04.5Z", "fraction without seconds"],
    ["2024-01-02T24:00:00Z", "hour 24"],
    ["2024-01-02T23:60:00Z", "minute 60"],
    ["2016-12-31T23:59:60Z", "leap second"],
    ["2024-02-30T00:00:00Z", "invalid date"],
    ["2023-02-29T00:00:00", "not a leap year"],
    ["0000-01-01T00:00:00Z", "year 0"],
    ["2024-01-02t03:04:05Z", "lower-case t"],
    ["2024-01-02T03:04:05z", "lower-case z"],
    ["2024-01-02T03:04:05 Z", "space before zone"],
    ["2024-01-02T03:04:05+2", "one-digit offset"],
    ["2024-01-02T03:04:05+02:0", "three-digit offset"],
    ["2024-01-02T03:04:05+02:", "dangling colon"],
    ["2024-01-02T03:04:05+24:00", "offset hour 24"],
    ["2024-01-02T03:04:05+02:60", "offset minute 60"],
    ["2024-01-02T03:04:05+02:00:00", "offset seconds"],
    ["2024-01-02T03:04:05ZZ", "two zones"],
    ["2024-01-02T03:04:05 UTC", "zone name"],
    ["2024-01-02T3:04:05", "one-digit hour"],
    ["2024-01-02T03:4:05", "one-digit minute"],
    ["2024-01-02T03:04:5", "one-digit second"],
    ["2024-01-02T03", "hour only"],
    ["2024-01-02T", "no time"],
    ["2024-01-02", "a DATE, not a TIMESTAMP"],
    ["2024-01-02T03:04:05,123Z", "decimal comma"],
  ])("%p is not a TIMESTAMP (%s)", (text) => {
    expect(timestamp(text).kind).toBe(NOT_TIMESTAMP);
  });
});
