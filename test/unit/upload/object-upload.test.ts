/**
 * The S3 sink against an in-process fake with injected faults: which requests are sent, that
 * failures abort the multipart upload after in-flight parts settle, that ETag mismatches fail,
 * and that every pulled part is released. The same paths run against a real server in
 * test/integration.
 */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { isDspError } from "../../../src/errors.ts";
import { rejection } from "../../support/rejection.ts";
import { uploadObject } from "../../../src/upload/object-upload.ts";
import type { Part, PartSource } from "../../../src/upload/part.ts";
import { S3Health } from "../../../src/upload/s3-health.ts";
import { FakeS3, networkError, s3Error } from "../../support/fake-s3.ts";
import { testUploadDeps } from "../../support/upload-env.ts";

const spec = { key: "a/b.bin", contentType: "application/octet-stream", metadata: { "dsp-source": "a%2Fb.bin" }, file: "a/b.bin" };

/** Parts from byte arrays, counting releases. */
function partsOf(chunks: Uint8Array[]): { source: PartSource; released: () => number; pulled: () => number } {
  let released = 0;
  let pulled = 0;
  async function* gen(): PartSource {
    for (let i = 0; i < chunks.length; i++) {
      pulled++;
      const body = chunks[i]!;
      const part: Part = {
        body,
        size: body.length,
        md5: createHash("md5").update(body).digest(),
        last: i === chunks.length - 1,
        release: () => void released++,
      };
      yield part;
    }
  }
  return { source: gen(), released: () => released, pulled: () => pulled };
}

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

