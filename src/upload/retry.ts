/**
 * Runs one S3 request with dsp's retry rules: a per-request timeout that really aborts, exponential
 * backoff with full jitter for transient errors, a pause at the health gate while the store is
 * unreachable (those failures do not count against the attempts), and no retry for permanent
 * errors or cancellation. The final error is a DspError naming what failed and after how many
 * attempts.
 */
import { DspError, contextFields, describeError, type ErrorContext } from "../errors.ts";
import type { Logger } from "../log.ts";
import { classifyS3Error, errorFacts } from "./s3-errors.ts";
import type { S3Health } from "./s3-health.ts";

export interface RetryPolicy {
  /** Retries after the first try. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Abort a request that has not finished after timeoutMs + bodyBytes / minBytesPerSecond. */
  timeoutMs: number;
  minBytesPerSecond: number;
}

export interface RetryEnv {
  policy: RetryPolicy;
  health: S3Health;
  log: Logger;
  /** Shutdown: cancels waits and in-flight requests. */
  signal: AbortSignal;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
}

export interface RequestInfo {
  /** e.g. "UploadPart 3" — for logs and errors. */
  what: string;
  bodyBytes?: number;
  context: ErrorContext;
}

export async function withRetry<T>(env: RetryEnv, info: RequestInfo, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { policy, health, log, signal } = env;
  let failures = 0;
  for (;;) {
    await health.waitUntilUp();
    if (signal.aborted) throw shutdownError(info);
    const outagesBefore = health.confirmedOutages;
    const timeoutMs = policy.timeoutMs + Math.ceil(((info.bodyBytes ?? 0) / policy.minBytesPerSecond) * 1000);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await send(AbortSignal.any([signal, timeout]));
    } catch (err) {
      const kind = classifyS3Error(err, timeout.aborted && !signal.aborted, signal.aborted);
      if (kind === "aborted") throw shutdownError(info);
      const { status, code } = errorFacts(err);
      const details = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeError(err);
      if (kind === "permanent") {
        throw new DspError("S3_PERMANENT", `${info.what} refused by S3: ${details}`, { ...info.context, status, s3_code: code }, { cause: err });
      }
      if (kind === "unreachable") health.reportUnreachable(err);
      // A failure explained by an outage the gate sat through is not the request's fault.
      const waitedOutOutage = kind === "unreachable" && (await waitedThroughOutage(health, outagesBefore));
      if (!waitedOutOutage) failures++;
      if (failures > policy.retries) {
        throw new DspError(
          kind === "unreachable" ? "S3_UNREACHABLE" : "S3_TRANSIENT",
          `${info.what} failed after ${failures} attempts: ${details}`,
          { ...info.context, status, s3_code: code, attempts: failures },
          { cause: err },
        );
      }
      if (waitedOutOutage) continue;
      const delay = backoffDelay(policy, failures, env.random);
      log.warn("S3 request failed, retrying", {
        ...contextFields(info.context),
        request: info.what,
        attempt: failures,
        of: policy.retries + 1,
        retry_in_ms: delay,
        error: kind === "unreachable" ? "S3_UNREACHABLE" : "S3_TRANSIENT",
        details,
      });
      try {
        await env.sleep(delay, signal);
      } catch {
        throw shutdownError(info);
      }
    }
  }
}

/** Waits for the gate; true when a confirmed outage began after the request was sent. */
async function waitedThroughOutage(health: S3Health, outagesBefore: number): Promise<boolean> {
  await health.waitUntilUp();
  return health.confirmedOutages > outagesBefore;
}

/** Full jitter: uniform in [0, min(max, base * 2^(n-1))], never below 10% of that bound. */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return Math.round(bound * (0.1 + 0.9 * random()));
}

function shutdownError(info: RequestInfo): DspError {
  return new DspError("SHUTDOWN", `${info.what} cancelled: dsp is shutting down`, info.context);
}
