import { describe, expect, test } from "bun:test";
import { CsvTokenizer } from "../../../../src/convert/csv/csv-tokenizer.ts";
import type { FieldView } from "../../../../src/convert/csv/field-view.ts";
import { enc, tokenize, values } from "./tokenize-helper.ts";

describe("CsvTokenizer: fields", () => {
  test("plain fields and rows", () => {
    expect(values(tokenize("a,b,c\n1,2,3\n"))).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
    ]);
  });

  test("quoted fields may hold delimiters, CR, LF and doubled quotes", () => {
    const r = tokenize('"a,b","say ""hi""","x\r\ny","\r"\n');
    expect(values(r)).toEqual([["a,b", 'say "hi"', "x\r\ny", "\r"]]);
    expect(r.rows[0]!.quoted).toEqual([true, true, true, true]);
  });

  test("unquoted empty is NULL, quoted empty is the empty string", () => {
    const r = tokenize(',"",\n"",,""\n');
    expect(values(r)).toEqual([
      [null, "", null],
      ["", null, ""],
    ]);
    expect(r.rows[0]!.quoted).toEqual([false, true, false]);
  });

  test("a delimiter at the end of a row starts a last empty field", () => {
    expect(values(tokenize("a,\nb,"))).toEqual([
      ["a", null],
      ["b", null],
    ]);
  });

  test("a quote inside an unquoted field is an ordinary byte", () => {
    expect(values(tokenize('5\'11",ab"c\n'))).toEqual([["5'11\"", 'ab"c']]);
  });

  test("a field that is only a doubled quote, and quotes at both ends", () => {
    expect(values(tokenize('"""",""""""\n"""a""",x\n'))).toEqual([
      ['"', '""'],
      ['"a"', "x"],
    ]);
  });

  test("spaces are kept, unquoted and quoted", () => {
    expect(values(tokenize(' a , " b " ,\n'))).toEqual([[" a ", ' " b " ', null]]);
  });

  test("the other delimiters", () => {
    for (const d of [";", "|", "\t"]) {
      const r = tokenize(`a${d}"b${d}c"${d}\n1,5${d}2${d}3\n`, { delimiter: d });
      expect(values(r)).toEqual([
        ["a", `b${d}c`, null],
        ["1,5", "2", "3"],
      ]);
    }
  });

  test("a row whose doubled quotes are unescaped keeps every other field right", () => {
    const r = tokenize('x,"a""b",y,"",z\n');
    expect(values(r)).toEqual([["x", 'a"b', "y", "", "z"]]);
    expect(r.rows[0]!.quoted).toEqual([false, true, false, true, false]);
  });

  test("multi-byte UTF-8 passes through", () => {
    expect(values(tokenize('Zürich,"日本",😀\n'))).toEqual([["Zürich", "日本", "😀"]]);
  });

  test("rows with many fields grow the view", () => {
    const fields = Array.from({ length: 1000 }, (_, i) => String(i));
    expect(values(tokenize(`${fields.join(",")}\n`))).toEqual([fields]);
  });
});

describe("CsvTokenizer: line ends and lines", () => {
  test("LF, CRLF, lone CR and a mix all end rows", () => {
    const expected = [["a"], ["b"], ["c"], ["d"]];
    expect(values(tokenize("a\nb\nc\nd\n"))).toEqual(expected);
    expect(values(tokenize("a\r\nb\r\nc\r\nd\r\n"))).toEqual(expected);
    expect(values(tokenize("a\rb\rc\rd\r"))).toEqual(expected);
    expect(values(tokenize("a\r\nb\nc\rd"))).toEqual(expected);
  });

  test("line numbers count LF, CRLF and lone CR once each, inside quotes too", () => {
    const r = tokenize('a\n"x\ny\r\nz\rw",b\nc\r\nd\re\n');
    expect(r.rows.map((row) => row.line)).toEqual([1, 2, 6, 7, 8]);
  });

  test("blank lines are skipped but counted", () => {
    const r = tokenize("\n\na\n\r\n\rb\n\n");
    expect(values(r)).toEqual([["a"], ["b"]]);
    expect(r.rows.map((row) => row.line)).toEqual([3, 6]);
  });

  test("skipBlankLines false: a blank line is one NULL field", () => {
    const r = tokenize("a\n\nb\r\n\r\n", { skipBlankLines: false });
    expect(values(r)).toEqual([["a"], [null], ["b"], [null]]);
  });

  test('a line holding only "" is not blank', () => {
    expect(values(tokenize('a\n""\nb\n'))).toEqual([["a"], [""], ["b"]]);
  });

  test("the last row may lack a line end", () => {
    expect(values(tokenize("a,b\nc,d"))).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(values(tokenize('a,"b\nc"'))).toEqual([["a", "b\nc"]]);
  });

  test("empty input and line ends only give no rows", () => {
    expect(tokenize("").rows).toEqual([]);
    expect(tokenize("\n\r\n\r").rows).toEqual([]);
  });

  test("nextLine after the end", () => {
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row() {} });
    tok.push(enc("a\nb\r\nc"));
    tok.end();
    expect(tok.nextLine).toBe(3);
  });
});

