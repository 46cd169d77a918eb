/**
 * RAR 4 file names (src/archive/sevenzip/rar4-names.ts): UTF-8, and RAR's own Unicode encoding
 * checked against real archives (rarfile's corpus: names written by rar on Windows, with rarfile's
 * expected listing as the oracle) and against encodings built by hand from the format description,
 * one per operation; hostile encodings end the name, never throw or read past the field.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rar4FileHeaders } from "../../../../src/archive/sevenzip/rar4-links.ts";
import { decodeEncodedName, rar4Name } from "../../../../src/archive/sevenzip/rar4-names.ts";

const CORPUS = join(import.meta.dir, "../../../.corpus/rarfile-4.5");
const bytes = (s: string) => new TextEncoder().encode(s);
const UNICODE = 0x0200;

/** The names rarfile's expected listing gives, in order. */
function expectedNames(archive: string): string[] {
  return readFileSync(join(CORPUS, `${archive}.exp`), "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("name="))
    .map((l) => l.trim().slice("name=".length));
}

async function headerNames(archive: string): Promise<string[]> {
  const file = readFileSync(join(CORPUS, archive));
  const readAt = async (at: number, n: number) => file.subarray(at, Math.min(at + n, file.length));
  return (await rar4FileHeaders(readAt, file.length, 1000)).map((f) => f.path);
}

describe("RAR 4 names from real archives", () => {
  test("the corpus is there (scripts/setup.sh --with-test-tools unpacks it)", () => {
    expect(existsSync(join(CORPUS, ".complete"))).toBe(true);
  });

  test("names in RAR's Unicode encoding, written by rar on Windows, non-BMP characters included (unicode2.rar)", async () => {
    const names = await headerNames("unicode2.rar");
    expect(names).toEqual(expectedNames("unicode2.rar"));
    expect(names).toEqual(["𝐀𝐁𝐁𝐂.txt", "уииоотивл.txt"]);
  });

  test("UTF-8 names without the Unicode flag, written on Unix (unicode.rar)", async () => {
    expect(await headerNames("unicode.rar")).toEqual(expectedNames("unicode.rar"));
  });
});

describe("RAR 4 Unicode encoding, by hand", () => {
  test("all four operations: a run from the plain name, high-byte char, full char, another run", () => {
    // "sub\ж€ln", plain "sub\??ln": high byte 0x04; operations 3 (copy 2+2), 1 (0x36 → U+0436),
    // 2 (U+20AC), 3 (copy 0+2), packed high bits first in one flags byte 0b11_01_10_11.
    const plain = bytes("sub\\??ln");
    expect(decodeEncodedName(plain, Uint8Array.from([0x04, 0xdb, 0x02, 0x36, 0xac, 0x20, 0x00]))).toBe("sub\\ж€ln");
  });

  test("operation 0 is a character below U+0100", () => {
    expect(decodeEncodedName(bytes("?"), Uint8Array.from([0x04, 0x00, 0xe9]))).toBe("é");
  });

  test("a run with a correction adds it to each plain byte, with the high byte", () => {
    expect(decodeEncodedName(bytes("ABC"), Uint8Array.from([0x00, 0xc0, 0x81, 0x20]))).toBe("abc");
    expect(decodeEncodedName(bytes("012"), Uint8Array.from([0x04, 0xc0, 0x81, 0x00]))).toBe("абв"); // 0x30.. with high byte 0x04
  });

  test("rar4Name: the flag with a zero decodes the encoding; the flag without one, or no flag, is UTF-8", () => {
    const field = Uint8Array.from([...bytes("?"), 0, 0x04, 0x40, 0x16]);
    expect(rar4Name(field, UNICODE)).toBe("Ж");
    expect(rar4Name(bytes("naïve.txt"), UNICODE)).toBe("naïve.txt");
    expect(rar4Name(bytes("naïve.txt"), 0)).toBe("naïve.txt");
    expect(rar4Name(Uint8Array.from([...bytes("plain"), 0]), UNICODE)).toBe("plain"); // nothing encoded after the zero
  });
});

describe("RAR 4 Unicode encoding, hostile", () => {
  const plain = bytes("sub\\??ln");
  const full = Uint8Array.from([0x04, 0xdb, 0x02, 0x36, 0xac, 0x20, 0x00]);

  test("cut anywhere, the name ends where the data ends", () => {
    for (let n = 0; n <= full.length; n++) {
      const name = decodeEncodedName(plain, full.subarray(0, n));
      expect("sub\\ж€ln".startsWith(name) || name === "sub\\??ln").toBe(true);
    }
  });

  test("runs never copy past the plain name; random data never throws and stays within the field's length", () => {
    expect(decodeEncodedName(bytes("ab"), Uint8Array.from([0x00, 0xff, 0x7f, 0xff, 0x7f]))).toBe("ab");
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const p = Uint8Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256));
      const e = Uint8Array.from({ length: Math.floor(rnd() * 60) }, () => Math.floor(rnd() * 256));
      const name = decodeEncodedName(p, e);
      expect(name.length).toBeLessThanOrEqual(p.length + e.length);
    }
  });
});
