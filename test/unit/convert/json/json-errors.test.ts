/**
 * What the JSON converters refuse, with which code, and where: the 1-based line and character
 * column of the first byte that is wrong (record-stream.ts). Positions must not depend on how the
 * input is chunked, so the error cases run at every chunk size from 1 byte to the whole input.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { ConversionError } from "../../../../src/convert/table-converter.ts";
import { cleanUp, conversionError, convertOnce } from "./json-test-support.ts";

afterAll(cleanUp);

interface Case {
  name: string;
  input: string | Uint8Array;
  json?: boolean;
  code: ConversionError["code"];
  line: number;
  column: number;
  message?: RegExp;
}

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...enc(p)] : p)));

/** Every case at every chunk size gives the same code, line and column. */
function cases(list: Case[]) {
  for (const c of list) {
    test(`${c.name}: ${c.code} at line ${c.line}, column ${c.column}`, async () => {
      const input = typeof c.input === "string" ? enc(c.input) : c.input;
      const whole = await conversionError(input, { json: c.json });
      expect({ code: whole.code, line: whole.line, column: whole.column }).toEqual({ code: c.code, line: c.line, column: c.column });
      expect(whole.message).toContain(`at line ${c.line}, column ${c.column}`);
      if (c.message) expect(whole.message).toMatch(c.message);
      for (let chunk = 1; chunk < input.length; chunk++) {
        const e = await conversionError(input, { json: c.json, chunk });
        if (e.code !== c.code || e.line !== c.line || e.column !== c.column) {
          throw new Error(`chunk size ${chunk}: ${e.code} at ${e.line}:${e.column} (${e.message}), expected ${c.code} at ${c.line}:${c.column}`);
        }
      }
    });
  }
}

describe("invalid JSON", () => {
  cases([
    { name: "a trailing comma in an object", input: `{"a":1}\n{"a":1,}\n`, code: "JSON_INVALID", line: 2, column: 8, message: /expected a key/ },
    { name: "a missing colon", input: `{"a" 1}`, code: "JSON_INVALID", line: 1, column: 6, message: /':'/ },
    { name: "a misspelled literal", input: `{"a":tru}`, code: "JSON_INVALID", line: 1, column: 9, message: /'true'/ },
    { name: "a leading zero", input: `{"a":01}`, code: "JSON_INVALID", line: 1, column: 7 },
    { name: "a number ending in a dot", input: `{"a":1.}`, code: "JSON_INVALID", line: 1, column: 8, message: /digit after the decimal point/ },
    { name: "a lone minus", input: `{"a":-}`, code: "JSON_INVALID", line: 1, column: 7 },
    { name: "a plus sign", input: `{"a":+1}`, code: "JSON_INVALID", line: 1, column: 6, message: /expected a value/ },
    { name: "NaN", input: `{"a":NaN}`, code: "JSON_INVALID", line: 1, column: 6 },
    { name: "single quotes", input: `{'a':1}`, code: "JSON_INVALID", line: 1, column: 2 },
    { name: "an unknown escape", input: String.raw`{"a":"x\q"}`, code: "JSON_INVALID", line: 1, column: 9, message: /escape/ },
    { name: "a bad \\u escape", input: String.raw`{"a":"\u12G4"}`, code: "JSON_INVALID", line: 1, column: 11, message: /hex/ },
    { name: "a tab inside a string", input: `{"a":"x\ty"}`, code: "JSON_INVALID", line: 1, column: 8, message: /control characters/ },
    { name: "a lone surrogate escape", input: String.raw`{"a":1}` + "\n" + String.raw`{"a":"x\ud800y"}`, code: "JSON_INVALID", line: 2, column: 8, message: /surrogate/ },
    { name: "a lone low surrogate in a key", input: String.raw`{"\udc00":1}`, code: "JSON_INVALID", line: 1, column: 3, message: /surrogate/ },
    { name: "an extra closing brace", input: `{"a":1}}`, code: "JSON_INVALID", line: 1, column: 8 },
    { name: "a broken nested value", input: `{"a":[1,{"b":2]}`, code: "JSON_INVALID", line: 1, column: 15, message: /',' or '}'/ },
    { name: "a trailing comma in a nested array", input: `{"a":[1,]}`, code: "JSON_INVALID", line: 1, column: 9, message: /a value/ },
    { name: "columns count characters, not bytes", input: `{"é":"日本","x":?}`, code: "JSON_INVALID", line: 1, column: 15, message: /'\?'/ },
    { name: "a missing comma between array elements", input: `[{"a":1}\n {"a":2}]`, json: true, code: "JSON_INVALID", line: 2, column: 2, message: /',' or ']'/ },
    { name: "a trailing comma in the top-level array", input: `[{"a":1},\n]`, json: true, code: "JSON_INVALID", line: 2, column: 1, message: /an object/ },
    { name: "data after the top-level array", input: `[{"a":1}]\n x`, json: true, code: "JSON_INVALID", line: 2, column: 2, message: /nothing after/ },
    { name: "an error deep in a pretty array", input: `[\n  {\n    "a": 1,\n    "b": [1, 2,, 3]\n  }\n]`, json: true, code: "JSON_INVALID", line: 4, column: 16 },
  ]);
});