describe("uploadObject", () => {
  test("one part goes up with a single PutObject carrying Content-MD5, type and metadata", async () => {
    const s3 = new FakeS3();
    const { deps } = testUploadDeps(s3);
    const p = partsOf([fill(10, 1)]);
    const r = await uploadObject(deps, spec, p.source);
    expect(s3.calls.map((c) => c.name)).toEqual(["PutObject"]);
    expect(s3.calls[0]!.input.md5).toBe(createHash("md5").update(fill(10, 1)).digest("base64"));
    expect(s3.objects.get("a/b.bin")!.metadata).toEqual(spec.metadata);
    expect(r).toMatchObject({ parts: 1, size: 10, uploadId: undefined });
    expect(p.released()).toBe(1);
  });

  test("several parts: multipart, upload id reported before any part, verified by HeadObject", async () => {
    const s3 = new FakeS3();
    const { deps } = testUploadDeps(s3);
    const p = partsOf([fill(100, 1), fill(100, 2), fill(7, 3)]);
    const seen: string[] = [];
    const r = await uploadObject(deps, spec, p.source, {
      onMultipartStarted: async (id) => {
        seen.push(`started ${id} after ${s3.count("UploadPart")} parts`);
      },
    });
    expect(seen).toEqual(["started upload-1 after 0 parts"]);
    const names = s3.calls.map((c) => c.name);
    expect(names[0]).toBe("CreateMultipartUpload");
    expect(names.filter((n) => n === "UploadPart").length).toBe(3);
    expect(names.slice(-2)).toEqual(["CompleteMultipartUpload", "HeadObject"]);
    expect(r.etag).toMatch(/-3$/);
    expect(Buffer.from(s3.objects.get("a/b.bin")!.body)).toEqual(Buffer.concat([fill(100, 1), fill(100, 2), fill(7, 3)]));
    expect(p.released()).toBe(3);
  });

  test("a transient 503 on a part is retried with backoff and the upload succeeds", async () => {
    const s3 = new FakeS3().fail((name, input) => (name === "UploadPart" && input.partNumber === 2 && s3.count("UploadPart") <= 3 ? s3Error(503, "SlowDown") : undefined));
    const { deps, captured } = testUploadDeps(s3);
    await uploadObject(deps, spec, partsOf([fill(100, 1), fill(100, 2), fill(1, 3)]).source);
    expect(s3.objects.has("a/b.bin")).toBe(true);
    expect(captured.lines.some((l) => l.msg === "S3 request failed, retrying" && l.request === "UploadPart 2")).toBe(true);
    expect(captured.sleeps.length).toBeGreaterThan(0);
  });

  test("a permanent error on a part aborts the multipart upload after the other parts settle", async () => {
    const s3 = new FakeS3().fail((name, input) => (name === "UploadPart" && input.partNumber === 2 ? s3Error(403, "AccessDenied") : undefined));
    const { deps } = testUploadDeps(s3);
    const p = partsOf([fill(100, 1), fill(100, 2), fill(100, 3), fill(100, 4), fill(1, 5)]);
    const err = await rejection(uploadObject(deps, spec, p.source));
    expect(isDspError(err, "S3_PERMANENT")).toBe(true);
    expect(err.message).toContain("UploadPart 2");
    expect(s3.count("AbortMultipartUpload")).toBe(1);
    expect(s3.uploads.size).toBe(0);
    expect(s3.count("CompleteMultipartUpload")).toBe(0);
    // Every part pulled was released, and pulling stopped early.
    expect(p.released()).toBe(p.pulled());
    expect(p.pulled()).toBeLessThan(5);
    // Abort came after every UploadPart had settled.
    const abortAt = s3.calls.findIndex((c) => c.name === "AbortMultipartUpload");
    expect(s3.calls.slice(abortAt + 1).some((c) => c.name === "UploadPart")).toBe(false);
  });

  test("retries exhausted: the file fails with the attempt count, the upload is aborted", async () => {
    const s3 = new FakeS3().fail((name) => (name === "UploadPart" ? s3Error(500, "InternalError") : undefined));
    const { deps } = testUploadDeps(s3, { retries: 2 });
    const err = await rejection(uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source));
    expect(isDspError(err, "S3_TRANSIENT")).toBe(true);
    expect(err.context.attempts).toBe(3);
    expect(s3.count("AbortMultipartUpload")).toBe(1);
  });

  test("an ETag that does not match the computed one is INTEGRITY_MISMATCH and the object is removed", async () => {
    const s3 = new FakeS3();
    s3.lieAboutEtag = "0123456789abcdef0123456789abcdef-2";
    const { deps } = testUploadDeps(s3);
    const err = await rejection(uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source));
    expect(isDspError(err, "INTEGRITY_MISMATCH")).toBe(true);
    expect(err.message).toContain("0123456789abcdef0123456789abcdef-2");
    expect(s3.objects.has("a/b.bin")).toBe(false);
  });

  test("a bad single-part ETag from PutObject fails too", async () => {
    const s3 = new FakeS3();
    s3.around = async (name, run) => {
      const out = await run();
      return name === "PutObject" ? { etag: '"ffffffffffffffffffffffffffffffff"' } : out;
    };
    const { deps } = testUploadDeps(s3);
    const err = await rejection(uploadObject(deps, spec, partsOf([fill(10, 1)]).source));
    expect(isDspError(err, "INTEGRITY_MISMATCH")).toBe(true);
  });

  test("parts in flight per object never exceed the limit", async () => {
    const s3 = new FakeS3();
    let inFlight = 0;
    let peak = 0;
    s3.around = async (name, run) => {
      const isPart = name === "UploadPart";
      if (isPart) peak = Math.max(peak, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 1));
        return await run();
      } finally {
        if (isPart) inFlight--;
      }
    };
    const { deps } = testUploadDeps(s3, { partsInFlight: 2 });
    await uploadObject(deps, spec, partsOf(Array.from({ length: 9 }, (_, i) => fill(10, i))).source);
    expect(peak).toBe(2);
  });

  test("while the store is unreachable, requests wait at the health gate and do not use up attempts", async () => {
    let down = true;
    let probes = 0;
    const s3 = new FakeS3().fail((name) => (down && name === "UploadPart" ? networkError("ECONNREFUSED") : undefined));
    const { deps, captured } = testUploadDeps(s3, { retries: 0 });
    deps.retry.health = new S3Health({
      probe: async () => {
        if (++probes < 4) throw networkError("ECONNREFUSED");
        down = false;
      },
      log: deps.log,
      sleep: deps.retry.sleep,
      now: () => 0,
      signal: deps.retry.signal,
    });
    await uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source);
    expect(probes).toBe(4);
    expect(s3.objects.has("a/b.bin")).toBe(true);
    expect(captured.lines.some((l) => l.msg === "S3 unreachable: pausing uploads and probing until it answers")).toBe(true);
    expect(captured.lines.some((l) => l.msg === "S3 reachable again: resuming uploads")).toBe(true);
  });
});

