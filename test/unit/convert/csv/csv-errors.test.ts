import { describe, expect, test } from "bun:test";
import { CsvError } from "../../../../src/convert/csv/csv-error.ts";
import { CsvTokenizer } from "../../../../src/convert/csv/csv-tokenizer.ts";
import { enc, tokenize } from "./tokenize-helper.ts";

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...enc(p)] : p)));

describe("quote errors", () => {
  test("unterminated quote at EOF reports the line and column where the quote opened", () => {
    const r = tokenize('a,b\nc,d\ne,"f\ng\nh,i\n');
    expect(r.error).toMatchObject({ code: "CSV_UNTERMINATED_QUOTE", line: 3, column: 3 });
    expect(r.error!.message).toContain("line 3, column 3");
    expect(r.rows).toHaveLength(2);
  });

  test("unterminated quote right after a doubled quote, and a lone quote", () => {
    expect(tokenize('x\n"ab""').error).toMatchObject({ code: "CSV_UNTERMINATED_QUOTE", line: 2, column: 1 });
    expect(tokenize('"').error).toMatchObject({ code: "CSV_UNTERMINATED_QUOTE", line: 1, column: 1 });
  });

  test("text after a closing quote", () => {
    expect(tokenize('a,b\n"ab"c,d\n').error).toMatchObject({ code: "CSV_BAD_QUOTE", line: 2, column: 5 });
    expect(tokenize('"ab" ,d\n').error).toMatchObject({ code: "CSV_BAD_QUOTE", line: 1, column: 5 });
    expect(tokenize('"ab""c"d').error).toMatchObject({ code: "CSV_BAD_QUOTE", line: 1, column: 8 });
  });

  test("the column counts characters, from the last line break inside the row", () => {
    expect(tokenize('é,"x\nüü"ö\n').error).toMatchObject({ code: "CSV_BAD_QUOTE", line: 2, column: 4 });
  });

  test("rows before the error were delivered", () => {
    expect(tokenize('1\n2\n"3"x\n4\n').rows.map((r) => r.fields)).toEqual([["1"], ["2"]]);
  });
});

describe("invalid UTF-8", () => {
  const cases: [string, number[]][] = [
    ["lone continuation byte", [0x80]],
    ["continuation byte 0xBF", [0xbf]],
    ["overlong 2-byte (C0 80)", [0xc0, 0x80]],
    ["overlong 2-byte (C1 BF)", [0xc1, 0xbf]],
    ["overlong 3-byte (E0 80 80)", [0xe0, 0x80, 0x80]],
    ["overlong 3-byte (E0 9F BF)", [0xe0, 0x9f, 0xbf]],
    ["overlong 4-byte (F0 8F BF BF)", [0xf0, 0x8f, 0xbf, 0xbf]],
    ["high surrogate (ED A0 80)", [0xed, 0xa0, 0x80]],
    ["low surrogate (ED BF BF)", [0xed, 0xbf, 0xbf]],
    ["above U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
    ["F5 lead", [0xf5, 0x80, 0x80, 0x80]],
    ["FF", [0xff]],
    ["lead without continuation", [0xc3, 0x41]],
    ["3-byte sequence cut short by ASCII", [0xe2, 0x82, 0x41]],
    ["4-byte sequence cut short by a delimiter", [0xf0, 0x9f, 0x98, 0x2c]],
  ];
  for (const [name, seq] of cases) {
    test(`${name}: unquoted and quoted, with line and column`, () => {
      const r = tokenize(bytes("h1,h2\nab,c", seq, "d\n"));
      expect(r).toMatchObject({ error: { code: "CSV_INVALID_UTF8", line: 2, column: 5 } });
      expect(r.error!.message).toStartWith(`invalid UTF-8 (byte 0x${seq[0]!.toString(16)})`);
      expect(tokenize(bytes('h1,h2\nab,"x\ny', seq, 'd"\n'))).toMatchObject({ error: { code: "CSV_INVALID_UTF8", line: 3, column: 2 } });
    });
  }

  test("a sequence truncated at EOF", () => {
    for (const tail of [[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]) {
      expect(tokenize(bytes("a\nbé", tail)).error).toMatchObject({ code: "CSV_INVALID_UTF8", line: 2, column: 3, message: "the file ends inside a UTF-8 sequence at line 2, column 3" });
      expect(tokenize(bytes('a\n"bé', tail)).error).toMatchObject({ code: "CSV_INVALID_UTF8", line: 2, column: 4 });
    }
  });

  test("the boundaries of the valid ranges are accepted", () => {
    const valid = [
      [0xc2, 0x80],
      [0xdf, 0xbf],
      [0xe0, 0xa0, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xee, 0x80, 0x80],
      [0xef, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
    ];
    for (const seq of valid) {
      const r = tokenize(bytes("x", seq, ",y\n"));
      expect(r.error).toBeUndefined();
      expect(r.rows[0]!.fields[0]).toBe(`x${new TextDecoder().decode(new Uint8Array(seq))}`);
    }
  });
});

describe("limits", () => {
  test("a row above maxRowBytes, inside one chunk and across chunks", () => {
    const input = `ok\n${"x".repeat(100)}\n`;
    for (const chunks of [undefined, 7, 1]) {
      const r = tokenize(input, { maxRowBytes: 64, chunks });
      expect(r.error).toMatchObject({ code: "CSV_ROW_TOO_LARGE", line: 2 });
      expect(r.rows).toHaveLength(1);
    }
  });

  test("a row that never ends stops at maxRowBytes, before it is buffered whole", () => {
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row() {} }, { maxRowBytes: 1000 });
    tok.push(enc('a\n"'));
    let pushed = 0;
    expect(() => {
      for (; pushed < 100; pushed++) tok.push(enc("y".repeat(100)));
    }).toThrow(CsvError);
    expect(pushed).toBe(9);
  });

  test("too many fields", () => {
    const r = tokenize(`${",".repeat(200)}\n`, { maxFields: 100 });
    expect(r.error).toMatchObject({ code: "CSV_TOO_MANY_FIELDS", line: 1 });
    expect(tokenize(`${",".repeat(99)}\n`, { maxFields: 100 }).rows[0]!.fields).toHaveLength(100);
  });
});

test("CsvError carries code, line and column", () => {
  const err = new CsvError("CSV_BAD_QUOTE", "bad", 3, 7);
  expect(err).toBeInstanceOf(Error);
  expect(err.name).toBe("CsvError");
  expect([err.code, err.line, err.column, err.message]).toEqual(["CSV_BAD_QUOTE", 3, 7, "bad at line 3, column 7"]);
});
