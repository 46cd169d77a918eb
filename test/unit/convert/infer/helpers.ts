/**
 * Shared test helpers: UTF-8 byte ranges from strings (placed at an offset inside a larger buffer,
 * so parsers that ignore `start`/`end` fail), 64-bit slot reads, and calendar oracles built on
 * Date (independent of src/convert/infer/calendar.ts).
 */

const encoder = new TextEncoder();

/** The text as a byte range inside a padded buffer: [buf, start, end]. */
export function range(text: string): [Uint8Array, number, number] {
  const bytes = encoder.encode(text);
  const buf = new Uint8Array(bytes.length + 6).fill(0x37); // '7' around it: a parser reading outside would misparse
  buf.set(bytes, 3);
  return [buf, 3, 3 + bytes.length];
}

/** A fresh Int32Array over one BigInt64 slot, and a reader of that slot. */
export function slot(): { words: Int32Array; value: () => bigint } {
  const big = new BigInt64Array(1);
  return { words: new Int32Array(big.buffer), value: () => big[0]! };
}

/** Days since 1970-01-01 of a proleptic Gregorian date, or null if the date is invalid. */
export function oracleDays(year: number, month: number, day: number): number | null {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, does not map years 0..99 to 1900..1999
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.getTime() / 86_400_000;
}

/** Microseconds since the epoch of a wall-clock time, minus an offset in minutes. */
export function oracleMicros(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  micros: number,
  offsetMinutes = 0,
): bigint {
  const days = oracleDays(y, mo, d);
  if (days === null) throw new Error(`invalid date ${y}-${mo}-${d}`);
  const seconds = BigInt(days) * 86400n + BigInt(h * 3600 + mi * 60 + s - offsetMinutes * 60);
  return seconds * 1_000_000n + BigInt(micros);
}

/** Seeded PRNG: the shared mulberry32, under the name these tests use. */
export { mulberry32 as prng } from "../../../support/random.ts";

export const pad = (n: number, width: number): string => String(n).padStart(width, "0");