describe("JSON Lines is strict about lines", () => {
  cases([
    { name: "a record broken over two lines", input: `{"a":1}\n{"a":1,\n"b":2}\n`, code: "JSON_INVALID", line: 2, column: 8, message: /line ends inside its record/ },
    { name: "a cut line followed by a good one", input: `{"a":1,"b":"xy\n{"a":2}\n`, code: "JSON_INVALID", line: 1, column: 15, message: /line ends inside its record/ },
    { name: "a cut line ending in a number", input: `{"a":12\n{"a":2}\n`, code: "JSON_INVALID", line: 1, column: 8, message: /line ends inside its record/ },
    { name: "two records on one line", input: `{"a":1}\n{"a":2} {"a":3}\n`, code: "JSON_INVALID", line: 2, column: 9, message: /one record per line/ },
    { name: ".json in lines shape: same rule", input: `{"a":1}\n{"a":2,\n"b":3}`, json: true, code: "JSON_INVALID", line: 2, column: 8 },
  ]);
});

describe("truncated files", () => {
  cases([
    { name: "the last line cut inside a string", input: `{"a":1}\r\n{"a":"xy`, code: "JSON_TRUNCATED", line: 2, column: 9, message: /file ends inside a record/ },
    { name: "the last line cut after a key", input: `{"a":1}\n{"a"`, code: "JSON_TRUNCATED", line: 2, column: 5 },
    { name: "an array cut inside a record", input: `[\n{"a":1},\n{"a":`, json: true, code: "JSON_TRUNCATED", line: 3, column: 6 },
    { name: "an array without its closing bracket", input: `[{"a":1},{"a":2}\n`, json: true, code: "JSON_TRUNCATED", line: 2, column: 1, message: /top-level array/ },
    { name: "an array cut after a comma", input: `[{"a":1},`, json: true, code: "JSON_TRUNCATED", line: 1, column: 10 },
    { name: "concatenated objects cut", input: `{\n"a":1\n}\n{\n"a":[1,`, json: true, code: "JSON_TRUNCATED", line: 5, column: 8 },
  ]);
});

describe("records that are not objects", () => {
  cases([
    { name: "a JSONL line holding an array", input: `{"a":1}\n[1,2]\n`, code: "JSON_NOT_RECORDS", line: 2, column: 1, message: /line 2 is an array, not an object/ },
    { name: "a JSONL line holding a number", input: `{"a":1}\n\n  42\n`, code: "JSON_NOT_RECORDS", line: 3, column: 3, message: /a number/ },
    { name: "a JSONL line holding a string", input: `"x"\n`, code: "JSON_NOT_RECORDS", line: 1, column: 1, message: /a string/ },
    { name: "a JSONL line holding null", input: `null`, code: "JSON_NOT_RECORDS", line: 1, column: 1, message: /null/ },
    { name: "an array of numbers", input: `[1, 2]`, json: true, code: "JSON_NOT_RECORDS", line: 1, column: 2, message: /element 1 of the top-level array is a number/ },
    { name: "an array element that is not an object", input: `[{"a":1},\n true]`, json: true, code: "JSON_NOT_RECORDS", line: 2, column: 2, message: /element 2 .* a boolean/ },
    { name: "an array of arrays", input: `[[1, 2]]`, json: true, code: "JSON_NOT_RECORDS", line: 1, column: 2, message: /an array/ },
    { name: "a top-level string", input: ` "abc"`, json: true, code: "JSON_NOT_RECORDS", line: 1, column: 2, message: /top-level value is a string/ },
    { name: "a top-level number after objects", input: `{"a":1}\n5`, json: true, code: "JSON_NOT_RECORDS", line: 2, column: 1, message: /value 2 is a number/ },
    { name: "garbage at the top", input: `hello`, json: true, code: "JSON_INVALID", line: 1, column: 1 },
  ]);
});

