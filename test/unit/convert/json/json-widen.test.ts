/**
 * What happens after the sample (the first 4 MiB): a value the sample's type cannot hold, or a key
 * the sample never saw, throws WidenNeeded; the caller converts again with the override, and then
 * the value lands exactly and the new key has its column (after the sample's, in the overrides'
 * order). Inputs are a little over 4 MiB of filler records, fed in 64 KiB chunks.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { WidenNeeded } from "../../../../src/convert/table-converter.ts";
import { cleanUp, column, convertOnce, table, typesOf } from "./json-test-support.ts";

afterAll(cleanUp);

const CHUNK = 64 * 1024;
const FILLER_ROWS = 46_000; // about 4.6 MB: past the 4 MiB sample

/** Filler records {"a": i, "b": "..."} (about 100 bytes each), one per line, then `tail` lines. */
function withTail(tail: string[], rows = FILLER_ROWS): { text: string; tailLine: number } {
  const lines = Array.from({ length: rows }, (_, i) => `{"a":${i},"b":"row ${i} ${"-".repeat(70)}","d":"2024-01-01"}`);
  return { text: [...lines, ...tail].join("\n") + "\n", tailLine: rows + 1 };
}

async function firstWiden(text: string, json = false): Promise<WidenNeeded> {
  try {
    await convertOnce(text, { chunk: CHUNK, json });
  } catch (err) {
    if (err instanceof WidenNeeded) return err;
    throw err;
  }
  throw new Error("expected WidenNeeded");
}

describe("a key first seen after the sample", () => {
  test("throws WidenNeeded 'absent' with the next column, the value's type and the line; the restart adds the column", async () => {
    const { text, tailLine } = withTail([`{"a":1,"late":42}`, `{"late":7,"a":2}`]);
    const w = await firstWiden(text);
    expect({ column: w.column, name: w.columnName, from: w.from, to: w.to, line: w.line }).toEqual({ column: 3, name: "late", from: "absent", to: "INT64", line: tailLine });
    const t = await table(text, { chunk: CHUNK });
    expect(t.widenings).toHaveLength(1);
    expect(t.columns).toEqual([
      { name: "a", type: "INT64" },
      { name: "b", type: "STRING" },
      { name: "d", type: "DATE" },
      { name: "late", type: "INT64" },
    ]);
    const late = column(t, "late");
    expect(late.slice(-3)).toEqual([null, 42n, 7n]);
    expect(late.filter((v) => v !== null)).toHaveLength(2);
    expect(t.rows).toHaveLength(FILLER_ROWS + 2);
  });

  test("the new column's type is its first value's: JSON for nested, DATE for a date string, STRING for null", async () => {
    for (const [value, type] of [
      [`{"x": [1]}`, "JSON"],
      [`"2024-05-06"`, "DATE"],
      [`"text"`, "STRING"],
      [`null`, "STRING"],
      [`1.5`, "DOUBLE"],
      [`false`, "BOOLEAN"],
      [`99999999999999999999`, "STRING"],
    ] as const) {
      const w = await firstWiden(withTail([`{"late":${value}}`]).text);
      expect({ value, to: w.to }).toEqual({ value, to: type });
    }
  });

  test("later values widen the new column in further restarts; several new keys keep their order", async () => {
    const { text } = withTail([`{"k2":1}`, `{"k1":"x","k2":2.5}`, `{"k3":{"z":1},"k1":"y"}`]);
    const t = await table(text, { chunk: CHUNK });
    expect(t.widenings.map((w) => [w.columnName, w.from, w.to])).toEqual([
      ["k2", "absent", "INT64"],
      ["k1", "absent", "STRING"],
      ["k2", "INT64", "DOUBLE"],
      ["k3", "absent", "JSON"],
    ]);
    expect(t.columns.slice(3)).toEqual([
      { name: "k2", type: "DOUBLE" },
      { name: "k1", type: "STRING" },
      { name: "k3", type: "JSON" },
    ]);
    expect(t.rows.slice(-3)).toEqual([
      { a: null, b: null, d: null, k2: 1, k1: null, k3: null },
      { a: null, b: null, d: null, k2: 2.5, k1: "x", k3: null },
      { a: null, b: null, d: null, k2: null, k1: "y", k3: `{"z":1}` },
    ]);
  });

  test("a late key equal but for case to a column, or empty, gets a unique name, again on the restart", async () => {
    const { text } = withTail([`{"A":1,"":2}`, `{"":3,"A":4,"a":5}`]);
    const t = await table(text, { chunk: CHUNK });
    expect(t.widenings.map((w) => w.columnName)).toEqual(["A_2", "column_5"]);
    expect(t.columns.map((c) => c.name)).toEqual(["a", "b", "d", "A_2", "column_5"]);
    expect(t.rows.slice(-2)).toEqual([
      { a: null, b: null, d: null, A_2: 1n, column_5: 2n },
      { a: 5n, b: null, d: null, A_2: 4n, column_5: 3n },
    ]);
    expect(t.result.renames).toEqual([
      { column: 4, from: "A", to: "A_2", why: "duplicate" },
      { column: 5, from: "", to: "column_5", why: "empty" },
    ]);
  });

  test("in a .json array too", async () => {
    const rows = Array.from({ length: FILLER_ROWS }, (_, i) => `  {"a": ${i}, "b": "row ${i} ${"-".repeat(70)}"}`);
    const text = `[\n${rows.join(",\n")},\n  {"a": 0, "new": "2024-01-01T00:00:00Z"}\n]\n`;
    const w = await firstWiden(text, true);
    expect({ name: w.columnName, to: w.to, line: w.line, column: w.column }).toEqual({ name: "new", to: "TIMESTAMP_UTC", line: FILLER_ROWS + 2, column: 2 });
    const t = await table(text, { json: true, chunk: CHUNK });
    expect(column(t, "new").at(-1)).toBe(1704067200000000n);
  });

  test("an override column whose key never comes stays all null", async () => {
    const t = await table(`{"a":1}\n`, { overrides: new Map([["ghost", "INT64"]]) });
    expect(t.columns).toEqual([
      { name: "a", type: "INT64" },
      { name: "ghost", type: "INT64" },
    ]);
    expect(t.rows).toEqual([{ a: 1n, ghost: null }]);
  });
});

