/**
 * Proleptic Gregorian calendar arithmetic for DATE and TIMESTAMP values: days since 1970-01-01
 * from (year, month, day), and the validity of a calendar date. Integer-only, no Date objects.
 *
 * Invariant: defined for years 1..9999 (the range the text rules accept; daysFromCivil relies on
 * year >= 1); every intermediate is
 * a small integer, so results are exact.
 */

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Number of days in `month` (1..12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to (year, month, day), negative before. H. Hinnant's days_from_civil:
 * years start in March so the leap day is the last day of the year and the month lengths follow
 * a linear formula.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  // year >= 1 keeps every operand non-negative, so `| 0` is floor division (measured ~2x faster
  // than Math.floor here, which matters: this runs for every DATE and TIMESTAMP cell).
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = (((153 * mp + 2) / 5) | 0) + day - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/** (year, month, day) of a day count from 1970-01-01: the inverse, for tests and diagnostics. */
export function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
