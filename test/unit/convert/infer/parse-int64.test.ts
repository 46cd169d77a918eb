import { describe, expect, test } from "bun:test";
import { INT_BIG, INT_SAFE, NOT_INT, parseInt64 } from "../../../../src/convert/infer/parse-int64.ts";
import { range, slot } from "./helpers.ts";

function parse(text: string): { result: number; value: bigint } {
  const s = slot();
  const [buf, start, end] = range(text);
  const result = parseInt64(buf, start, end, s.words, 0);
  return { result, value: s.value() };
}

describe("parseInt64", () => {
  test.each([
    ["0", 0n, INT_SAFE],
    ["7", 7n, INT_SAFE],
    ["-7", -7n, INT_SAFE],
    ["4294967295", 4294967295n, INT_SAFE],
    ["4294967296", 4294967296n, INT_SAFE],
    ["-4294967296", -4294967296n, INT_SAFE],
    ["-4294967297", -4294967297n, INT_SAFE],
    ["999999999999999", 999999999999999n, INT_SAFE], // 15 digits: single-double path
    ["1000000000000000", 1000000000000000n, INT_SAFE], // 16 digits: limb path
    ["9007199254740992", 9007199254740992n, INT_SAFE], // 2^53
    ["-9007199254740992", -9007199254740992n, INT_SAFE],
    ["9007199254740993", 9007199254740993n, INT_BIG], // 2^53 + 1
    ["-9007199254740993", -9007199254740993n, INT_BIG],
    ["9223372036854775807", 9223372036854775807n, INT_BIG], // INT64 max
    ["-9223372036854775808", -9223372036854775808n, INT_BIG], // INT64 min
    ["9223372036854775806", 9223372036854775806n, INT_BIG],
    ["-9223372036854775807", -9223372036854775807n, INT_BIG],
    ["1234567890123456789", 1234567890123456789n, INT_BIG],
  ] as const)("%s is INT64", (text, value, kind) => {
    const r = parse(text);
    expect(r.result).toBe(kind);
    expect(r.value).toBe(value);
    expect(String(r.value)).toBe(text); // byte-identical regeneration
  });

  test.each([
    ["9223372036854775808", "max + 1"],
    ["-9223372036854775809", "min - 1"],
    ["9999999999999999999", "19 digits beyond max"],
    ["12345678901234567890", "20 digits"],
    ["12345678901234567890123", "23 digits"],
    ["007", "leading zeros (zip codes)"],
    ["00", "leading zero"],
    ["-07", "negative leading zero"],
    ["-0", "would print as 0"],
    ["+5", "plus sign would be dropped"],
    ["-", "sign only"],
    ["", "empty"],
    [" 5", "leading space"],
    ["5 ", "trailing space"],
    ["1_000", "separator"],
    ["1,000", "thousands separator"],
    ["12a", "letter"],
    ["1.0", "decimal"],
    ["1e3", "exponent"],
    ["--5", "double sign"],
    ["٣", "non-ASCII digit"],
    ["123456789012345/", "byte below '0' in the 16-digit path"],
    ["1234567890123456:", "byte above '9' in the limb path"],
  ])("%p is not INT64 (%s)", (text) => {
    const s = slot();
    s.words[0] = 0x5a5a;
    const [buf, start, end] = range(text);
    expect(parseInt64(buf, start, end, s.words, 0)).toBe(NOT_INT);
    expect(s.words[0]).toBe(0x5a5a); // nothing stored on rejection
  });

  test("writes at the requested slot only", () => {
    const big = new BigInt64Array(4);
    const words = new Int32Array(big.buffer);
    const [buf, start, end] = range("-123456789012345678");
    expect(parseInt64(buf, start, end, words, 2)).toBe(INT_BIG);
    expect([...big]).toEqual([0n, 0n, -123456789012345678n, 0n]);
  });

  test("parses a range inside a longer buffer, not the whole buffer", () => {
    const buf = new TextEncoder().encode("12345,678");
    const s = slot();
    expect(parseInt64(buf, 6, 9, s.words, 0)).toBe(INT_SAFE);
    expect(s.value()).toBe(678n);
    expect(parseInt64(buf, 0, 5, s.words, 0)).toBe(INT_SAFE);
    expect(s.value()).toBe(12345n);
  });
});
