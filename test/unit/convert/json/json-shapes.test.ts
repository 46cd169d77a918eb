/**
 * File shapes the JSON converters accept (record-stream.ts): JSON Lines, a top-level array, one
 * object per line or concatenated objects in a .json file, a single object; BOM, CRLF, blank
 * lines; and that neither the chunking nor the worker encoder changes a single output byte.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { bytesOf, cleanUp, conversionError, convertOnce, readParquet, table } from "./json-test-support.ts";

afterAll(cleanUp);

const ROWS = [
  { a: 1n, b: "x", c: null },
  { a: 2n, b: null, c: true },
];

describe(".jsonl", () => {
  test("one object per line; blank and whitespace-only lines skipped; CRLF; no final line end", async () => {
    const t = await table(`{"a":1,"b":"x"}\r\n\r\n   \t\n{"a":2,"c":true}`);
    expect(t.rows).toEqual(ROWS);
    expect(t.result.details).toEqual({ shape: "lines" });
  });

  test("whitespace inside and around a record on its line is fine", async () => {
    const t = await table(`  { "a" : 1 , "b" : "x" }  \n\t{"a":2,"c":true}\t\r\n`);
    expect(t.rows).toEqual(ROWS);
  });

  test("a BOM before the first record", async () => {
    const t = await table(`\ufeff{"a":1,"b":"x"}\n{"a":2,"c":true}\n`);
    expect(t.rows).toEqual(ROWS);
  });
});

describe(".json", () => {
  test("a top-level array of objects, compact", async () => {
    const t = await table(`[{"a":1,"b":"x"},{"a":2,"c":true}]`, { json: true });
    expect(t.rows).toEqual(ROWS);
    expect(t.result.details).toEqual({ shape: "array" });
  });

  test("a pretty-printed top-level array with CRLF, a BOM and whitespace before it", async () => {
    const text = `\ufeff \r\n[\r\n  {\r\n    "a": 1,\r\n    "b": "x"\r\n  },\r\n  {\r\n    "a": 2,\r\n    "c": true\r\n  }\r\n]\r\n`;
    const t = await table(text, { json: true });
    expect(t.rows).toEqual(ROWS);
  });

  test("an empty array has no table", async () => {
    expect(await conversionError(" [ ] ", { json: true })).toMatchObject({ code: "CONVERT_EMPTY" });
  });

  test("objects one per line (JSON Lines in a .json file)", async () => {
    const t = await table(`{"a":1,"b":"x"}\n{"a":2,"c":true}\n`, { json: true });
    expect(t.rows).toEqual(ROWS);
    expect(t.result.details).toEqual({ shape: "lines" });
  });

  test("pretty-printed objects one after another (concatenated JSON)", async () => {
    const t = await table(`{\n  "a": 1,\n  "b": "x"\n}\n{\n  "a": 2, "c": true\n} {"a": 3}`, { json: true });
    expect(t.rows).toEqual([...ROWS, { a: 3n, b: null, c: null }]);
    expect(t.result.details).toEqual({ shape: "concatenated" });
  });

  test("a single object is one row, on one line or pretty-printed", async () => {
    for (const text of [`{"a":1,"b":"x"}`, `\n{\n  "a": 1,\n  "b": "x"\n}\n`]) {
      const t = await table(text, { json: true });
      expect(t.rows).toEqual([{ a: 1n, b: "x" }]);
    }
  });

  test("a wrapper object is one row whose array is a JSON value", async () => {
    const t = await table(`{"data": [{"a": 1}, {"a": 2}], "count": 2}`, { json: true });
    expect(t.rows).toEqual([{ data: `[{"a":1},{"a":2}]`, count: 2n }]);
  });
});

describe("empty input", () => {
  for (const [name, text, json] of [
    ["an empty file", "", false],
    ["whitespace only", " \n\r\n\t", false],
    ["a BOM only", "\ufeff", true],
    ["blank lines only", "\n\n", true],
  ] as const) {
    test(`${name} is CONVERT_EMPTY`, async () => {
      expect(await conversionError(text, { json })).toMatchObject({ code: "CONVERT_EMPTY" });
    });
  }

  test("records without keys have no column: CONVERT_EMPTY", async () => {
    expect(await conversionError(`{}\n{ }\n`)).toMatchObject({ code: "CONVERT_EMPTY" });
  });

  test("an empty record among others is a row of nulls", async () => {
    const t = await table(`{"a":1}\n{}\n`);
    expect(t.rows).toEqual([{ a: 1n }, { a: null }]);
  });
});

describe("chunking and encoding do not change the output", () => {
  const records = [
    String.raw`{"id":1,"name":"Zoë \"Z\" \u00e9\ud83d\ude00","tags":["a", "b"],"at":"2024-01-01T10:00:00Z","n":1.25,"ok":true}`,
    `{"name":"日本語 テキスト","id":2,"at":"2024-01-02T00:00:00.5Z","n":-0,"tags":{"k": [1, {"x": null}]},"ok":false,"extra":12345678901234567}`,
    `{"id":3,"n":1e-5,"at":null,"name":"","ok":null,"tags":null}`,
    `{}`,
  ];
  const inputs: [string, string, boolean][] = [
    ["JSON Lines (CRLF)", records.join("\r\n") + "\r\n", false],
    ["a pretty array", `[\n  ${records.join(",\n  ")}\n]`, true],
    ["concatenated objects", records.map((r) => r.replaceAll(",", ",\n ")).join("\n"), true],
  ];
  for (const [name, text, json] of inputs) {
    test(`${name}: every chunk size gives the same Parquet bytes`, async () => {
      const bytes = bytesOf(`\ufeff${text}`);
      const whole = await convertOnce(bytes, { json });
      expect(whole.result.rows).toBe(4);
      const back = await readParquet(whole.parquet);
      expect(back.rows[1]!.name).toBe("日本語 テキスト");
      expect(back.rows[0]!.name).toBe('Zoë "Z" é😀');
      for (let chunk = 1; chunk <= 64; chunk++) {
        const part = await convertOnce(bytes, { json, chunk });
        if (!Bun.deepEquals(part.parquet, whole.parquet)) throw new Error(`chunk size ${chunk}: different Parquet bytes`);
      }
    });
  }

  test("the worker encoder and small row groups give the same rows", async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `{"i":${i},"s":"v${i % 7}","d":${i / 4},"j":[${i}]}`).join("\n");
    const plain = await readParquet((await convertOnce(text)).parquet);
    const worker = await readParquet((await convertOnce(text, { parallelEncoding: true, rowGroupBytes: 4096, chunk: 1000 })).parquet);
    expect(worker.rows).toEqual(plain.rows);
    expect(plain.rows[2999]).toEqual({ i: 2999n, s: "v3", d: 749.75, j: "[2999]" });
  });
});
