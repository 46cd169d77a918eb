/**
 * Coded errors. Every error dsp raises on purpose is a DspError with a stable `code` (for scripts,
 * tests and the error sidecar) and the context a person needs to act on it (file, key, line...).
 * Messages are written for the operator reading the log, not for the developer.
 */

export type ErrorCode =
  | "CONFIG_INVALID" // a .env key is missing or has a bad value
  | "CONFIG_FILE_UNREADABLE" // --env-file points at nothing readable
  | "LOCK_FAILED" // the run lock could not be created or taken for a reason other than "held"
  | "S3_PERMANENT" // S3 refused in a way retrying cannot fix (403, NoSuchBucket, 400...)
  | "S3_TRANSIENT" // S3 failed in a way that may pass (network, 5xx, throttling, timeout), retries exhausted
  | "S3_UNREACHABLE" // S3 could not be reached at all
  | "INTEGRITY_MISMATCH" // the ETag S3 reports is not the one computed while streaming
  | "SOURCE_CHANGED" // the file changed or vanished while it was being uploaded
  | "SOURCE_UNREADABLE" // the file cannot be opened or read
  | "FILE_TOO_LARGE" // above DSP_MAX_FILE_SIZE or the S3 object limit
  | "KEY_INVALID" // the S3 key would be empty, too long or otherwise not storable
  | "KEY_CONFLICT" // two files of the folder would be uploaded to the same S3 key
  | "ARCHIVE_FAILED" // an archive cannot be read safely (corrupt, encrypted, a limit, an unsafe entry name); `reason` has the archive code
  | "CONVERT_FAILED" // a table export cannot be converted (ragged row, bad quoting, invalid UTF-8, empty)
  | "SHUTDOWN" // work was stopped because dsp is shutting down
  | "INTERNAL"; // a bug: should never happen, reported with its stack

export interface ErrorContext {
  file?: string;
  key?: string;
  line?: number;
  [name: string]: unknown;
}

export class DspError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DspError";
    this.code = code;
    this.context = context;
  }
}

export function isDspError(err: unknown, code?: ErrorCode): err is DspError {
  return err instanceof DspError && (code === undefined || err.code === code);
}

/** A short, single-line description of any thrown value, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const name = (err as { Code?: string }).Code ?? err.name;
    return err.message && !err.message.startsWith(name) ? `${name}: ${err.message}` : err.message || name;
  }
  return String(err);
}

/** Wraps anything thrown into a DspError so callers can rely on a code. */
export function toDspError(err: unknown, fallback: ErrorCode = "INTERNAL", context: ErrorContext = {}): DspError {
  if (err instanceof DspError) return err;
  return new DspError(fallback, describeError(err), context, { cause: err });
}

/** The printable fields of an error context, for a log line. */
export function contextFields(ctx: ErrorContext): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}
