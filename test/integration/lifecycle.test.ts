/**
 * Running as cron runs it: one instance at a time (a second `dsp run` exits 0 and says why),
 * `dsp status` while a run is active and after it ended, SIGTERM during an upload (exit 0, the
 * unfinished multipart upload aborted), SIGTERM while start-up waits for S3, a missing bucket
 * (exit 1), and --once.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp, startDsp } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy } from "../harness/fault-proxy.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { payload } from "../support/payload.ts";

const MiB = 1024 ** 2;

describe("lifecycle", () => {
  test("a second dsp run exits 0 at once, naming the running one; the first keeps working", async () => {
    const bucket = await newBucket("lock");
    const wd = makeWorkDir("lock");
    const env = dspEnv(bucket, wd);
    const first = startDsp({ env });
    await first.waitFor((l) => l.msg === "dsp started", "first started");

    const second = await runDsp({ env, timeoutMs: 20_000 });
    expect(second.code).toBe(0);
    const line = second.lines.find((l) => String(l.msg).startsWith("another dsp run is active"));
    expect(line?.msg).toContain(`pid ${first.pid}`);
    expect(second.lines.some((l) => l.msg === "dsp started")).toBe(false);

    writeFileSync(join(wd.watch, "after.txt"), "still working");
    await first.waitFor((l) => l.msg === "uploaded" && l.file === "after.txt", "first still uploads");
    expect(await first.stop()).toBe(0);

    // Released by the kernel when the holder exits: the next run gets the lock.
    const third = startDsp({ env });
    await third.waitFor((l) => l.msg === "dsp started", "third started");
    expect(await third.stop()).toBe(0);
  });

  test("the lock is released when the holder is killed with SIGKILL", async () => {
    const bucket = await newBucket("lockkill");
    const wd = makeWorkDir("lockkill");
    const env = dspEnv(bucket, wd);
    const first = startDsp({ env });
    await first.waitFor((l) => l.msg === "dsp started", "first started");
    expect(await first.stop("SIGKILL")).not.toBe(0);
    const next = startDsp({ env });
    await next.waitFor((l) => l.msg === "dsp started", "next started after kill -9");
    expect(await next.stop()).toBe(0);
  });

  test("dsp status reports the active run and its pid, then that none is running", async () => {
    const bucket = await newBucket("status");
    const wd = makeWorkDir("status");
    const env = dspEnv(bucket, wd);
    const run = startDsp({ env });
    await run.waitFor((l) => l.msg === "dsp started", "started");

    const json = await runDsp({ env, args: ["status", "--json"] });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.output);
    expect(report).toMatchObject({ running: true, pid: run.pid, bucket: bucket.name, watchDir: wd.watch });
    const text = await runDsp({ env, args: ["status"] });
    expect(text.output).toContain(`dsp run: active (pid ${run.pid}`);

    expect(await run.stop()).toBe(0);
    const after = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output);
    expect(after.running).toBe(false);
    expect((await runDsp({ env, args: ["status"] })).output).toContain("dsp run: not running");
  });

  test("SIGTERM during a multipart upload: exit 0 after the grace period, upload aborted, nothing left", async () => {
    const bucket = await newBucket("sigterm");
    const wd = makeWorkDir("sigterm");
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    proxy.inject({ kind: "throttle", bytesPerSecond: 1 * MiB, times: Infinity, match: S3_OPERATIONS.uploadPart });
    const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_SHUTDOWN_GRACE: "1s", DSP_PART_SIZE: "5MiB" }) });
    await dsp.waitFor((l) => l.msg === "dsp started", "started");
    writeFileSync(join(wd.watch, "slow.bin"), payload(40 * MiB));
    await dsp.waitFor((l) => l.msg === "processing" && l.file === "slow.bin", "upload started");
    await proxy.waitForFault("throttle");

    expect(await dsp.stop("SIGTERM")).toBe(0);
    expect(dsp.lines.some((l) => l.msg === "grace period over: cancelling uploads in flight")).toBe(true);
    expect(dsp.lines.some((l) => l.msg === "multipart upload aborted" && l.file === "slow.bin")).toBe(true);
    expect(dsp.lines.some((l) => l.msg === "failed")).toBe(false);
    expect(await bucket.multipartUploads()).toEqual([]);
    expect(await bucket.keys()).toEqual([]);
    await proxy.stop();
  });

  test("SIGTERM lets a quick upload in flight finish within the grace period", async () => {
    const bucket = await newBucket("graceful");
    const wd = makeWorkDir("graceful");
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    proxy.inject({ kind: "throttle", bytesPerSecond: 4 * MiB, times: Infinity, match: S3_OPERATIONS.putObject });
    const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_SHUTDOWN_GRACE: "20s" }) });
    await dsp.waitFor((l) => l.msg === "dsp started", "started");
    writeFileSync(join(wd.watch, "medium.bin"), payload(6 * MiB)); // under the part size: one PutObject
    await dsp.waitFor((l) => l.msg === "processing" && l.file === "medium.bin", "upload started");
    await proxy.waitForFault("throttle");
    expect(await dsp.stop("SIGTERM")).toBe(0);
    expect(dsp.lines.some((l) => l.msg === "uploaded" && l.file === "medium.bin")).toBe(true);
    expect(await bucket.keys()).toEqual(["medium.bin"]);
    await proxy.stop();
  });

  test("a bucket that does not exist stops dsp with exit 1 and names DSP_S3_BUCKET", async () => {
    const bucket = await newBucket("nobucket");
    const wd = makeWorkDir("nobucket");
    const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_BUCKET: `missing-${bucket.name}`.slice(0, 63) }), args: ["run", "--once"] });
    expect(r.code).toBe(1);
    expect(r.output).toContain("does not exist (DSP_S3_BUCKET)");
  });

  test("SIGTERM while start-up waits for an unreachable S3 ends dsp at once with exit 0", async () => {
    const bucket = await newBucket("startstop");
    const wd = makeWorkDir("startstop");
    writeFileSync(join(wd.watch, "waiting.txt"), "never uploaded");
    const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: "http://127.0.0.1:1" }), args: ["run", "--once"] });
    await dsp.waitFor((l) => l.msg === "progress log created", "start-up under way");
    expect(await dsp.stop("SIGTERM")).toBe(0);
    expect(dsp.lines.some((l) => l.msg === "stopped during start-up, before any file was taken")).toBe(true);
  });

  test("--once processes what is present, waits for it, and exits; exit 3 when a file failed", async () => {
    const bucket = await newBucket("once");
    const wd = makeWorkDir("once");
    writeFileSync(join(wd.watch, "a.txt"), "a");
    writeFileSync(join(wd.watch, "b.txt"), "b");
    const ok = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(ok.code).toBe(0);
    expect(await bucket.keys()).toEqual(["a.txt", "b.txt"]);

    const empty = await runDsp({ env: dspEnv(bucket, makeWorkDir("once-empty")), args: ["run", "--once"] });
    expect(empty.code).toBe(0);
    const wd2 = makeWorkDir("once-fail2");
    writeFileSync(join(wd2.watch, "big.txt"), "more than one byte");
    const failed = await runDsp({ env: dspEnv(bucket, wd2, { DSP_MAX_FILE_SIZE: "4" }), args: ["run", "--once"] });
    expect(failed.code).toBe(3);
    const line = failed.lines.find((l) => l.msg === "failed");
    expect(line).toMatchObject({ file: "big.txt", error: "FILE_TOO_LARGE" });
  });
});
