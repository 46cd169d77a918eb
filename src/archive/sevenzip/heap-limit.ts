/**
 * How much memory 7-Zip (WASM) may take for one archive, and the error when it needs more.
 *
 * Why a cap of our own: the dictionary check (method.ts, limits.ts) sees one coder's declared size,
 * but 7-Zip's heap also holds the whole archive database, which it builds from the headers before
 * it lists a single entry (~100 bytes per entry, plus the names), and every coder of a folder at once
 * (a crafted folder of three LZMA coders at the limit each takes three times it). A 460 KB 7z of a
 * million empty files took 96 MiB of heap, and ten million would take ~1 GiB, all before the entry
 * limit could stop the listing. Every heap growth goes through one import (wasm-runner.ts), so a
 * run is refused memory past its cap and fails; the refusal, not 7-Zip's wording, makes it
 * ARCHIVE_LIMIT_MEMORY, with the configuration keys that raise it.
 *
 * The caps, measured with 7-Zip 24.09's WASM build (start-up heap 16.3 MiB):
 *  - listing:    32 MiB + 2.2 KiB per entry the entry limit still allows. An entry costs ~100 bytes
 *                plus its name in UTF-16 (up to 2 KiB: names are limited to 1,024 bytes as keys).
 *                Default entry limit 10,000: 53.5 MiB.
 *  - extraction: the listing's cap + the dictionary limit + 32 MiB for the coders' buffers (16 MiB
 *                of LZMA2 dictionary grew the heap by 22.5 MiB, 96 MiB by 99 MiB, BCJ2 with
 *                64 + 1 + 1 MiB by 66 MiB). Defaults: 53.5 + 128 + 32 = 213.5 MiB.
 * Emscripten grows the heap in steps of up to a fifth of its size, so a heap can end up to ~20%
 * above its cap; it can never grow past WASM's 2 GiB anyway.
 */
import { ArchiveError } from "../archive-error.ts";
import type { HeapRefusal } from "./wasm-runner.ts";

const MiB = 1024 * 1024;
export const LISTING_BASE_BYTES = 32 * MiB;
export const BYTES_PER_ENTRY = 2253; // 2.2 KiB
export const CODER_BUFFERS_BYTES = 32 * MiB;
/** WASM32's own ceiling: no cap above it means anything. */
const WASM_MAX = 2 * 1024 * MiB;

export interface HeapLimits {
  /** For the listing run (`l -slt`): the archive database only. */
  listingBytes: number;
  /** For the extraction run (`x -so`): the database again, and the decoders. */
  extractionBytes: number;
}

/** No cap but WASM's own (a reader opened without heapLimits). */
export const NO_HEAP_CAP: Readonly<HeapLimits> = Object.freeze({ listingBytes: WASM_MAX, extractionBytes: WASM_MAX });

/** The caps for an archive read with `entriesLeft` entries still allowed and this dictionary limit. */
export function heapLimits(entriesLeft: number, maxDictionaryBytes: number): HeapLimits {
  const listingBytes = Math.min(WASM_MAX, LISTING_BASE_BYTES + entriesLeft * BYTES_PER_ENTRY);
  const extractionBytes = Math.min(WASM_MAX, listingBytes + maxDictionaryBytes + CODER_BUFFERS_BYTES);
  return { listingBytes, extractionBytes };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

export type HeapStage = "listing" | "extraction";

/** The error for a run that was refused memory at `stage`. */
export function heapLimitError(refusal: HeapRefusal, stage: HeapStage, archive: string): ArchiveError {
  const listing = stage === "listing";
  const keys = listing ? "DSP_ARCHIVE_MAX_ENTRIES" : "DSP_ARCHIVE_MAX_ENTRIES and DSP_ARCHIVE_MAX_DICTIONARY";
  return new ArchiveError(
    "ARCHIVE_LIMIT_MEMORY",
    `${archive}: 7-Zip needs more than ${mib(refusal.capBytes)} of memory ${listing ? "to read the archive's headers" : "to decode it"} ` +
      `(its heap was to grow to ${mib(refusal.requestedBytes)}); the cap grows with ${keys}`,
    {
      archive,
      stage,
      limit: listing ? "DSP_ARCHIVE_MAX_ENTRIES" : "DSP_ARCHIVE_MAX_DICTIONARY",
      allowed: refusal.capBytes,
      requested: refusal.requestedBytes,
    },
  );
}
