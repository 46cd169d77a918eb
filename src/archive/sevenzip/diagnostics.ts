/**
 * Turns what 7-Zip reports (its messages, exit code, or the C++ exception that ended it) into one
 * ArchiveError, with 7-Zip's own words in the context (`sevenZip`).
 *
 * Classification, first match wins (7-Zip 24.09's wording; case-insensitive):
 *   "Wrong password" / "encrypted archive"            → ARCHIVE_ENCRYPTED
 *   "CRC Failed" / "CRC error"                        → ARCHIVE_CRC_MISMATCH
 *   "Unexpected end" / "truncated"                    → ARCHIVE_TRUNCATED
 *   "Unsupported Method" / "Unsupported feature"      → ARCHIVE_UNSUPPORTED
 *   "allocate memory" / "Not enough memory" / exit 8  → ARCHIVE_UNSUPPORTED (the decoder's memory
 *        did not fit in WASM's 2 GiB; the dictionary check normally refuses such entries first,
 *        and a run refused memory past its cap is ARCHIVE_LIMIT_MEMORY before any rule)
 *   anything else ("Data Error", "Headers Error", "Is not archive", a CInArchiveException...)
 *                                                     → ARCHIVE_CORRUPT
 * Warnings that are tolerated (nothing wrong with the entries' bytes): data after the end of the
 * archive (a padded copy, like tar's trailing zeros). Any other warning fails the archive.
 */
import { ArchiveError, type ArchiveErrorCode } from "../archive-error.ts";
import { heapLimitError, type HeapStage } from "./heap-limit.ts";
import type { RunResult } from "./wasm-runner.ts";

const RULES: ReadonlyArray<[RegExp, ArchiveErrorCode]> = [
  [/wrong password|encrypted archive|can ?not open encrypted/i, "ARCHIVE_ENCRYPTED"],
  [/crc failed|crc error/i, "ARCHIVE_CRC_MISMATCH"],
  [/unexpected end|truncated/i, "ARCHIVE_TRUNCATED"],
  [/unsupported method|unsupported feature/i, "ARCHIVE_UNSUPPORTED"],
  [/allocate memory|not enough memory|out of memory|CNewException|bad_alloc/i, "ARCHIVE_UNSUPPORTED"],
];

const TOLERATED_WARNINGS = [/there are (some )?data after the end of (the )?archive/i];

export function isToleratedWarning(line: string): boolean {
  return TOLERATED_WARNINGS.some((re) => re.test(line));
}

export function classify(messages: readonly string[]): ArchiveErrorCode {
  for (const [re, code] of RULES) if (messages.some((m) => re.test(m))) return code;
  return "ARCHIVE_CORRUPT";
}

/** Lines worth showing: non-empty, without the archive's internal path repeated alone. */
export function messageLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "/in/archive" && !/^ERROR: \/in\/archive$/.test(l));
}

export interface FailureContext {
  archive: string;
  /** Which run failed: it names the memory cap that applied (heap-limit.ts). */
  stage: HeapStage;
  entry?: string;
  offset?: number;
  [key: string]: unknown;
}

/**
 * One ArchiveError from 7-Zip's messages and how its run ended (exit code or thrown). A run that was
 * refused memory fails for that, whatever 7-Zip made of it ("Can't allocate required memory", a
 * CNewException, an abort): ARCHIVE_LIMIT_MEMORY, never a claim that the archive is damaged.
 */
export function sevenZipError(what: string, messages: readonly string[], result: RunResult | undefined, ctx: FailureContext): ArchiveError {
  if (result?.heapRefused !== undefined) return heapLimitError(result.heapRefused, ctx.stage, ctx.archive);
  const all = [...messages];
  if (result?.thrown !== undefined) all.push(result.thrown);
  if (result?.exitCode === 8) all.push("Not enough memory");
  const code = classify(all);
  const shown = all.map((l) => l.replaceAll("/in/archive", ctx.archive));
  const detail = shown.length > 0 ? `: ${shown.slice(0, 5).join("; ")}` : result?.exitCode !== undefined ? ` (7-Zip exit code ${result.exitCode})` : "";
  return new ArchiveError(code, `${ctx.archive}: ${what}${detail}`, {
    ...ctx,
    sevenZip: shown.slice(0, 20),
    ...(result?.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
  });
}
