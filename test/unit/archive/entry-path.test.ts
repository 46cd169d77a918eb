/** Entry path rules: every traversal spelling refused with its reason; honest names normalised. */
import { describe, expect, test } from "bun:test";
import { safeEntryPath, type EntryPathReason } from "../../../src/archive/entry-path.ts";

const enc = new TextEncoder();

function reasonOf(raw: string | Uint8Array, options?: Parameters<typeof safeEntryPath>[1]): EntryPathReason | string {
  const r = safeEntryPath(raw, options);
  return r.ok ? `ok:${r.path}` : r.reason;
}

describe("honest names are normalised", () => {
  test.each([
    ["a.txt", "a.txt"],
    ["dir/sub/file.csv", "dir/sub/file.csv"],
    ["./a/b", "a/b"],
    ["././a", "a"],
    ["a//b///c", "a/b/c"],
    ["a/./b/.", "a/b"],
    ["dir/", "dir"],
    ["a\\b\\c.txt", "a/b/c.txt"],
    [".\\a\\b", "a/b"],
    ["...", "..."], // three dots is a name, not a parent
    ["a/..b/c..", "a/..b/c.."],
    [".hidden/.x", ".hidden/.x"],
    ["10:30 report.txt", "10:30 report.txt"], // a colon is only a drive letter as "X:" at the start
    ["données/été.csv", "données/été.csv"],
    ["日本語/ファイル.txt", "日本語/ファイル.txt"],
    ["emoji 😀.txt", "emoji 😀.txt"],
  ])("%p → %p", (raw, path) => {
    expect(safeEntryPath(raw)).toEqual({ ok: true, path });
    expect(safeEntryPath(enc.encode(raw))).toEqual({ ok: true, path });
  });
});

describe("traversal in every spelling is refused", () => {
  test.each<[string, EntryPathReason]>([
    ["../x", "DOT_DOT"],
    ["..", "DOT_DOT"],
    ["a/../../x", "DOT_DOT"],
    ["a/../b", "DOT_DOT"], // stays inside, still refused: no resolution logic to get wrong
    ["a/b/..", "DOT_DOT"],
    ["..\\x", "DOT_DOT"],
    ["a\\..\\..\\x", "DOT_DOT"],
    ["./../x", "DOT_DOT"],
    ["a/./../x", "DOT_DOT"],
    ["/etc/passwd", "ABSOLUTE"],
    ["/", "ABSOLUTE"],
    ["\\etc\\passwd", "ABSOLUTE"],
    ["/../x", "ABSOLUTE"],
    ["C:\\x", "DRIVE_LETTER"],
    ["C:/x", "DRIVE_LETTER"],
    ["c:x", "DRIVE_LETTER"],
    ["C:", "DRIVE_LETTER"],
    ["./C:/x", "DRIVE_LETTER"],
    ["Z:..\\x", "DRIVE_LETTER"],
    ["\\\\srv\\share\\x", "UNC_PATH"],
    ["//srv/share/x", "UNC_PATH"],
    ["\\\\?\\C:\\x", "UNC_PATH"],
    ["\\\\.\\pipe\\x", "UNC_PATH"],
    ["\\/srv/x", "UNC_PATH"],
    ["a\u0000.txt", "NUL"],
    ["\u0000", "NUL"],
    ["a\nb", "CONTROL_CHAR"],
    ["a\rb", "CONTROL_CHAR"],
    ["tab\there", "CONTROL_CHAR"],
    ["esc\u001b[31m", "CONTROL_CHAR"],
    ["del\u007f", "CONTROL_CHAR"],
    ["c1\u0085", "CONTROL_CHAR"],
    ["c1\u009b", "CONTROL_CHAR"],
    ["", "EMPTY"],
    [".", "EMPTY"],
    ["./", "EMPTY"],
    ["./././/", "EMPTY"],
  ])("%p → %s", (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
    expect(reasonOf(enc.encode(raw))).toBe(reason);
  });
});

test("names that are not valid UTF-8 are refused, as bytes and as strings", () => {
  expect(reasonOf(new Uint8Array([0x61, 0xff, 0x62]))).toBe("INVALID_UTF8"); // stray byte
  expect(reasonOf(new Uint8Array([0x8e, 0x2e, 0x74]))).toBe("INVALID_UTF8"); // CP437 "Ä.t" undecoded
  expect(reasonOf(new Uint8Array([0xc0, 0xaf]))).toBe("INVALID_UTF8"); // overlong "/" (a classic)
  expect(reasonOf(new Uint8Array([0xed, 0xa0, 0x80]))).toBe("INVALID_UTF8"); // encoded surrogate
  expect(reasonOf(new Uint8Array([0xe2, 0x82]))).toBe("INVALID_UTF8"); // truncated sequence
  expect(reasonOf("a\ud800b")).toBe("INVALID_UTF8"); // lone surrogate
});

describe("S3 key length", () => {
  test("the key is prefix + path and may be exactly 1,024 bytes, not one more", () => {
    const prefix = "data/a/b/bundle/";
    const fit = "x".repeat(1024 - prefix.length);
    expect(safeEntryPath(fit, { keyPrefix: prefix })).toEqual({ ok: true, path: fit });
    expect(reasonOf(`${fit}y`, { keyPrefix: prefix })).toBe("TOO_LONG");
  });

  test("bytes are counted in UTF-8, after normalisation", () => {
    const e = "é".repeat(512); // 1,024 bytes
    expect(reasonOf(e)).toBe(`ok:${e}`);
    expect(reasonOf(`${e}x`)).toBe("TOO_LONG");
    expect(reasonOf(`./././${e}`)).toBe(`ok:${e}`); // the "./" do not count
    expect(reasonOf("a/b.txt", { keyPrefix: "p/", maxKeyBytes: 8 })).toBe("TOO_LONG");
    expect(reasonOf("a/b.txt", { keyPrefix: "p", maxKeyBytes: 8 })).toBe("ok:a/b.txt");
  });

  test("an over-long hostile name is refused, and its message shown bounded", () => {
    const r = safeEntryPath("a/".repeat(100_000));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe("TOO_LONG");
      expect(r.message).toContain("199999 bytes"); // the trailing "/" is dropped
      expect(r.shown.length).toBeLessThanOrEqual(201);
    }
  });
});

test("refusals carry a printable rendering with control characters escaped", () => {
  const r = safeEntryPath("evil\u001b[2J\nname");
  expect(r).toMatchObject({ ok: false, reason: "CONTROL_CHAR", shown: "evil\\x1b[2J\\x0aname" });
});
