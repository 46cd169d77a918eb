import { describe, expect, test } from "bun:test";
import { writeMagnitude, writeMulAdd, writeSafeInt } from "../../../../src/convert/infer/int64-words.ts";
import { prng } from "./helpers.ts";

const big = new BigInt64Array(3);
const words = new Int32Array(big.buffer);

describe("int64 words", () => {
  test("writeSafeInt stores every integer within 2^53 exactly", () => {
    for (const n of [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, 2 ** 53, -(2 ** 53), 123456789012345]) {
      writeSafeInt(words, 1, n);
      expect(big[1]).toBe(BigInt(n));
    }
    expect(big[0]).toBe(0n);
    expect(big[2]).toBe(0n);
  });

  test("writeMagnitude covers the INT64 extremes", () => {
    writeMagnitude(words, 0, 2 ** 31 - 1, 2 ** 32 - 1, false);
    expect(big[0]).toBe(2n ** 63n - 1n);
    writeMagnitude(words, 0, 2 ** 31, 0, true);
    expect(big[0]).toBe(-(2n ** 63n));
    writeMagnitude(words, 0, 5, 0, true);
    expect(big[0]).toBe(-5n * 2n ** 32n);
    writeMagnitude(words, 0, 0, 1, true);
    expect(big[0]).toBe(-1n);
  });

  test("writeMulAdd is exact on both sides of 2^53 (random seconds over years 1..9999)", () => {
    const seed = (Math.random() * 2 ** 32) >>> 0;
    const rand = prng(seed);
    const cases: [number, number][] = [
      [253402300799, 999999], // 9999-12-31T23:59:59.999999
      [-62135596800, 0], // 0001-01-01
      [-62135596800 - 86399, 1],
      [9007199254, 740992], // product + add crosses 2^53
      [-9007199254, 0],
      [0, 0],
      [-1, 999999],
    ];
    for (let i = 0; i < 10000; i++) cases.push([Math.floor((rand() - 0.5) * 2 * 2 ** 38), Math.floor(rand() * 1e6)]);
    for (const [s, us] of cases) {
      writeMulAdd(words, 2, s, 1_000_000, us);
      if (big[2] !== BigInt(s) * 1_000_000n + BigInt(us)) throw new Error(`seed ${seed}: ${s} s + ${us} µs gave ${big[2]}`);
    }
  });
});
