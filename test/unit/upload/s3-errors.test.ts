import { describe, expect, test } from "bun:test";
import { classifyS3Error } from "../../../src/upload/s3-errors.ts";
import { networkError, s3Error } from "../../support/fake-s3.ts";

describe("classifyS3Error", () => {
  test.each([
    [s3Error(503, "SlowDown"), "transient"],
    [s3Error(500, "InternalError"), "transient"],
    [s3Error(429, "TooManyRequests"), "transient"],
    [s3Error(400, "RequestTimeout"), "transient"],
    [s3Error(400, "BadDigest"), "transient"],
    [s3Error(502, "BadGateway"), "transient"],
    [s3Error(403, "AccessDenied"), "permanent"],
    [s3Error(403, "SignatureDoesNotMatch"), "permanent"],
    [s3Error(404, "NoSuchBucket"), "permanent"],
    [s3Error(404, "NoSuchUpload"), "permanent"],
    [s3Error(400, "EntityTooSmall"), "permanent"],
    [networkError("ECONNREFUSED"), "unreachable"],
    [networkError("ECONNRESET"), "unreachable"],
    [networkError("ENOTFOUND"), "unreachable"],
    [new Error("socket closed mid-body"), "transient"],
  ] as const)("%p is %s", (err, kind) => {
    expect(classifyS3Error(err, false, false)).toBe(kind);
  });

  test("an abort is a hang when dsp's timeout fired, a cancel otherwise", () => {
    const abort = Object.assign(new Error("Request aborted"), { name: "AbortError" });
    expect(classifyS3Error(abort, true, false)).toBe("unreachable");
    expect(classifyS3Error(abort, false, false)).toBe("aborted");
    expect(classifyS3Error(s3Error(503, "SlowDown"), false, true)).toBe("aborted");
  });
});
