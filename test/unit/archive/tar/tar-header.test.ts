/** One header block: numeric field spellings real tars use, checksums, magic variants. */
import { expect, test } from "bun:test";
import { checksumMatches, looksLikeTarHeader, parseHeader } from "../../../../src/archive/tar/tar-header.ts";
import { tarHeader } from "../../../support/archive/tar-writer.ts";

const enc = new TextEncoder();

/** Sets a field's raw text and fixes the checksum. */
function withField(block: Uint8Array, at: number, len: number, raw: string | number[]): Uint8Array {
  const b = block.slice();
  b.fill(0, at, at + len);
  b.set(typeof raw === "string" ? enc.encode(raw) : Uint8Array.from(raw), at);
  b.fill(0x20, 148, 156);
  b.set(enc.encode(`${b.reduce((a, x) => a + x, 0).toString(8).padStart(6, "0")}\0 `), 148);
  return b;
}

const base = tarHeader({ name: "f", size: 0 });

test.each([
  ["00000000012\0", 10], // the usual: zero-padded, NUL-terminated
  ["000000000012", 10], // all 12 digits, no terminator (GNU, star)
  ["        12 \0", 10], // leading spaces, space-terminated (old tars)
  ["12\0garbage!!", 10], // junk after the terminator is not looked at
  ["\0\0\0\0\0\0\0\0\0\0\0\0", 0], // empty field
  ["77777777777\0", 8 * 2 ** 30 - 1], // the largest octal size in 11 digits
])("size field %p = %p", (raw, value) => {
  expect(parseHeader(withField(base, 124, 12, raw), 0).size).toBe(value);
});

test("base-256: positive, 2^53 bound, refused beyond", () => {
  const b256 = (bytes: number[]) => withField(base, 124, 12, [0x80, ...Array(11 - bytes.length).fill(0), ...bytes]);
  expect(parseHeader(b256([0x02, 0x40, 0x00, 0x00, 0x00]), 0).size).toBe(9 * 2 ** 30);
  expect(parseHeader(b256([0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0).size).toBe(Number.MAX_SAFE_INTEGER);
  expect(() => parseHeader(b256([0x20, 0, 0, 0, 0, 0, 0]), 0)).toThrow("invalid size field");
});

test("non-octal digits are refused", () => {
  for (const raw of ["0000000008\0\0", "00000000x1\0\0", "-0000000001\0"]) {
    expect(() => parseHeader(withField(base, 124, 12, raw), 512)).toThrow("at byte 512 has an invalid size field");
  }
});

test("checksums: unsigned and signed sums accepted, anything else not", () => {
  const high = tarHeader({ name: new Uint8Array([0xe9, 0xe9, 0xe9]) });
  expect(checksumMatches(high)).toBe(true);
  expect(checksumMatches(tarHeader({ name: new Uint8Array([0xe9, 0xe9, 0xe9]), checksum: "signed" }))).toBe(true);
  expect(checksumMatches(tarHeader({ name: "x", checksum: "bad" }))).toBe(false);
  expect(checksumMatches(new Uint8Array(512))).toBe(false);
  expect(looksLikeTarHeader(tarHeader({ name: "", size: 0 }))).toBe(false); // an empty name is no header
});

test("magic variants decide the layout", () => {
  expect(parseHeader(tarHeader({ name: "a" }), 0).magic).toBe("ustar");
  expect(parseHeader(tarHeader({ name: "a", format: "gnu" }), 0).magic).toBe("gnu");
  expect(parseHeader(tarHeader({ name: "a", format: "v7" }), 0).magic).toBe("v7");
  const v7 = parseHeader(tarHeader({ name: "a", format: "v7", uname: "ignored" }), 0);
  expect([v7.uname, v7.devMajor]).toEqual(["", 0]);
  const dev = parseHeader(tarHeader({ name: "tty", typeflag: "3", devMajor: 136, devMinor: 7 }), 0);
  expect([dev.typeflag, dev.devMajor, dev.devMinor]).toEqual(["3", 136, 7]);
});
