/**
 * The value rules of the JSON converter, end to end: JSON Lines in, Parquet out, read back with
 * DuckDB. Each test states one rule (json-kinds.ts) and checks both the column type and every value
 * exactly (Object.is: -0 included).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { cleanUp, column, days, micros, table, typesOf } from "./json-test-support.ts";

afterAll(cleanUp);

const jsonl = (...records: string[]) => records.join("\n") + "\n";

describe("scalars", () => {
  test("true/false are BOOLEAN, integers INT64, decimals DOUBLE, strings STRING, null is null", async () => {
    const t = await table(jsonl(`{"b":true,"i":42,"d":1.5,"s":"hello","n":null}`, `{"b":false,"i":-7,"d":-0.25,"s":"","n":null}`));
    expect(typesOf(t)).toEqual({ b: "BOOLEAN", i: "INT64", d: "DOUBLE", s: "STRING", n: "STRING" });
    expect(t.duckTypes).toEqual({ b: "BOOLEAN", i: "BIGINT", d: "DOUBLE", s: "VARCHAR", n: "VARCHAR" });
    expect(column(t, "b")).toEqual([true, false]);
    expect(column(t, "i")).toEqual([42n, -7n]);
    expect(column(t, "d")).toEqual([1.5, -0.25]);
    expect(column(t, "s")).toEqual(["hello", ""]);
    expect(column(t, "n")).toEqual([null, null]);
  });

  test("integers beyond 2^53 stay exact INT64 (from the source digits, not a double)", async () => {
    const t = await table(jsonl(`{"a":9007199254740993,"b":9223372036854775807,"c":-9223372036854775808,"z":0}`, `{"a":-9007199254740993,"b":1,"c":-1,"z":-1}`));
    expect(typesOf(t)).toEqual({ a: "INT64", b: "INT64", c: "INT64", z: "INT64" });
    expect(column(t, "a")).toEqual([9007199254740993n, -9007199254740993n]);
    expect(column(t, "b")).toEqual([9223372036854775807n, 1n]);
    expect(column(t, "c")).toEqual([-9223372036854775808n, -1n]);
  });

  test("integers beyond INT64 (2^63, 20+ digits) make the column STRING, every number as written", async () => {
    const t = await table(jsonl(`{"a":9223372036854775808,"b":123456789012345678901234567890}`, `{"a":1,"b":-99999999999999999999}`, `{"a":-9223372036854775809,"b":null}`));
    expect(typesOf(t)).toEqual({ a: "STRING", b: "STRING" });
    expect(column(t, "a")).toEqual(["9223372036854775808", "1", "-9223372036854775809"]);
    expect(column(t, "b")).toEqual(["123456789012345678901234567890", "-99999999999999999999", null]);
  });

  test("-0 and -0.0 are DOUBLE -0, 1.10 is 1.1, 1E5 is 100000", async () => {
    const t = await table(jsonl(`{"z":-0,"y":-0.0,"x":1.10,"e":1E5,"f":2.5e-3}`));
    expect(typesOf(t)).toEqual({ z: "DOUBLE", y: "DOUBLE", x: "DOUBLE", e: "DOUBLE", f: "DOUBLE" });
    expect(Object.is(column(t, "z")[0], -0)).toBe(true);
    expect(Object.is(column(t, "y")[0], -0)).toBe(true);
    expect(column(t, "x")).toEqual([1.1]);
    expect(column(t, "e")).toEqual([100000]);
    expect(column(t, "f")).toEqual([0.0025]);
  });

  test("numbers a double cannot carry (1e400, 1e-400, 17+ significant digits) are STRING as written", async () => {
    const t = await table(jsonl(`{"o":1e400,"u":1e-400,"p":3.14159265358979323846,"q":0.1000000000000000055511151231257827}`));
    expect(typesOf(t)).toEqual({ o: "STRING", u: "STRING", p: "STRING", q: "STRING" });
    expect(t.rows[0]).toEqual({ o: "1e400", u: "1e-400", p: "3.14159265358979323846", q: "0.1000000000000000055511151231257827" });
  });

  test("INT64 with DOUBLE is DOUBLE while every integer fits a double, else STRING", async () => {
    const fit = await table(jsonl(`{"a":1}`, `{"a":2.5}`, `{"a":-9007199254740992}`));
    expect(typesOf(fit)).toEqual({ a: "DOUBLE" });
    expect(column(fit, "a")).toEqual([1, 2.5, -9007199254740992]);
    const big = await table(jsonl(`{"a":9007199254740993}`, `{"a":2.5}`));
    expect(typesOf(big)).toEqual({ a: "STRING" });
    expect(column(big, "a")).toEqual(["9007199254740993", "2.5"]);
  });
});

describe("strings", () => {
  test("strings that look like numbers or booleans stay STRING", async () => {
    const t = await table(jsonl(`{"n":"123","b":"true","f":"1.5","z":"007","e":"1e5","nul":"null"}`, `{"n":"456","b":"false","f":"2","z":"8","e":"2","nul":"NULL"}`));
    expect(typesOf(t)).toEqual({ n: "STRING", b: "STRING", f: "STRING", z: "STRING", e: "STRING", nul: "STRING" });
    expect(t.rows).toEqual([
      { n: "123", b: "true", f: "1.5", z: "007", e: "1e5", nul: "null" },
      { n: "456", b: "false", f: "2", z: "8", e: "2", nul: "NULL" },
    ]);
  });

  test("ISO dates and timestamps in strings are DATE, TIMESTAMP_UTC (with a zone), TIMESTAMP_LOCAL (without)", async () => {
    const t = await table(
      jsonl(
        `{"d":"2024-02-29","tz":"2024-01-01T10:00:00+02:00","tl":"2024-01-01 10:00:00.123456","z":"1999-12-31T23:59:59.5Z"}`,
        `{"d":"0001-01-01","tz":"2024-06-30T00:00Z","tl":"9999-12-31T23:59","z":null}`,
      ),
    );
    expect(typesOf(t)).toEqual({ d: "DATE", tz: "TIMESTAMP_UTC", tl: "TIMESTAMP_LOCAL", z: "TIMESTAMP_UTC" });
    expect(column(t, "d")).toEqual([days("2024-02-29"), -719162]);
    expect(column(t, "tz")).toEqual([micros("2024-01-01T08:00:00Z"), micros("2024-06-30T00:00:00Z")]);
    expect(column(t, "tl")).toEqual([micros("2024-01-01T10:00:00Z", 123456), micros("9999-12-31T23:59:00Z")]);
    expect(column(t, "z")).toEqual([micros("1999-12-31T23:59:59.500Z"), null]);
  });

  test("an invalid date, or dates with timestamps, or a number among dates: STRING as written", async () => {
    const t = await table(jsonl(`{"a":"2023-02-29","b":"2024-01-01","c":"2024-01-01"}`, `{"a":"2023-02-28","b":"2024-01-01T00:00:00","c":20240101}`));
    expect(typesOf(t)).toEqual({ a: "STRING", b: "STRING", c: "STRING" });
    expect(t.rows).toEqual([
      { a: "2023-02-29", b: "2024-01-01", c: "2024-01-01" },
      { a: "2023-02-28", b: "2024-01-01T00:00:00", c: "20240101" },
    ]);
  });

  test("escapes are decoded: quotes, backslash, slash, control letters, \\u, surrogate pairs", async () => {
    // (Bun's transpiler escapes non-ASCII inside String.raw, so the raw UTF-8 part is concatenated.)
    const t = await table(jsonl(String.raw`{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4E2D\ud83d\ude00 \u0000!",` + `"raw":"é中😀"}`));
    expect(column(t, "s")).toEqual(['a"b\\c/d\b\f\n\r\té中😀 \u0000!']);
    expect(column(t, "raw")).toEqual(["é中😀"]);
  });

  test("keys are decoded too: an escaped key and its plain spelling are the same column", async () => {
    const t = await table(jsonl(String.raw`{"k\u00e9y":1}`, `{"kéy":2}`, String.raw`{"a\"b":3}`));
    expect(t.columns.map((c) => c.name)).toEqual(["kéy", 'a"b']);
    expect(column(t, "kéy")).toEqual([1n, 2n, null]);
    expect(column(t, 'a"b')).toEqual([null, null, 3n]);
  });
});

describe("nested values", () => {
  test("objects and arrays are JSON, their text compact, numbers and escapes as the source wrote them", async () => {
    const t = await table(jsonl(String.raw`{"o": {"a" : [1, 2.50, {"b": "x y\n"}], "c": null, "big": 123456789012345678901}, "arr": [ ], "deep":[[[[1]]]], "e": {}}`));
    expect(typesOf(t)).toEqual({ o: "JSON", arr: "JSON", deep: "JSON", e: "JSON" });
    expect(t.duckTypes.o).toBe("JSON");
    expect(t.rows[0]).toEqual({ o: String.raw`{"a":[1,2.50,{"b":"x y\n"}],"c":null,"big":123456789012345678901}`, arr: "[]", deep: "[[[[1]]]]", e: "{}" });
  });

  test("whitespace inside nested strings is kept, around tokens dropped (tabs, CR, LF in a .json array)", async () => {
    const t = await table(`[{"o": {\n\t"k k" :\r\n [ "a , b" ,\t"]" ] } }]`, { json: true });
    expect(column(t, "o")).toEqual([`{"k k":["a , b","]"]}`]);
  });

  test("JSON with nulls is JSON; JSON with anything else is STRING", async () => {
    const t = await table(jsonl(`{"a":{"x":1},"b":[1]}`, `{"a":null,"b":"s"}`));
    expect(typesOf(t)).toEqual({ a: "JSON", b: "STRING" });
    expect(column(t, "b")).toEqual(["[1]", "s"]);
  });
});

describe("columns", () => {
  test("incompatible kinds make STRING: strings decoded, numbers as written, booleans, nested as JSON text", async () => {
    const t = await table(jsonl(`{"m":"text"}`, `{"m":12}`, `{"m":1.50}`, `{"m":true}`, `{"m":{"a": 1}}`, `{"m":[1, 2]}`, `{"m":null}`, String.raw`{"m":"é\n"}`, `{"m":1e400}`));
    expect(typesOf(t)).toEqual({ m: "STRING" });
    expect(column(t, "m")).toEqual(["text", "12", "1.50", "true", `{"a":1}`, "[1,2]", null, "é\n", "1e400"]);
  });

  test("booleans with numbers, and dates with strings, are STRING", async () => {
    const t = await table(jsonl(`{"a":true,"d":"2024-01-01"}`, `{"a":1,"d":"soon"}`));
    expect(typesOf(t)).toEqual({ a: "STRING", d: "STRING" });
    expect(t.rows).toEqual([
      { a: "true", d: "2024-01-01" },
      { a: "1", d: "soon" },
    ]);
  });

  test("columns are the union of keys in order of first appearance; a missing key is null", async () => {
    const t = await table(jsonl(`{"a":1}`, `{"b":2,"a":3}`, `{"c":"x"}`, `{}`, `{"c":"y","b":4}`));
    expect(t.columns).toEqual([
      { name: "a", type: "INT64" },
      { name: "b", type: "INT64" },
      { name: "c", type: "STRING" },
    ]);
    expect(t.rows).toEqual([
      { a: 1n, b: null, c: null },
      { a: 3n, b: 2n, c: null },
      { a: null, b: null, c: "x" },
      { a: null, b: null, c: null },
      { a: null, b: 4n, c: "y" },
    ]);
  });

  test("a column with only nulls is STRING", async () => {
    const t = await table(jsonl(`{"a":null,"b":1}`, `{"b":2}`));
    expect(typesOf(t)).toEqual({ a: "STRING", b: "INT64" });
    expect(column(t, "a")).toEqual([null, null]);
  });

  test("an empty or blank key becomes column_<n>; keys equal but for case get _2, _3", async () => {
    const t = await table(jsonl(`{"":1,"id":2,"ID":3," ":4,"Id":5}`));
    expect(t.columns.map((c) => c.name)).toEqual(["column_1", "id", "ID_2", "column_4", "Id_3"]);
    expect(t.rows).toEqual([{ column_1: 1n, id: 2n, ID_2: 3n, column_4: 4n, Id_3: 5n }]);
    expect(t.result.renames).toEqual([
      { column: 1, from: "", to: "column_1", why: "empty" },
      { column: 3, from: "ID", to: "ID_2", why: "duplicate" },
      { column: 4, from: " ", to: "column_4", why: "empty" },
      { column: 5, from: "Id", to: "Id_3", why: "duplicate" },
    ]);
  });
});
