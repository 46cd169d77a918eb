/**
 * Every fault of the fault proxy between the binary and the real S3 server: 503 SlowDown, 500,
 * reset connections, hanging requests, throttling, truncated answers, a permanent 403, and retries
 * running out. Each ends with the right bytes in S3 (or a clear failure), and no multipart upload
 * left behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess, type LogLine } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy, type FaultProxy } from "../harness/fault-proxy.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { md5hex, payload } from "../support/payload.ts";

const MiB = 1024 ** 2;
const ended = (file: string) => (l: LogLine) => (l.msg === "uploaded" || l.msg === "failed") && l.file === file;
const forKey = (name: string) => new RegExp(`/${name.replace(".", "\\.")}$`);

describe("S3 faults between dsp and the store", () => {
  let bucket: TestBucket;
  let wd: WorkDir;
  let proxy: FaultProxy;
  let dsp: DspProcess;

  beforeAll(async () => {
    bucket = await newBucket("faults");
    wd = makeWorkDir("faults");
    proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    dsp = startDsp({
      env: dspEnv(bucket, wd, {
        DSP_S3_ENDPOINT: proxy.url,
        DSP_RETRY_ATTEMPTS: "3",
        DSP_S3_REQUEST_TIMEOUT: "2s",
        DSP_PART_SIZE: "5MiB",
      }),
    });
    await dsp.waitFor((l) => l.msg === "dsp started", "start");
  });

  afterAll(async () => {
    expect(await dsp.stop()).toBe(0);
    await proxy.stop();
  });

  /** Drops a file, waits for its outcome, and checks that S3 holds exactly its bytes. */
  async function uploadThrough(name: string, size: number): Promise<LogLine> {
    const body = payload(size, name.length * 131 + size);
    writeFileSync(join(wd.watch, name), body);
    const outcome = await dsp.waitFor(ended(name), `${name} ended`);
    expect(outcome.msg).toBe("uploaded");
    expect(md5hex(await bucket.bytes(name))).toBe(md5hex(body));
    expect(await bucket.multipartUploads()).toEqual([]);
    return outcome;
  }

  const retriesOf = (name: string) => dsp.lines.filter((l) => l.msg === "S3 request failed, retrying" && l.file === name);

  test("503 SlowDown on PutObject is retried with backoff", async () => {
    proxy.inject({ kind: "status", status: 503, code: "SlowDown", times: 2, match: { ...S3_OPERATIONS.putObject, path: forKey("slowdown.txt") } });
    await uploadThrough("slowdown.txt", 1000);
    expect(retriesOf("slowdown.txt").map((l) => l.attempt)).toEqual([1, 2]);
    expect(retriesOf("slowdown.txt")[0]!.details).toContain("SlowDown");
  });

  test("500 InternalError on one UploadPart: only that part is retried", async () => {
    proxy.inject({ kind: "status", status: 500, code: "InternalError", match: { ...S3_OPERATIONS.uploadPart, path: forKey("part500.bin"), query: { partNumber: "2" } } });
    await uploadThrough("part500.bin", 12 * MiB);
    expect(retriesOf("part500.bin").map((l) => l.request)).toEqual(["UploadPart 2"]);
  });

  test("a connection reset in the middle of a part is retried", async () => {
    const before = proxy.stats.faulted.reset;
    proxy.inject({ kind: "reset", afterBytes: MiB, match: { ...S3_OPERATIONS.uploadPart, path: forKey("reset.bin") } });
    await uploadThrough("reset.bin", 11 * MiB);
    expect(proxy.stats.faulted.reset).toBe(before + 1);
    expect(retriesOf("reset.bin").length).toBe(1);
  });

  test("a request that hangs is aborted by the request timeout and retried", async () => {
    proxy.inject({ kind: "hang", match: { ...S3_OPERATIONS.putObject, path: forKey("hang.txt") } });
    await uploadThrough("hang.txt", 2000);
    const retry = retriesOf("hang.txt");
    expect(retry.length).toBe(1);
    expect(retry[0]!.details).toMatch(/no answer within \d+ ms/);
  });

  test("a throttled link is slow but delivers every byte", async () => {
    const before = proxy.stats.throttledBytes;
    proxy.inject({ kind: "throttle", bytesPerSecond: 4 * MiB, times: 3, match: { ...S3_OPERATIONS.uploadPart, path: forKey("throttled.bin") } });
    await uploadThrough("throttled.bin", 11 * MiB);
    expect(proxy.stats.throttledBytes - before).toBeGreaterThanOrEqual(11 * MiB);
    expect(retriesOf("throttled.bin")).toEqual([]);
  });

  test("a truncated answer to PutObject is repeated (the store had the object; PutObject is idempotent)", async () => {
    proxy.inject({ kind: "truncate", side: "response", match: { ...S3_OPERATIONS.putObject, path: forKey("truncated.txt") } });
    await uploadThrough("truncated.txt", 3000);
    // Bun's fetch itself repeats a request whose pooled connection closed before the answer, so
    // the repeat may not pass through dsp's retry loop: what matters is that it happened.
    const puts = proxy.stats.log.filter((r) => r.method === "PUT" && r.target.includes("/truncated.txt"));
    expect(puts.map((r) => r.fault)).toEqual(["truncate", null]);
  });

  test("a lost answer to CompleteMultipartUpload does not fail the file", async () => {
    proxy.inject({ kind: "truncate", side: "response", match: { ...S3_OPERATIONS.completeMultipartUpload, path: forKey("lostcomplete.bin") } });
    await uploadThrough("lostcomplete.bin", 11 * MiB);
    expect(retriesOf("lostcomplete.bin").map((l) => l.request)).toEqual(["CompleteMultipartUpload"]);
  });

  test("a lost answer to CreateMultipartUpload leaves no multipart upload behind (the store had made one)", async () => {
    proxy.inject({ kind: "truncate", side: "response", match: { ...S3_OPERATIONS.createMultipartUpload, path: forKey("lostcreate.bin") } });
    await uploadThrough("lostcreate.bin", 11 * MiB); // checks that no multipart upload is left
    const creates = proxy.stats.log.filter((r) => r.method === "POST" && r.target.includes("/lostcreate.bin?uploads"));
    expect(creates.map((r) => r.fault)).toEqual(["truncate", null]);
  });

  test("a permanent 403 fails the file at once, with the error code and details, and leaves it in place", async () => {
    proxy.inject({ kind: "status", status: 403, code: "AccessDenied", match: { ...S3_OPERATIONS.putObject, path: forKey("denied.txt") } });
    writeFileSync(join(wd.watch, "denied.txt"), "secret");
    const outcome = await dsp.waitFor(ended("denied.txt"), "denied.txt ended");
    expect(outcome.msg).toBe("failed");
    expect(outcome.level).toBe("ERROR");
    expect(outcome.error).toBe("S3_PERMANENT");
    expect(outcome.details).toContain("AccessDenied");
    expect(retriesOf("denied.txt")).toEqual([]);
    expect(await bucket.keys("denied")).toEqual([]);
    // A refusal of the whole store (credentials, policy) is not the file's fault: it stays where
    // it is, to be tried again when modified or at the next start, instead of the error folder.
    expect(outcome.moved_to).toBeUndefined();
    expect(existsSync(join(wd.watch, "denied.txt"))).toBe(true);
  });

  test("when retries run out the file fails and its multipart upload is aborted", async () => {
    proxy.inject({ kind: "status", status: 503, code: "SlowDown", times: Infinity, match: { ...S3_OPERATIONS.uploadPart, path: forKey("exhausted.bin") } });
    writeFileSync(join(wd.watch, "exhausted.bin"), payload(11 * MiB, 5));
    const outcome = await dsp.waitFor(ended("exhausted.bin"), "exhausted.bin ended");
    proxy.clear();
    expect(outcome.msg).toBe("failed");
    expect(outcome.error).toBe("S3_TRANSIENT");
    expect(outcome.details).toMatch(/UploadPart \d failed after 4 attempts/);
    await dsp.waitFor((l) => l.msg === "multipart upload aborted" && l.file === "exhausted.bin", "abort logged");
    expect(await bucket.multipartUploads()).toEqual([]);
    expect(await bucket.keys("exhausted")).toEqual([]);
  });
});
