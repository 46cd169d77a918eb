/**
 * The limits one archive is held to, with their defaults and reasons. The caller passes overrides
 * (from configuration, or tighter ones for a nested archive); every limit is checked as early as
 * the archive lets it be: declared values before any entry is yielded, produced bytes while
 * streaming, so a hostile archive fails fast and memory never depends on what it declares.
 *
 * Defaults:
 * - maxEntries 10,000: ClamAV's MaxFiles and the default; a legitimate export with more
 *   raises it in configuration.
 * - maxTotalBytes 128 GiB: a ceiling on the work (time, S3 traffic) one archive may cause, not the
 *   bomb defence (the ratio is). The requirements accept files up to 10 GB: 10 GB of text at
 *   ~10:1 plus headroom, the same default as the shared archive limits. Declared totals above it
 *   are refused before the first byte.
 * - maxRatio 100 after ratioFloorBytes 10 MiB: Apache POI's 100:1 idea. Deflate reaches 1,032:1 at
 *   most; real data (CSV, JSON, logs) compresses 3-30:1 and rarely beyond 100:1 over many MiB. The
 *   ratio is only judged once an entry produced more than the floor, so small, very repetitive
 *   files (a 1 MiB file of blanks) are never false alarms, and a bomb is stopped after ~10 MiB of
 *   output instead of 10 GiB. The same ratio is applied to the archive as a whole (bytes produced
 *   against the archive's size), which stops the many-small-bombs archive whose entries all stay
 *   under the floor.
 * - maxNameBytes 1,024: an S3 key is at most 1,024 bytes, so a longer name can never be uploaded.
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxRatio: number;
  ratioFloorBytes: number;
  maxNameBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 128 * 2 ** 30,
  maxRatio: 100,
  ratioFloorBytes: 10 * 2 ** 20,
  maxNameBytes: 1024,
});

export function resolveLimits(overrides: Partial<ZipLimits> = {}): ZipLimits {
  const limits = { ...DEFAULT_ZIP_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ZipLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) throw new RangeError(`zip limit ${key} must be a number >= 0, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

/**
 * Throws ARCHIVE_LIMIT_RATIO when `produced` bytes came from `consumed` compressed bytes at a
 * ratio above the limit, once `produced` passed the floor. `what` is "entry" or "archive".
 */
export function checkRatio(produced: number, consumed: number, limits: ZipLimits, what: string, ctx: ArchiveErrorContext): void {
  if (produced <= limits.ratioFloorBytes) return;
  if (produced > limits.maxRatio * Math.max(consumed, 1)) {
    throw new ArchiveError(
      "ARCHIVE_LIMIT_RATIO",
      `the ${what} expands ${Math.round(produced / Math.max(consumed, 1))}:1 (${produced} bytes from ${consumed}), above the limit of ${limits.maxRatio}:1 (DSP_ARCHIVE_MAX_RATIO)`,
      ctx,
    );
  }
}

export function checkTotal(total: number, limits: ZipLimits, declared: boolean, ctx: ArchiveErrorContext): void {
  if (total > limits.maxTotalBytes) {
    throw new ArchiveError(
      "ARCHIVE_LIMIT_BYTES",
      `the entries ${declared ? "declare" : "produced"} ${total} bytes in all, above the limit of ${limits.maxTotalBytes} (DSP_ARCHIVE_MAX_TOTAL_BYTES)`,
      ctx,
    );
  }
}
