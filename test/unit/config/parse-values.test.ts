import { describe, expect, test } from "bun:test";
import {
  parseBoolean,
  parseBucketName,
  parseDuration,
  parseHttpUrl,
  parseKeyPrefix,
  parseSize,
  ValueError,
} from "../../../src/config/parse-values.ts";

describe("parseSize", () => {
  test.each([
    ["8MiB", 8 * 1024 ** 2],
    ["8M", 8 * 1024 ** 2],
    ["8MB", 8_000_000],
    ["512KiB", 512 * 1024],
    ["1.5GiB", 1.5 * 1024 ** 3],
    ["1048576", 1048576],
    [" 2 gb ", 2e9],
    ["5TiB", 5 * 1024 ** 4],
  ])("%s", (text, bytes) => expect(parseSize(text)).toBe(bytes));

  test.each(["", "MiB", "-1MiB", "8 parsecs", "1e3", "8MiBs"])("rejects %p with an example of the format", (text) => {
    expect(() => parseSize(text)).toThrow(/expected a size such as 8MiB/);
  });
});

describe("parseDuration", () => {
  test.each([
    ["500ms", 500],
    ["5s", 5000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["3", 3000],
    ["1.5s", 1500],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(["", "soon", "5 days", "-5s"])("rejects %p", (text) => {
    expect(() => parseDuration(text)).toThrow(ValueError);
  });
});

describe("parseBoolean", () => {
  test("accepts the usual spellings", () => {
    for (const t of ["true", "TRUE", "yes", "on", "1"]) expect(parseBoolean(t)).toBe(true);
    for (const t of ["false", "No", "off", "0"]) expect(parseBoolean(t)).toBe(false);
  });
  test("rejects anything else", () => expect(() => parseBoolean("maybe")).toThrow(/expected true or false/));
});

describe("parseBucketName", () => {
  test("accepts DNS-style names", () => {
    for (const b of ["abc", "my-bucket.2026", "a".repeat(63)]) expect(parseBucketName(b)).toBe(b);
  });
  test.each([
    ["ab", /3 to 63/],
    ["a".repeat(64), /3 to 63/],
    ["My_Bucket", /lowercase/],
    ["-abc", /starts and ends/],
    ["a..b", /\.\./],
    ["192.168.1.1", /IP address/],
  ])("rejects %p", (b, why) => expect(() => parseBucketName(b)).toThrow(why));
});

describe("parseHttpUrl", () => {
  test("normalises a trailing slash away", () => expect(parseHttpUrl("http://127.0.0.1:9000/")).toBe("http://127.0.0.1:9000"));
  test.each(["ftp://x", "localhost:9000", "http://x/?a=1"])("rejects %p", (u) => expect(() => parseHttpUrl(u)).toThrow(ValueError));
});

describe("parseKeyPrefix", () => {
  test("is a folder: trailing slash added, empty stays empty", () => {
    expect(parseKeyPrefix("site-7/incoming")).toBe("site-7/incoming/");
    expect(parseKeyPrefix("site-7/")).toBe("site-7/");
    expect(parseKeyPrefix("")).toBe("");
  });
  test.each(["/abs", "a//b", "a/../b", "./a"])("rejects %p", (p) => expect(() => parseKeyPrefix(p)).toThrow(ValueError));
});