describe("invalid UTF-8", () => {
  cases([
    { name: "in a string value", input: bytes(`{"a":1}\n{"a":"x`, [0xff], `"}`), code: "JSON_INVALID_UTF8", line: 2, column: 8, message: /0xFF/ },
    { name: "in a key", input: bytes(`{"k`, [0xc3, 0x28], `":1}`), code: "JSON_INVALID_UTF8", line: 1, column: 4 },
    { name: "an overlong form", input: bytes(`{"a":"`, [0xc0, 0x80], `"}`), code: "JSON_INVALID_UTF8", line: 1, column: 7 },
    { name: "a surrogate encoded in UTF-8", input: bytes(`{"a":"é`, [0xed, 0xa0, 0x80], `"}`), code: "JSON_INVALID_UTF8", line: 1, column: 8 },
    { name: "outside a string", input: bytes(`{"a":1}`, [0xfe]), code: "JSON_INVALID_UTF8", line: 1, column: 8 },
    { name: "in a nested value", input: bytes(`[{"a":{"b":["`, [0x80], `"]}}]`), json: true, code: "JSON_INVALID_UTF8", line: 1, column: 14 },
    { name: "a sequence cut by the end of the file", input: bytes(`{"a":"`, [0xe6, 0x97]), code: "JSON_INVALID_UTF8", line: 1, column: 7 },
    { name: "a sequence cut by the end of the file, between records", input: bytes(`{"a":1}\n `, [0xf0, 0x9f, 0x98]), code: "JSON_INVALID_UTF8", line: 2, column: 2 },
    { name: "a valid character outside a string is invalid JSON", input: `{"a":1}\n{"a":1}😀`, code: "JSON_INVALID", line: 2, column: 8, message: /'😀' \(U\+1F600\)/ },
    { name: "a valid character where an array element should be", input: `[{"a":1},\n é]`, json: true, code: "JSON_INVALID", line: 2, column: 2, message: /'é'/ },
    { name: "a valid character after a value in a record", input: `{"a":1é}`, code: "JSON_INVALID", line: 1, column: 7, message: /'é'/ },
  ]);
});

describe("limits", () => {
  cases([
    { name: "a key twice in one record", input: `{"a":1}\n{"a":1,"b":2,"a":3}`, code: "JSON_DUPLICATE_KEY", line: 2, column: 14, message: /"a" appears twice/ },
    { name: "a key twice, once escaped", input: String.raw`[{"ab":1,"a\u0062":2}]`, json: true, code: "JSON_DUPLICATE_KEY", line: 1, column: 10 },
  ]);

  const big = 16 * 1024 * 1024 + 10;
  for (const [name, json, text] of [
    ["a JSON Lines record", false, (s: string) => `{"a":1}\n{"a":"${s}"}\n`],
    ["an array element", true, (s: string) => `[{"a":1},\n  {"a":"${s}"}]`],
  ] as const) {
    test(`${name} over 16 MiB is JSON_RECORD_TOO_LARGE at its start, whole or in chunks`, async () => {
      const input = enc(text("x".repeat(big)));
      for (const chunk of [undefined, 1 << 20, 65_537]) {
        const e = await conversionError(input, { json, chunk });
        expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code: "JSON_RECORD_TOO_LARGE", line: 2, column: json ? 3 : 1 });
      }
    }, 60_000);
  }

  test("a record just under 16 MiB converts", async () => {
    const s = "y".repeat(16 * 1024 * 1024 - 20);
    const r = await convertOnce(`{"a":"${s}"}\n`, { chunk: 1 << 20 });
    expect(r.result.rows).toBe(1);
  }, 60_000);

  test("a syntax error after the chunk that cut the record is reported as itself, not as a large record", async () => {
    // The parser sees `[{"a":[1,1,...` up to the first chunk's end (valid so far), then the record is
    // carried: the stray `}` leaves the brackets unbalanced, so the carry grows to the limit and is
    // parsed then, which finds the `}`.
    const input = `[{"a":[` + "1,".repeat(700_000) + `}` + `,{"b":2}`.repeat(2_200_000) + "]";
    const e = await conversionError(input, { json: true, chunk: 1 << 20 });
    expect(e).toMatchObject({ code: "JSON_INVALID", line: 1, column: 1_400_008 });
  }, 60_000);

  test("a record that never closes is JSON_RECORD_TOO_LARGE", async () => {
    const input = `[{"a":[` + "1,".repeat(9_000_000);
    const e = await conversionError(input, { json: true, chunk: 1 << 20 });
    expect(e).toMatchObject({ code: "JSON_RECORD_TOO_LARGE", line: 1, column: 2 });
  }, 60_000);

  test("more than 10,000 distinct keys is JSON_TOO_MANY_KEYS", async () => {
    const keys = Array.from({ length: 10_001 }, (_, i) => `"k${i}":${i}`);
    const e = await conversionError(`{${keys.join(",")}}`);
    expect(e.code).toBe("JSON_TOO_MANY_KEYS");
    expect(e.line).toBe(1);
  });
});
