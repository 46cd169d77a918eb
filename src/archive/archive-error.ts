/**
 * The one error type every archive layer throws on purpose (ZIP, TAR, gzip, limits...).
 *
 * Invariants:
 *  - `code` is stable: scripts, tests and the error sidecar match on it, so codes are only ever added,
 *    never renamed. The message is for the operator and may change.
 *  - `context` carries what a person needs to find the problem: the entry path inside the archive and
 *    the byte offset where the reader was (in the stream that layer reads), plus any numbers involved.
 *  - It is deliberately not a DspError: the pipeline maps it (code + context) when it moves the file
 *    to the error folder, so the archive readers stay free of pipeline concerns.
 */

export type ArchiveErrorCode =
  // Limits per top-level file (see limits.ts for the defaults and why).
  | "ARCHIVE_LIMIT_DEPTH" // archives nested deeper than allowed
  | "ARCHIVE_LIMIT_BYTES" // more decompressed bytes, across all layers, than allowed
  | "ARCHIVE_LIMIT_RATIO" // decompressed / compressed grew past the allowed ratio (after a floor)
  | "ARCHIVE_LIMIT_ENTRIES" // more entries, across all layers, than allowed
  | "ARCHIVE_LIMIT_DICTIONARY" // an xz/7z stream asks for a dictionary (= memory) larger than allowed
  // Damaged input.
  | "ARCHIVE_CORRUPT" // a header or structure is invalid (bad checksum, bad field, not this format)
  | "ARCHIVE_TRUNCATED" // the stream ends in the middle of something
  | "ARCHIVE_CRC_MISMATCH" // decompressed data does not match its stored CRC-32
  | "ARCHIVE_SIZE_MISMATCH" // decompressed data does not have its stored length
  // Valid input we refuse on purpose.
  | "ARCHIVE_ENCRYPTED" // password-protected (decided from headers, never by trying to extract)
  | "ARCHIVE_UNSUPPORTED" // a feature dsp does not handle (e.g. a multi-volume tar continuation)
  | "TAR_SPARSE" // GNU or PAX sparse entry: never expanded (readers disagree on the bytes)
  | "ARCHIVE_PATH_UNSAFE" // an entry path breaks the rules of entry-path.ts, for callers that stop on it
  | "ARCHIVE_LIMIT_NAME_BYTES" // an entry name is longer than allowed
  | "ARCHIVE_LIMIT_MEMORY" // a nested archive that must be buffered (ZIP, 7z, RAR) is larger than allowed, or 7-Zip needs more memory than its cap
  // ZIP structure checks no JS library makes for us (zip/).
  | "ZIP_BAD_CRC" // the CRC-32 of the extracted bytes is not the one the central directory declares
  | "ZIP_SIZE_MISMATCH" // the data inflates past, or ends short of, the declared size
  | "ZIP_OVERLAP" // two entries' data share bytes, or an entry runs into the central directory
  | "ZIP_NAME_MISMATCH" // the local header names the entry differently from the central directory
  | "ZIP_HEADER_MISMATCH" // the local header disagrees with the central directory on method, flags, CRC or sizes
  | "ZIP_BAD_DESCRIPTOR" // the data descriptor after an entry disagrees with the central directory
  | "ZIP_DUPLICATE_NAME" // two entries have the same name
  | "ZIP_BAD_NAME"; // a name flagged UTF-8 is not valid UTF-8

export interface ArchiveErrorContext {
  /** The archive as the caller named it (a path, or "outer.zip > inner.zip"). */
  archive?: string;
  /** The entry's path inside the archive, as a printable string. */
  entry?: string;
  /** Byte offset in the stream the throwing layer reads (not necessarily in the file on disk). */
  offset?: number;
  [name: string]: unknown;
}

export class ArchiveError extends Error {
  readonly code: ArchiveErrorCode;
  readonly context: ArchiveErrorContext;

  constructor(code: ArchiveErrorCode, message: string, context: ArchiveErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ArchiveError";
    this.code = code;
    this.context = context;
  }
}

export function isArchiveError(err: unknown, code?: ArchiveErrorCode): err is ArchiveError {
  return err instanceof ArchiveError && (code === undefined || err.code === code);
}
