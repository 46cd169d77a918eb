/**
 * The errors the archive readers raise on purpose. Each has a stable `code` (for the error sidecar,
 * scripts and tests) and the context a person needs to look at the file: the archive, the entry
 * name as stored, and the byte offset in the archive where the problem is.
 *
 * Kept apart from DspError because its ErrorCode union lives outside the archive readers; the
 * pipeline wraps an ArchiveError into its own error type and copies `code` and the context as they
 * are. Codes that are not ZIP-specific use the ARCHIVE_ names of the shared archive layer
 * (src/archive/archive-error.ts, written alongside this module), and `context` has its shape, so
 * merging the two classes at integration is a matter of adding the ZIP_ codes to that union.
 */

export type ArchiveErrorCode =
  | "ARCHIVE_CORRUPT" // a structure is malformed: bad signature, impossible offset, invalid deflate data
  | "ARCHIVE_TRUNCATED" // the file ends before a structure it declares (or has lost its end record)
  | "ARCHIVE_ENCRYPTED" // an entry or the central directory is encrypted (decided from headers only)
  | "ARCHIVE_UNSUPPORTED" // valid but not readable here: compression method, split archive
  | "ARCHIVE_LIMIT_ENTRIES" // more entries than limits.maxEntries
  | "ARCHIVE_LIMIT_BYTES" // the entries declare or produce more than limits.maxTotalBytes
  | "ARCHIVE_LIMIT_RATIO" // an entry (or the archive) expands more than limits.maxRatio after the floor
  | "ARCHIVE_LIMIT_NAME_BYTES" // an entry name is longer than limits.maxNameBytes
  | "ARCHIVE_LIMIT_MEMORY" // a nested archive that must be buffered is larger than the caller's limit
  | "ZIP_BAD_CRC" // the CRC-32 of the extracted bytes is not the one the central directory declares
  | "ZIP_SIZE_MISMATCH" // the data inflates past, or ends short of, the declared size
  | "ZIP_OVERLAP" // two entries' data share bytes, or an entry runs into the central directory
  | "ZIP_NAME_MISMATCH" // the local header names the entry differently from the central directory
  | "ZIP_HEADER_MISMATCH" // the local header disagrees with the central directory on method, flags, CRC or sizes
  | "ZIP_BAD_DESCRIPTOR" // the data descriptor after an entry disagrees with the central directory
  | "ZIP_DUPLICATE_NAME" // two entries have the same name
  | "ZIP_BAD_NAME"; // a name flagged UTF-8 is not valid UTF-8

export interface ArchiveErrorContext {
  /** The archive as the caller named it (a path, or "outer.zip : inner.zip"). */
  archive?: string;
  /** The entry name, decoded. */
  entry?: string;
  /** Byte offset in the archive (or in the nested archive's buffer) of the structure at fault. */
  offset?: number;
}

export class ArchiveError extends Error {
  readonly code: ArchiveErrorCode;
  readonly archive: string | undefined;
  readonly entry: string | undefined;
  readonly offset: number | undefined;

  /** The same facts as one object: { archive, entry, offset } (the shared ArchiveError's shape). */
  get context(): ArchiveErrorContext {
    const c: ArchiveErrorContext = {};
    if (this.archive !== undefined) c.archive = this.archive;
    if (this.entry !== undefined) c.entry = this.entry;
    if (this.offset !== undefined) c.offset = this.offset;
    return c;
  }

  constructor(code: ArchiveErrorCode, what: string, context: ArchiveErrorContext = {}) {
    super(what + describeContext(context));
    this.name = "ArchiveError";
    this.code = code;
    this.archive = context.archive;
    this.entry = context.entry;
    this.offset = context.offset;
  }
}

export function isArchiveError(err: unknown, code?: ArchiveErrorCode): err is ArchiveError {
  return err instanceof ArchiveError && (code === undefined || err.code === code);
}

function describeContext(c: ArchiveErrorContext): string {
  const parts: string[] = [];
  if (c.entry !== undefined) parts.push(`entry ${JSON.stringify(c.entry)}`);
  if (c.offset !== undefined) parts.push(`at offset ${c.offset}`);
  if (c.archive !== undefined) parts.push(`in ${c.archive}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}
