/**
 * User story 1 end to end with the compiled binary and a real S3 server: a file copied into the
 * watched folder appears at the same relative key; a file still being written is not uploaded
 * before it is complete; a successful upload is logged with timestamp, path, key, size, duration.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess, type LogLine } from "../harness/dsp-process.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";

const uploaded = (file: string) => (l: LogLine) => l.msg === "uploaded" && l.file === file;

describe("US1: basic upload", () => {
  let bucket: TestBucket;
  let wd: WorkDir;
  let dsp: DspProcess;

  beforeAll(async () => {
    bucket = await newBucket("us1");
    wd = makeWorkDir("us1");
    dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_STABILITY_WINDOW: "1s" }) });
    await dsp.waitFor((l) => l.msg === "dsp started", "start");
  });

  afterAll(async () => {
    expect(await dsp.stop()).toBe(0);
  });

  test("scenario 1: a copied file appears in S3 at the same path with its bytes, type and source metadata", async () => {
    const body = Buffer.from("%PDF-1.7\n" + "report ".repeat(1000));
    mkdirSync(join(wd.watch, "documents"), { recursive: true });
    writeFileSync(join(wd.watch, "documents/report.pdf"), body);
    await dsp.waitFor(uploaded("documents/report.pdf"), "report.pdf uploaded");

    expect(await bucket.keys()).toEqual(["documents/report.pdf"]);
    expect(Buffer.from(await bucket.bytes("documents/report.pdf")).equals(body)).toBe(true);
    const head = await bucket.head("documents/report.pdf");
    expect(head.contentType).toBe("application/pdf");
    expect(head.etag).toBe(createHash("md5").update(body).digest("hex"));
    expect(decodeURIComponent(head.metadata["dsp-source"]!)).toBe("documents/report.pdf");
    expect(head.metadata["dsp-source-size"]).toBe(String(body.length));
    expect(head.metadata["dsp-source-mtime-ns"]).toMatch(/^\d+$/);
  });

  test("scenario 2: a file written slowly, with pauses shorter than the window, is uploaded once, complete", async () => {
    const path = join(wd.watch, "slow/growing.log");
    mkdirSync(join(wd.watch, "slow"), { recursive: true });
    const chunks: Buffer[] = [];
    writeFileSync(path, "");
    // Pauses of 400 ms against a 1 s window: the file must not be seen as complete in between.
    for (let i = 0; i < 8; i++) {
      const chunk = Buffer.from(`line ${i} ${"x".repeat(5000)}\n`);
      chunks.push(chunk);
      appendFileSync(path, chunk);
      await Bun.sleep(400);
    }
    const finishedAt = Date.now();
    const done = await dsp.waitFor(uploaded("slow/growing.log"), "growing.log uploaded");

    const full = Buffer.concat(chunks);
    expect(done.size).toBe(full.length);
    expect(Buffer.from(await bucket.bytes("slow/growing.log")).equals(full)).toBe(true);
    const processing = dsp.lines.filter((l) => l.msg === "processing" && l.file === "slow/growing.log");
    expect(processing.length).toBe(1);
    expect(Date.parse(processing[0]!.ts)).toBeGreaterThanOrEqual(finishedAt);
  });

  test("scenario 3: the success is logged with timestamp, level, path, key, size and duration", async () => {
    writeFileSync(join(wd.watch, "note.txt"), "hello");
    const line = await dsp.waitFor(uploaded("note.txt"), "note.txt uploaded");
    expect(Number.isNaN(Date.parse(line.ts))).toBe(false);
    expect(line.level).toBe("INFO");
    expect(line.key).toBe("note.txt");
    expect(line.size).toBe(5);
    expect(typeof line.duration_ms).toBe("number");
    const detected = dsp.lines.find((l) => l.msg === "detected" && l.file === "note.txt");
    const started = dsp.lines.find((l) => l.msg === "processing" && l.file === "note.txt");
    expect(detected).toBeDefined();
    expect(started).toBeDefined();
  });
});

describe("FR-008: order", () => {
  test("files are processed in the order they became ready", async () => {
    const bucket = await newBucket("order");
    const wd = makeWorkDir("order");
    const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_PARALLEL_FILES: "1", DSP_STABILITY_WINDOW: "500ms" }) });
    await dsp.waitFor((l) => l.msg === "dsp started", "start");
    const names = ["c-first.txt", "a-second.txt", "d-third.txt", "b-fourth.txt"];
    for (const n of names) {
      writeFileSync(join(wd.watch, n), n);
      await dsp.waitFor((l) => l.msg === "detected" && l.file === n, `${n} detected`);
    }
    await dsp.waitForCount((l) => l.msg === "uploaded", names.length, "all uploaded");
    expect(dsp.lines.filter((l) => l.msg === "processing").map((l) => l.file)).toEqual(names);
    expect(await dsp.stop()).toBe(0);
  });
});
