import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { expectedEtag, normalizeEtag } from "../../../src/upload/part.ts";
import { MAX_PARTS, partSizeForKnownSize, partSizeForStream, streamCapacity } from "../../../src/upload/part-size.ts";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe("part size", () => {
  test("known sizes keep the configured part size while it fits in 10,000 parts", () => {
    expect(partSizeForKnownSize(8 * MiB, GiB)).toBe(8 * MiB);
    expect(partSizeForKnownSize(8 * MiB, 10_000 * 8 * MiB)).toBe(8 * MiB);
  });

  test("a 10 GiB, 100 GiB and 5 TiB file all stay within 10,000 parts", () => {
    for (const size of [10 * GiB, 100 * GiB, 5 * 1024 * GiB]) {
      const ps = partSizeForKnownSize(8 * MiB, size);
      expect(Math.ceil(size / ps)).toBeLessThanOrEqual(MAX_PARTS);
      expect(ps % MiB).toBe(0);
    }
  });

  test("streams start at the configured size and double every 1,000 parts", () => {
    expect(partSizeForStream(8 * MiB, 1)).toBe(8 * MiB);
    expect(partSizeForStream(8 * MiB, 1000)).toBe(8 * MiB);
    expect(partSizeForStream(8 * MiB, 1001)).toBe(16 * MiB);
    expect(partSizeForStream(8 * MiB, 2001)).toBe(32 * MiB);
  });

  test("a stream of unknown size can reach beyond 10 GiB (and 1 TiB) within 10,000 parts", () => {
    expect(streamCapacity(8 * MiB)).toBeGreaterThan(1024 * GiB);
    expect(streamCapacity(5 * MiB)).toBeGreaterThan(10 * GiB);
  });
});

describe("expected ETag", () => {
  const a = createHash("md5").update("a").digest();
  const b = createHash("md5").update("b").digest();
  test("single part: the MD5 of the bytes", () => expect(expectedEtag([a], false)).toBe(a.toString("hex")));
  test("multipart: MD5 of the binary part MD5s, dash, part count", () => {
    const want = createHash("md5").update(Buffer.concat([a, b])).digest("hex") + "-2";
    expect(expectedEtag([a, b], true)).toBe(want);
  });
  test("ETags from S3 are unquoted and lower-cased before comparing", () => {
    expect(normalizeEtag('"ABCDEF-3"')).toBe("abcdef-3");
    expect(normalizeEtag(undefined)).toBe("");
  });
});
