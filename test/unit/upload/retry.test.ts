import { describe, expect, test } from "bun:test";
import { isDspError } from "../../../src/errors.ts";
import { rejection } from "../../support/rejection.ts";
import { backoffDelay, withRetry } from "../../../src/upload/retry.ts";
import { networkError, s3Error } from "../../support/fake-s3.ts";
import { testRetryEnv } from "../../support/upload-env.ts";

const info = { what: "PutObject", context: { file: "f", key: "k" } };

describe("withRetry", () => {
  test("transient errors are retried up to the configured count, then fail with the attempts", async () => {
    const { retry, captured } = testRetryEnv({ retries: 3 });
    let calls = 0;
    const err = await rejection(withRetry(retry, info, async () => {
      calls++;
      throw s3Error(503, "SlowDown");
    }));
    expect(calls).toBe(4);
    expect(isDspError(err, "S3_TRANSIENT")).toBe(true);
    expect(err.message).toBe("PutObject failed after 4 attempts: SlowDown");
    expect(err.context).toMatchObject({ file: "f", key: "k", status: 503, s3_code: "SlowDown", attempts: 4 });
    expect(captured.sleeps).toEqual([55, 110, 220]); // base 100 × 2^n × (0.1 + 0.9 × 0.5)
  });

  test("permanent errors are not retried", async () => {
    const { retry } = testRetryEnv();
    let calls = 0;
    const err = await rejection(withRetry(retry, info, async () => {
      calls++;
      throw s3Error(403, "AccessDenied");
    }));
    expect(calls).toBe(1);
    expect(isDspError(err, "S3_PERMANENT")).toBe(true);
    expect(err.context.s3_code).toBe("AccessDenied");
  });

  test("a request that never answers is aborted by the timeout and retried", async () => {
    const { retry } = testRetryEnv({ retries: 1 });
    retry.policy = { ...retry.policy, timeoutMs: 50 };
    let calls = 0;
    const err = await rejection(withRetry(retry, info, (signal) => {
      calls++;
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("Request aborted"), { name: "AbortError" }))));
    }));
    expect(calls).toBe(2);
    expect(err.message).toMatch(/no answer within 50 ms/);
  });

  test("the timeout grows with the body size", async () => {
    const { retry } = testRetryEnv({ retries: 0 });
    retry.policy = { ...retry.policy, timeoutMs: 10, minBytesPerSecond: 1000 };
    const err = await rejection(withRetry(retry, { ...info, bodyBytes: 40 }, (signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("x"), { name: "AbortError" })))),
    ));
    expect(err.message).toMatch(/no answer within 50 ms/);
  });

  test("shutdown cancels the request and is reported as SHUTDOWN, not as a failure", async () => {
    const ac = new AbortController();
    const { retry } = testRetryEnv({ signal: ac.signal });
    const p = withRetry(retry, info, (signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("x"), { name: "AbortError" })))),
    );
    ac.abort();
    const err = await rejection(p);
    expect(isDspError(err, "SHUTDOWN")).toBe(true);
  });

  test("a refused connection closes the health gate; a confirmed outage costs no attempt", async () => {
    let probes = 0;
    const { retry } = testRetryEnv({
      retries: 0,
      probe: async () => {
        if (++probes === 1) throw networkError();
      },
    });
    let calls = 0;
    const out = await withRetry(retry, info, async () => {
      if (++calls === 1) throw networkError();
      return "ok";
    });
    expect(out).toBe("ok");
    expect(probes).toBe(2);
  });

  test("if the store answers the probe at once, the unreachable request still counts as an attempt", async () => {
    const { retry } = testRetryEnv({ retries: 1 });
    let calls = 0;
    const err = await rejection(withRetry(retry, info, async () => {
      calls++;
      throw networkError("ECONNRESET");
    }));
    expect(calls).toBe(2);
    expect(isDspError(err, "S3_UNREACHABLE")).toBe(true);
  });
});

describe("backoffDelay", () => {
  const policy = { retries: 10, baseDelayMs: 200, maxDelayMs: 5000, timeoutMs: 1, minBytesPerSecond: 1 };
  test("grows exponentially and is capped", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(policy, n, () => 1))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });
  test("jitter spreads delays between 10% and 100% of the bound", () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(80);
    expect(backoffDelay(policy, 3, () => 0.999999)).toBe(800);
  });
});
