import { describe, expect, test } from "bun:test";
import { crc32c } from "../../../src/progress/crc32c.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("crc32c", () => {
  // Check values from RFC 3720 (iSCSI) appendix B.4 and the standard "123456789" check value.
  test("standard check value", () => expect(crc32c(enc("123456789"))).toBe(0xe3069283));
  test("32 bytes of zeros", () => expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa));
  test("32 bytes of 0xff", () => expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43));
  test("32 incrementing bytes", () => expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e));
  test("32 decrementing bytes", () => expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c));
  test("empty input", () => expect(crc32c(new Uint8Array(0))).toBe(0));

  test("a range and a continued checksum equal the checksum of the whole", () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const whole = crc32c(data);
    expect(crc32c(data, 0, 1000)).toBe(whole);
    expect(crc32c(data, 333, 1000, crc32c(data, 0, 333))).toBe(whole);
    const padded = new Uint8Array(1010);
    padded.set(data, 5);
    expect(crc32c(padded, 5, 1005)).toBe(whole);
  });

  test("every single-bit flip changes the checksum", () => {
    const data = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    const base = crc32c(data);
    for (let bit = 0; bit < 64 * 8; bit++) {
      data[bit >> 3]! ^= 1 << (bit & 7);
      expect(crc32c(data)).not.toBe(base);
      data[bit >> 3]! ^= 1 << (bit & 7);
    }
  });
});
