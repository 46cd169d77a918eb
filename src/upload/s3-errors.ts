/**
 * Sorts what an S3 request threw into what dsp does next:
 *  - unreachable: the store cannot be reached at all (refused, reset, DNS, timeout): pause all work
 *    and probe until it answers again; time spent waiting does not use up retry attempts;
 *  - transient:   the store answered but may succeed later (5xx, throttling, RequestTimeout,
 *    BadDigest after a corrupted transfer): retry with backoff;
 *  - permanent:   retrying cannot help (credentials, missing bucket, bad request): fail the file;
 *  - aborted:     dsp itself cancelled the request (shutdown).
 */

export type ErrorClass = "unreachable" | "transient" | "permanent" | "aborted";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "ConnectionRefused",
  "ConnectionClosed",
  "FailedToOpenSocket",
  "UND_ERR_SOCKET",
]);

const TRANSIENT_S3_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequests",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
  "BadDigest",
  "IncompleteBody",
  "XAmzContentSHA256Mismatch",
]);

export interface ErrorFacts {
  status: number | undefined;
  code: string | undefined;
}

export function errorFacts(err: unknown): ErrorFacts {
  const e = err as { $metadata?: { httpStatusCode?: number }; Code?: string; code?: string; name?: string };
  return {
    status: e?.$metadata?.httpStatusCode,
    code: e?.Code ?? (typeof e?.code === "string" ? e.code : undefined) ?? e?.name,
  };
}

/** `timedOut` tells whether dsp's own request timeout fired (then an AbortError is a hang, not a cancel). */
export function classifyS3Error(err: unknown, timedOut: boolean, cancelled: boolean): ErrorClass {
  if (cancelled) return "aborted";
  const { status, code } = errorFacts(err);
  if (code === "AbortError" || code === "TimeoutError") return timedOut ? "unreachable" : "aborted";
  if (status === undefined) {
    if (code !== undefined && NETWORK_CODES.has(code)) return "unreachable";
    // Errors without an HTTP status come from the transport (socket closed mid-body, truncated
    // response the XML parser choked on...): the request may well succeed when repeated.
    return "transient";
  }
  if (code !== undefined && TRANSIENT_S3_CODES.has(code)) return "transient";
  if (status >= 500 || status === 429 || status === 408) return "transient";
  return "permanent";
}
