/**
 * User story 2 end to end with the binary: completed files are skipped after a restart without
 * touching S3; a crash during an upload leaves no orphan and the file goes up again from the
 * start; files already in S3 are recognised when the log is missing; progress is durable as soon as
 * a file is reported uploaded; the log rebuilt after corruption; modified files re-uploaded; failed
 * files moved to the error folder with their reason and tried again when dropped back.
 */
import { describe, expect, test } from "bun:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp, startDsp } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy } from "../harness/fault-proxy.ts";
import { settledViolations } from "../harness/invariants.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { md5hex, payload } from "../support/payload.ts";

const MiB = 1024 ** 2;
const errorDirOf = (wd: WorkDir) => join(wd.watch, ".dsp-errors");
const settle = (wd: WorkDir) => ({ watch: wd.watch, errorDir: errorDirOf(wd), stateDir: wd.state });

describe("US2: crash recovery and progress tracking", () => {
  test("scenario 1: after a restart, the 5 uploaded files are skipped without any S3 request; only the new one goes up", async () => {
    const bucket = await newBucket("us2s1");
    const wd = makeWorkDir("us2s1");
    for (let i = 1; i <= 5; i++) writeFileSync(join(wd.watch, `f${i}.txt`), `file ${i}`);
    expect((await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] })).code).toBe(0);

    writeFileSync(join(wd.watch, "new.txt"), "a new file");
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    const second = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url }), args: ["run", "--once"] });
    expect(second.code).toBe(0);
    const touched = proxy.stats.log.filter((r) => /\/f\d\.txt/.test(r.target));
    expect(touched).toEqual([]);
    expect(second.lines.filter((l) => l.msg === "uploaded").map((l) => l.file)).toEqual(["new.txt"]);
    expect(second.lines.find((l) => l.msg === "progress log replayed")?.entries).toBe(5);
    await proxy.stop();
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
  });

  test("scenario 2: killed during a multipart upload, the restart aborts the incomplete upload and uploads the file from the beginning", async () => {
    const bucket = await newBucket("us2s2");
    const wd = makeWorkDir("us2s2");
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    proxy.inject({ kind: "throttle", bytesPerSecond: 2 * MiB, times: Infinity, match: S3_OPERATIONS.uploadPart });
    const body = payload(30 * MiB, 7);
    writeFileSync(join(wd.watch, "big.bin"), body);
    const env = dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_PART_SIZE: "5MiB" });
    const first = startDsp({ env });
    await proxy.waitForFault("throttle", 2);
    await first.waitFor((l) => l.msg === "processing" && l.file === "big.bin", "upload started");
    expect(await first.stop("SIGKILL")).not.toBe(0);
    expect((await bucket.multipartUploads()).length).toBe(1);
    proxy.clear();

    const second = await runDsp({ env, args: ["run", "--once"] });
    expect(second.code).toBe(0);
    const aborted = second.lines.find((l) => l.msg === "aborted an unfinished multipart upload of the previous run");
    expect(aborted?.key).toBe("big.bin");
    const uploaded = second.lines.find((l) => l.msg === "uploaded" && l.file === "big.bin");
    expect(uploaded?.parts).toBe(6);
    expect(md5hex(await bucket.bytes("big.bin"))).toBe(md5hex(body));
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
    await proxy.stop();
  });

  test("scenario 3: with the progress log missing, files already in S3 are recorded as uploaded, not uploaded again", async () => {
    const bucket = await newBucket("us2s3");
    const wd = makeWorkDir("us2s3");
    for (let i = 1; i <= 4; i++) writeFileSync(join(wd.watch, `f${i}.txt`), `file ${i}`);
    writeFileSync(join(wd.watch, "big.bin"), payload(12 * MiB, 3));
    expect((await runDsp({ env: dspEnv(bucket, wd, { DSP_PART_SIZE: "5MiB" }), args: ["run", "--once"] })).code).toBe(0);
    // Objects another tool uploaded: one with the same bytes, one with other bytes, both without dsp's metadata.
    writeFileSync(join(wd.watch, "same.txt"), "identical content");
    writeFileSync(join(wd.watch, "other.txt"), "local content");
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "same.txt", Body: "identical content" }));
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "other.txt", Body: "remote content that differs" }));

    rmSync(wd.state, { recursive: true });
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    const again = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url }), args: ["run", "--once"] });
    expect(again.code).toBe(0);
    const writes = proxy.stats.log.filter((r) => r.method === "PUT" || r.method === "POST").map((r) => r.target.split("?")[0]!.split("/").pop());
    expect(writes).toEqual(["other.txt"]);
    const recognised = again.lines.filter((l) => l.msg === "already in S3: recorded as uploaded");
    expect(recognised.map((l) => `${l.file}:${l.matched_by}`).sort()).toEqual(
      ["big.bin:metadata", "f1.txt:metadata", "f2.txt:metadata", "f3.txt:metadata", "f4.txt:metadata", "same.txt:md5"].sort(),
    );
    expect(again.lines.some((l) => l.msg === "replacing an object dsp did not write, whose content differs" && l.file === "other.txt")).toBe(true);
    expect(again.lines.some((l) => l.msg === "no usable progress log: files are checked against S3 before upload")).toBe(true);
    await proxy.stop();
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);

    // And the rebuilt log is used from then on: a third run touches nothing.
    const third = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(third.lines.filter((l) => l.msg === "processing")).toEqual([]);
  });

  test("scenario 4: progress is durable the moment a file is reported uploaded (killed right after the record)", async () => {
    const bucket = await newBucket("us2s4");
    const wd = makeWorkDir("us2s4");
    writeFileSync(join(wd.watch, "a.txt"), "a");
    const killed = await runDsp({ env: { ...dspEnv(bucket, wd), DSP_FAILPOINT: "after-completed-record" }, args: ["run", "--once"] });
    expect(killed.code).not.toBe(0);
    expect(killed.lines.some((l) => l.msg === "uploaded")).toBe(false); // killed before it could say so
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    const again = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url }), args: ["run", "--once"] });
    expect(again.code).toBe(0);
    expect(again.lines.filter((l) => l.msg === "processing")).toEqual([]);
    expect(proxy.stats.log.filter((r) => r.target.includes("/a.txt"))).toEqual([]);
    await proxy.stop();
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
  });

  test("a corrupt progress log is moved aside, reported loudly, and rebuilt from S3", async () => {
    const bucket = await newBucket("us2corrupt");
    const wd = makeWorkDir("us2corrupt");
    for (let i = 1; i <= 3; i++) writeFileSync(join(wd.watch, `f${i}.txt`), `file ${i}`);
    expect((await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] })).code).toBe(0);
    const log = join(wd.state, "progress.log");
    const bytes = readFileSync(log);
    bytes[40]! ^= 0xff; // inside the first records, with valid ones after
    writeFileSync(log, bytes);
    const again = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(again.code).toBe(0);
    const loud = again.lines.find((l) => l.msg === "PROGRESS LOG CORRUPT: moved aside, rebuilding the state from S3");
    expect(loud?.level).toBe("ERROR");
    expect(readdirSync(wd.state).some((n) => n.startsWith("progress.log.corrupt-"))).toBe(true);
    expect(again.lines.filter((l) => l.msg === "already in S3: recorded as uploaded").length).toBe(3);
    expect(again.lines.filter((l) => l.msg === "uploaded")).toEqual([]);
  });

  test("a file modified while dsp was down is uploaded again and its object replaced", async () => {
    const bucket = await newBucket("us2mod");
    const wd = makeWorkDir("us2mod");
    writeFileSync(join(wd.watch, "report.txt"), "first version");
    writeFileSync(join(wd.watch, "touched.txt"), "same bytes");
    expect((await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] })).code).toBe(0);
    writeFileSync(join(wd.watch, "report.txt"), "second version, longer");
    utimesSync(join(wd.watch, "touched.txt"), new Date(), new Date(Date.now() + 5000)); // mtime only
    const again = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(again.lines.filter((l) => l.msg === "uploaded").map((l) => l.file).sort()).toEqual(["report.txt", "touched.txt"]);
    expect(new TextDecoder().decode(await bucket.bytes("report.txt"))).toBe("second version, longer");
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
  });

  test("a failed file goes to the error folder with a sidecar, shows in dsp status, and is tried again when dropped back", async () => {
    const bucket = await newBucket("us2err");
    const wd = makeWorkDir("us2err");
    writeFileSync(join(wd.watch, "ok.txt"), "fine");
    writeFileSync(join(wd.watch, "big.txt"), "x".repeat(100));
    const env = dspEnv(bucket, wd, { DSP_MAX_FILE_SIZE: "50" });
    const r = await runDsp({ env, args: ["run", "--once"] });
    expect(r.code).toBe(3);
    const errorDir = errorDirOf(wd);
    expect(existsSync(join(wd.watch, "big.txt"))).toBe(false);
    expect(readFileSync(join(errorDir, "big.txt"), "utf8")).toBe("x".repeat(100));
    const sidecar = JSON.parse(readFileSync(join(errorDir, "big.txt.error.json"), "utf8"));
    expect(sidecar).toMatchObject({ path: "big.txt", movedTo: "big.txt", error: { type: "FILE_TOO_LARGE" }, attempts: 1, size: 100 });
    expect(sidecar.error.details).toContain("DSP_MAX_FILE_SIZE");
    expect(Number.isNaN(Date.parse(sidecar.timestamp))).toBe(false);
    expect(r.lines.find((l) => l.msg === "failed")).toMatchObject({ file: "big.txt", error: "FILE_TOO_LARGE", moved_to: "big.txt" });

    const status = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output);
    expect(status.counts).toMatchObject({ completed: 1, failed: 1 });
    expect(status.lastFailures[0]).toMatchObject({ file: "big.txt", error: "FILE_TOO_LARGE", movedTo: "big.txt" });

    // Dropped back (smaller now): tried again, and the earlier failure in the error folder is kept.
    renameSync(join(errorDir, "big.txt"), join(wd.watch, "big.txt"));
    writeFileSync(join(wd.watch, "big.txt"), "small now");
    const retry = await runDsp({ env, args: ["run", "--once"] });
    expect(retry.code).toBe(0);
    expect(retry.lines.some((l) => l.msg === "uploaded" && l.file === "big.txt")).toBe(true);
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
  });

  test("dsp status shows the file in progress with its bytes while running, and the same after a kill -9", async () => {
    const bucket = await newBucket("us2status");
    const wd = makeWorkDir("us2status");
    const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
    proxy.inject({ kind: "throttle", bytesPerSecond: 2 * MiB, times: Infinity, match: S3_OPERATIONS.uploadPart });
    writeFileSync(join(wd.watch, "done.txt"), "already here");
    writeFileSync(join(wd.watch, "big.bin"), payload(30 * MiB, 3));
    const env = dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_PART_SIZE: "5MiB", DSP_MAX_CONCURRENT_UPLOADS: "1" });
    const dsp = startDsp({ env });
    await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "done.txt", "done.txt uploaded");
    // Two parts done: the first part's progress record was appended while the second one went up.
    await dsp.waitFor((l) => l.msg === "part uploaded" && l.file === "big.bin" && l.part === 2, "second part of big.bin");

    const live = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output);
    expect(live).toMatchObject({ running: true, pid: dsp.pid, counts: { completed: 1, "in-progress": 1 } });
    expect(live.inProgress).toHaveLength(1);
    expect(live.inProgress[0]).toMatchObject({ file: "big.bin", step: "uploading", size: 30 * MiB });
    expect(live.inProgress[0].bytesDone).toBeGreaterThanOrEqual(5 * MiB);
    expect(Number.isNaN(Date.parse(live.lastActivity))).toBe(false);
    expect(live.logBytes).toBeGreaterThan(0);
    const text = (await runDsp({ env, args: ["status"] })).output;
    expect(text).toContain(`dsp run: active (pid ${dsp.pid}`);
    expect(text).toMatch(/big\.bin\s+uploading \d/);

    expect(await dsp.stop("SIGKILL")).not.toBe(0);
    const dead = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output);
    expect(dead).toMatchObject({ running: false, counts: { completed: 1, "in-progress": 1 } });
    expect(dead.inProgress[0].file).toBe("big.bin");
    expect(dead.inProgress[0].bytesDone).toBeGreaterThanOrEqual(live.inProgress[0].bytesDone);
    expect((await runDsp({ env, args: ["status"] })).output).toContain("dsp run: not running");

    proxy.clear();
    expect((await runDsp({ env, args: ["run", "--once"] })).code).toBe(0);
    const after = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output);
    expect(after).toMatchObject({ running: false, counts: { completed: 2, "in-progress": 0 }, inProgress: [] });
    await proxy.stop();
    expect(await settledViolations(bucket, settle(wd))).toEqual([]);
  });

  test("an error folder on another filesystem is refused at start with exit code 2", async () => {
    const bucket = await newBucket("us2xdev");
    const wd = makeWorkDir("us2xdev");
    const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_ERROR_DIR: `/dev/shm/dsp-test-errors-${process.pid}` }), args: ["run", "--once"] });
    rmSync(`/dev/shm/dsp-test-errors-${process.pid}`, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.output).toContain("DSP_ERROR_DIR");
    expect(r.output).toContain("another filesystem");
  });
});
