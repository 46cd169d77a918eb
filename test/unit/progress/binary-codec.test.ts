/**
 * The payload codec's fast paths (varints read as numbers, ASCII strings sliced natively) must
 * read exactly what the writer wrote at every boundary, and still refuse what is damaged.
 */
import { describe, expect, test } from "bun:test";
import { ByteReader, ByteWriter, CodecError } from "../../../src/progress/binary-codec.ts";

describe("binary codec", () => {
  test("bigint varints round-trip at every 7-bit boundary up to 2^64 - 1", () => {
    const values: bigint[] = [0n, 1n, 127n, 128n];
    for (let bits = 7n; bits <= 64n; bits += 7n) values.push((1n << bits) - 1n, 1n << bits, (1n << bits) + 1n);
    values.push((1n << 49n) - 1n, 1n << 49n, (1n << 63n) + 12345n, (1n << 64n) - 1n, 1_798_765_432_123_456_789n);
    const fits = values.filter((v) => v < 1n << 64n);
    const w = new ByteWriter();
    for (const v of fits) w.big(v);
    const r = new ByteReader(w.finish());
    expect(fits.map(() => r.big())).toEqual(fits);
    expect(r.done).toBe(true);
  });

  test("number varints round-trip up to 2^53 - 1 and refuse anything larger", () => {
    const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 + 7, 2 ** 49, Number.MAX_SAFE_INTEGER];
    const w = new ByteWriter();
    for (const v of values) w.uint(v);
    const r = new ByteReader(w.finish());
    expect(values.map(() => r.uint())).toEqual(values);
    for (const big of [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      expect(() => new ByteReader(new ByteWriter().big(big).finish()).uint()).toThrow(CodecError);
    }
  });

  test("a varint longer than 10 bytes or cut short is refused", () => {
    expect(() => new ByteReader(new Uint8Array(11).fill(0x80)).big()).toThrow(CodecError);
    expect(() => new ByteReader(new Uint8Array(11).fill(0x80)).uint()).toThrow(CodecError);
    expect(() => new ByteReader(new Uint8Array([0x80, 0x80])).big()).toThrow(CodecError);
  });

  test("ASCII, non-ASCII and empty strings round-trip; skipping steps over exactly one", () => {
    const strings = ["", "a/b/report.csv", "données/été/Ünïcödé.txt", "日本語/ファイル.json", "x".repeat(5000), "emoji 🎉/ok"];
    const w = new ByteWriter();
    for (const s of strings) w.str(s);
    w.str("after");
    const bytes = w.finish();
    const r = new ByteReader(bytes);
    expect(strings.map(() => r.str())).toEqual(strings);
    const skipper = new ByteReader(bytes);
    for (const _ of strings) skipper.skipStr();
    expect(skipper.str()).toBe("after");
  });

  test("invalid UTF-8 is refused, and a string running past the end is refused", () => {
    expect(() => new ByteReader(new Uint8Array([2, 0xc3, 0x28])).str()).toThrow(CodecError);
    expect(() => new ByteReader(new Uint8Array([5, 0x61, 0x62])).str()).toThrow(CodecError);
    expect(() => new ByteReader(new Uint8Array([5, 0x61, 0x62])).skipStr()).toThrow(CodecError);
  });

  test("a reader over a window of a larger buffer reads only its window", () => {
    const inner = new ByteWriter().str("inside").uint(42).finish();
    const outer = new Uint8Array(inner.length + 6);
    outer.set([9, 9, 9], 0);
    outer.set(inner, 3);
    outer.set([9, 9, 9], 3 + inner.length);
    const r = new ByteReader(outer, 3, 3 + inner.length);
    expect(r.str()).toBe("inside");
    expect(r.uint()).toBe(42);
    expect(r.done).toBe(true);
  });
});