describe("CsvTokenizer: BOM", () => {
  test("a UTF-8 BOM at the start is skipped, also when split", () => {
    const bytes = enc("\ufeffid,x\n1,2\n");
    for (const chunks of [undefined, 1, 2, [1, 1, 1], [3]] as const) {
      expect(values(tokenize(bytes, { chunks: chunks as number[] | number | undefined }))).toEqual([
        ["id", "x"],
        ["1", "2"],
      ]);
    }
  });

  test("a BOM later in the file is data", () => {
    expect(values(tokenize("a\n\ufeffb\n"))).toEqual([["a"], ["\ufeffb"]]);
  });

  test("a file that is only a BOM, or its start, and a start that is not a BOM", () => {
    expect(tokenize("\ufeff").rows).toEqual([]);
    expect(values(tokenize(enc("\u00ef,x")))).toEqual([["\u00ef", "x"]]);
    expect(tokenize(new Uint8Array([0xef, 0xbb])).error?.code).toBe("CSV_INVALID_UTF8");
  });
});

describe("CsvTokenizer: the view", () => {
  test("byte ranges, quoted flags and helpers", () => {
    const seen: string[] = [];
    const tok = new CsvTokenizer(
      { delimiter: 44, quote: 34 },
      {
        row(f: FieldView, line: number) {
          for (let i = 0; i < f.count; i++) {
            seen.push(`${line}:${f.isNull(i) ? "NULL" : f.text(i)}:${f.quoted[i]}:${f.byteLength(i)}:${new TextDecoder().decode(f.bytes(i))}`);
          }
          expect(f.texts()).toHaveLength(f.count);
        },
      },
    );
    tok.push(enc('ab,"c""d",,""\n'));
    tok.end();
    expect(seen).toEqual(["1:ab:0:2:ab", '1:c"d:1:3:c"d', "1:NULL:0:0:", "1::1:0:"]);
  });

  test("ranges point into the pushed chunk when a row needs no copy", () => {
    const chunk = enc("abc,def\n");
    let same = false;
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row: (f) => void (same = f.buf === chunk && f.start[1] === 4 && f.end[1] === 7) });
    tok.push(chunk);
    tok.end();
    expect(same).toBe(true);
  });

  test("chunks that are views into a larger buffer (non-zero byteOffset)", () => {
    const input = enc('x,"a\nb",c\r\nd,"e""f",\n');
    const backing = new Uint8Array(input.length + 10).fill(0x22); // quotes around it must not leak in
    backing.set(input, 5);
    const rows: string[][] = [];
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row: (f) => void rows.push(f.texts()) });
    for (let p = 0; p < input.length; p += 3) tok.push(backing.subarray(5 + p, 5 + Math.min(p + 3, input.length)));
    tok.end();
    expect(rows).toEqual([
      ["x", "a\nb", "c"],
      ["d", 'e"f', ""],
    ]);
  });

  test("bad dialects are refused", () => {
    const sink = { row() {} };
    expect(() => new CsvTokenizer({ delimiter: 34, quote: 34 }, sink)).toThrow(RangeError);
    expect(() => new CsvTokenizer({ delimiter: 10, quote: 34 }, sink)).toThrow(RangeError);
    expect(() => new CsvTokenizer({ delimiter: 0xc3, quote: 34 }, sink)).toThrow(RangeError);
  });

  test("push after end throws", () => {
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row() {} });
    tok.end();
    expect(() => tok.push(enc("a"))).toThrow();
  });

  test("bytesIn counts every byte pushed", () => {
    const tok = new CsvTokenizer({ delimiter: 44, quote: 34 }, { row() {} });
    tok.push(enc("\ufeffa,"));
    tok.push(enc("b\n"));
    expect(tok.bytesIn).toBe(7);
  });
});