describe("uploadObject: lost answers", () => {
  test("a CompleteMultipartUpload whose answer was lost is not a failure: the retry's NoSuchUpload is checked by HeadObject", async () => {
    const s3 = new FakeS3();
    let completes = 0;
    s3.around = async (name, run) => {
      const out = await run();
      if (name === "CompleteMultipartUpload" && ++completes === 1) {
        // The store completed the upload, but the answer is lost.
        throw new Error("socket closed before the answer");
      }
      return out;
    };
    const { deps } = testUploadDeps(s3);
    const r = await uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source);
    expect(completes).toBe(1);
    expect(s3.count("CompleteMultipartUpload")).toBe(2);
    expect(r.etag).toMatch(/-2$/);
    expect(s3.count("AbortMultipartUpload")).toBe(0);
  });

  /** A store that makes the upload on the first CreateMultipartUpload but loses its answer. */
  function losingFirstCreate(): FakeS3 {
    const s3 = new FakeS3();
    let creates = 0;
    s3.around = async (name, run) => {
      const out = await run();
      if (name === "CreateMultipartUpload" && ++creates === 1) throw new Error("socket closed before the answer");
      return out;
    };
    return s3;
  }

  test("a CreateMultipartUpload whose answer was lost leaves no upload behind: the one the store made is aborted once the object is done", async () => {
    const s3 = losingFirstCreate();
    const other = "other/key.bin";
    s3.uploads.set("upload-foreign", { key: other, parts: new Map(), contentType: "x", metadata: {} }); // not this object's key: untouched
    const { deps } = testUploadDeps(s3);
    const r = await uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source);
    expect(r.uploadId).toBe("upload-2");
    expect(s3.count("CreateMultipartUpload")).toBe(2);
    expect(s3.calls.filter((c) => c.name === "AbortMultipartUpload").map((c) => c.input.uploadId)).toEqual(["upload-1"]);
    expect([...s3.uploads.keys()]).toEqual(["upload-foreign"]);
    expect(s3.objects.has(spec.key)).toBe(true);
  });

  test("one CreateMultipartUpload: no listing at all", async () => {
    const s3 = new FakeS3();
    const { deps } = testUploadDeps(s3);
    await uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source);
    expect(s3.count("ListMultipartUploads")).toBe(0);
  });

  test("the stray upload is aborted when the object fails too", async () => {
    const s3 = losingFirstCreate().fail((name) => (name === "UploadPart" ? s3Error(403, "AccessDenied") : undefined));
    const { deps } = testUploadDeps(s3);
    const err = await rejection(uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source));
    expect(isDspError(err, "S3_PERMANENT")).toBe(true);
    expect(s3.uploads.size).toBe(0);
  });

  test("a listing that fails is logged with its reason and does not fail an object that is complete and verified", async () => {
    const s3 = losingFirstCreate().fail((name) => (name === "ListMultipartUploads" ? s3Error(403, "AccessDenied") : undefined));
    const { deps, captured } = testUploadDeps(s3);
    const r = await uploadObject(deps, spec, partsOf([fill(10, 1), fill(10, 2)]).source);
    expect(r.parts).toBe(2);
    const logged = captured.lines.find((l) => l.msg === "could not look for multipart uploads left by a retried CreateMultipartUpload");
    expect(logged).toMatchObject({ level: "ERROR", key: spec.key });
    expect(String(logged!.details)).toContain("AccessDenied");
  });
});

