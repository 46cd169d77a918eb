/** A RetryEnv/UploadDeps wired for unit tests: no real waiting, every log line captured. */
import { createLogger } from "../../src/log.ts";
import type { UploadDeps } from "../../src/upload/object-upload.ts";
import type { RetryEnv } from "../../src/upload/retry.ts";
import { S3Health } from "../../src/upload/s3-health.ts";
import { Semaphore } from "../../src/util/semaphore.ts";
import type { FakeS3 } from "./fake-s3.ts";

export interface Captured {
  lines: Record<string, unknown>[];
  sleeps: number[];
}

export function testRetryEnv(opts: { retries?: number; probe?: (signal: AbortSignal) => Promise<void>; signal?: AbortSignal } = {}) {
  const captured: Captured = { lines: [], sleeps: [] };
  const log = createLogger({ level: "DEBUG", format: "json", write: (l) => captured.lines.push(JSON.parse(l)) });
  const signal = opts.signal ?? new AbortController().signal;
  // Sleeps resolve on the next macrotask: tests stay fast and still see the order of events.
  const sleep = (ms: number, s: AbortSignal) => {
    captured.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (s.aborted) return reject(s.reason);
      setTimeout(resolve, 0);
    });
  };
  let t = 0;
  const health = new S3Health({ probe: opts.probe ?? (async () => {}), log, sleep, now: () => (t += 10), signal });
  const retry: RetryEnv = {
    policy: { retries: opts.retries ?? 3, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 5000, minBytesPerSecond: 1 << 20 },
    health,
    log,
    signal,
    sleep,
    random: () => 0.5,
  };
  return { retry, health, log, captured };
}

export function testUploadDeps(s3: FakeS3, opts: { retries?: number; partsInFlight?: number; verifyEtag?: boolean } = {}) {
  const env = testRetryEnv(opts);
  const deps: UploadDeps = {
    s3,
    requests: new Semaphore(8),
    retry: env.retry,
    log: env.log,
    verifyEtag: opts.verifyEtag ?? true,
    partsInFlight: opts.partsInFlight ?? 3,
  };
  return { deps, ...env };
}
