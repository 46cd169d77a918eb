/**
 * Chunk boundaries must not change anything: the same input split at every byte position, at every
 * pair of positions, in 1-byte chunks and in random chunks gives the same rows, quoted flags, line
 * numbers, and the same error at the same place.
 */
import { describe, expect, test } from "bun:test";
import { enc, tokenize, type Result } from "./tokenize-helper.ts";

// BOM, CRLF, doubled quotes (also at a field's end), quoted CRLF/LF/CR, multi-byte characters of
// 2, 3 and 4 bytes, a lone CR inside quotes, blank lines, NULL and "" fields, a lone CR, a quote inside an unquoted field,
// a trailing delimiter, and no final line end.
const TRICKY =
  '\ufeffid,name,note\r\n1,"Zürich ""HQ""","a,b\r\nc"\r\n\r\n2,,"","p\rq"\n3,日本,"😀""\n"\r4,x"y,\n\n"""",",",é';

const EXPECTED: Result = {
  rows: [
    { line: 1, fields: ["id", "name", "note"], quoted: [false, false, false] },
    { line: 2, fields: ["1", 'Zürich "HQ"', "a,b\r\nc"], quoted: [false, true, true] },
    { line: 5, fields: ["2", null, "", "p\rq"], quoted: [false, false, true, true] },
    { line: 7, fields: ["3", "日本", '😀"\n'], quoted: [false, false, true] },
    { line: 9, fields: ["4", 'x"y', null], quoted: [false, false, false] },
    { line: 11, fields: ['"', ",", "é"], quoted: [true, true, false] },
  ],
};

function everySplit(input: string | Uint8Array, expected: Result, opts: { delimiter?: string; maxRowBytes?: number } = {}) {
  const bytes = typeof input === "string" ? enc(input) : input;
  expect(tokenize(bytes, opts)).toEqual(expected);
  expect(tokenize(bytes, { ...opts, chunks: 1 })).toEqual(expected);
  for (let p = 0; p <= bytes.length; p++) {
    const got = tokenize(bytes, { ...opts, chunks: [p] });
    if (!Bun.deepEquals(got, expected)) expect({ split: p, got }).toEqual({ split: p, got: expected });
  }
  for (let p = 0; p <= bytes.length; p++) {
    for (let q = 0; p + q <= bytes.length; q++) {
      const got = tokenize(bytes, { ...opts, chunks: [p, q] });
      if (!Bun.deepEquals(got, expected)) expect({ split: [p, q], got }).toEqual({ split: [p, q], got: expected });
    }
  }
}

describe("chunk boundaries", () => {
  test("the tricky sample, whole", () => {
    expect(tokenize(TRICKY)).toEqual(EXPECTED);
  });

  test("the tricky sample split at every position, every pair of positions, and in 1-byte chunks", () => {
    everySplit(TRICKY, EXPECTED);
  });

  test("the tricky sample with a final line end, CRLF", () => {
    everySplit(`${TRICKY}\r\n`, EXPECTED);
  });

  test("random chunk sizes", () => {
    const bytes = enc(`${TRICKY}\n`.repeat(20));
    const whole = tokenize(bytes);
    expect(whole.rows).toHaveLength(EXPECTED.rows.length * 20);
    let seed = 7;
    for (let run = 0; run < 200; run++) {
      const cuts: number[] = [];
      for (let total = 0; total < bytes.length; ) {
        seed = (seed * 48271) % 2147483647;
        const n = seed % 40;
        cuts.push(n);
        total += n;
      }
      expect(tokenize(bytes, { chunks: cuts })).toEqual(whole);
    }
  });

  test("a quoted field longer than many chunks", () => {
    const big = `a,"${'x,\n""'.repeat(5000)}",b\nc,d,e\n`;
    const expected = tokenize(big);
    expect(expected.rows[0]!.fields[1]).toBe('x,\n"'.repeat(5000));
    expect(expected.rows[1]!.line).toBe(5002);
    for (const size of [1, 7, 64, 4096]) expect(tokenize(big, { chunks: size })).toEqual(expected);
  });

  test("the other delimiters", () => {
    for (const d of [";", "|", "\t"]) {
      const input = TRICKY.replaceAll(",", d);
      const expected = { rows: EXPECTED.rows.map((r) => ({ ...r, fields: r.fields.map((f) => (f === null ? null : f.replaceAll(",", d))) })) };
      everySplit(input, expected, { delimiter: d });
    }
  });
});

describe("errors do not depend on chunk boundaries", () => {
  const cases: [string, string | Uint8Array, string, number, number][] = [
    ["unterminated quote", 'a,b\nc,"d\ne\n', "CSV_UNTERMINATED_QUOTE", 2, 3],
    ["text after a closing quote", 'a,b\r\n"x\ny"z,b\n', "CSV_BAD_QUOTE", 3, 3],
    ["invalid UTF-8 in a quoted field", enc('a\n"é\n\u00e9x').map((b, i, a) => (i === a.length - 2 ? 0xc0 : b)), "CSV_INVALID_UTF8", 3, 1],
    ["truncated UTF-8 at the end", new Uint8Array([...enc("a,b\nc,d\u00e9"), 0xe2, 0x82]), "CSV_INVALID_UTF8", 2, 5],
  ];
  for (const [name, input, code, line, column] of cases) {
    test(name, () => {
      const bytes = typeof input === "string" ? enc(input) : input;
      const whole = tokenize(bytes);
      expect(whole.error).toMatchObject({ code, line, column });
      for (let p = 0; p <= bytes.length; p++) expect(tokenize(bytes, { chunks: [p] })).toEqual(whole);
      expect(tokenize(bytes, { chunks: 1 })).toEqual(whole);
    });
  }

  test("row too large: the same rows pass and the same row fails at every split", () => {
    const input = "0123456789\n01234,6789\n\"0123\"\"678\"\n0123456789ABC\nnext\n";
    const expected = tokenize(input, { maxRowBytes: 12 });
    expect(expected.rows).toHaveLength(3);
    expect(expected.error).toMatchObject({ code: "CSV_ROW_TOO_LARGE", line: 4 });
    everySplit(input, expected, { maxRowBytes: 12 });
  });
});