describe("a value the sample's type cannot hold", () => {
  const cases: [string, string, ColumnType, string][] = [
    ["a decimal in an INT64 column", `{"a":1.5}`, "DOUBLE", "1.5"],
    ["-0 in an INT64 column", `{"a":-0}`, "DOUBLE", "-0"],
    ["a string in an INT64 column", `{"a":"12"}`, "STRING", "12"],
    ["2^63 in an INT64 column", `{"a":9223372036854775808}`, "STRING", "9223372036854775808"],
    ["a boolean in an INT64 column", `{"a":true}`, "STRING", "true"],
    ["an object in an INT64 column", `{"a":{"k": 1}}`, "STRING", `{"k":1}`],
  ];
  for (const [name, tail, to, last] of cases) {
    test(`${name}: restart as ${to}, every value exact`, async () => {
      const { text, tailLine } = withTail([tail]);
      const w = await firstWiden(text);
      expect({ column: w.column, name: w.columnName, from: w.from, to: w.to, line: w.line }).toEqual({ column: 0, name: "a", from: "INT64", to, line: tailLine });
      const t = await table(text, { chunk: CHUNK });
      expect(typesOf(t).a).toBe(to);
      const a = column(t, "a");
      const lastValue = a.at(-1);
      expect(typeof lastValue === "number" ? String(Object.is(lastValue, -0) ? "-0" : lastValue) : lastValue).toBe(last);
      expect(a[12345]).toEqual(to === "DOUBLE" ? 12345 : "12345");
    });
  }

  test("a DATE column meeting a timestamp, and a JSON column meeting a string, become STRING", async () => {
    const { text } = withTail([`{"d":"2024-01-01T10:00:00"}`]);
    const t = await table(text, { chunk: CHUNK });
    expect(typesOf(t).d).toBe("STRING");
    expect(column(t, "d").slice(-2)).toEqual(["2024-01-01", "2024-01-01T10:00:00"]);

    const rows = Array.from({ length: 40_000 }, (_, i) => `{"j":[${i}, "${"=".repeat(120)}"]}`);
    const t2 = await table([...rows, `{"j":"plain"}`].join("\n"), { chunk: CHUNK });
    expect(t2.widenings.map((w) => [w.from, w.to])).toEqual([["JSON", "STRING"]]);
    expect(column(t2, "j").slice(-2)).toEqual([`[39999,"${"=".repeat(120)}"]`, "plain"]);
  });

  test("a STRING column takes anything without a restart", async () => {
    const { text } = withTail([`{"b":12}`, `{"b":{"x": true}}`, `{"b":false}`]);
    const t = await table(text, { chunk: CHUNK });
    expect(t.widenings).toEqual([]);
    expect(column(t, "b").slice(-3)).toEqual(["12", `{"x":true}`, "false"]);
  });
});
