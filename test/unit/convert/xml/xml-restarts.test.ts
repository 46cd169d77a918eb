/**
 * After the 4 MiB sample: a value the column's type cannot hold, or a field the sample did not have,
 * throws WidenNeeded; converting again with the overrides (as the pipeline does) gives the wider
 * type or the new column (after the sample's columns, in the overrides' order), with every value.
 */
import { describe, expect, test } from "bun:test";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { cleanUpAfterAll, table } from "./xml-test-helpers.ts";

cleanUpAfterAll();

const SAMPLE_ROWS = 200_000; // ~4.8 MB of `<row><n>i</n></row>\n`: more than the 4 MiB sample
const head = (() => {
  const rows: string[] = ["<export>"];
  for (let i = 0; i < SAMPLE_ROWS; i++) rows.push(`<row><n>${i}</n></row>`);
  return `${rows.join("\n")}\n`;
})();
const headLines = SAMPLE_ROWS + 1;
const xml = (tail: string) => `${head}${tail}\n</export>\n`;

describe("restarts after the sample", () => {
  test("a value the type cannot hold: INT64 → STRING", async () => {
    const t = await table(xml("<row><n>x1</n></row>"), { chunks: 1 << 20 });
    expect(t.restarts.map((w) => ({ column: w.column, name: w.columnName, from: w.from, to: w.to, line: w.line }))).toEqual([
      { column: 0, name: "n", from: "INT64", to: "STRING", line: headLines + 1 },
    ]);
    expect(t.types).toEqual({ n: "VARCHAR" });
    expect(t.rows.at(-1)).toEqual({ n: "x1" });
    expect(t.rows[7]).toEqual({ n: "7" });
  });

  test("a field the sample did not have: absent → a new column after the sample's, null before", async () => {
    const t = await table(xml("<row><n>1</n><late>2024-05-06</late></row>\n<row><n>2</n></row>"), { chunks: 1 << 20 });
    expect(t.restarts.map((w) => [w.column, w.columnName, w.from, w.to, w.line])).toEqual([[1, "late", "absent", "DATE", headLines + 1]]);
    expect(t.result.columns).toEqual([
      { name: "n", type: "INT64" },
      { name: "late", type: "DATE" },
    ]);
    expect(t.rows[0]).toEqual({ n: "0", late: null });
    expect(t.rows.slice(-2)).toEqual([
      { n: "1", late: "2024-05-06" },
      { n: "2", late: null },
    ]);
  });

  test("several new fields, one restart each, columns in the order they appeared; a new field widened later", async () => {
    const tail = '<row a="1"><n>1</n><b>x</b></row>\n<row><n>2</n><c>5</c></row>\n<row><n>3</n><c>5.5</c><a>e</a></row>';
    const t = await table(xml(tail), { chunks: 1 << 20 });
    expect(t.restarts.map((w) => `${w.columnName}:${w.from}→${w.to}`)).toEqual(["a:absent→INT64", "b:absent→STRING", "c:absent→INT64", "a_2:absent→STRING", "c:INT64→DOUBLE"]);
    // The attribute `a` named its column first; the element `a` that comes later gets a suffix.
    expect(t.result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["n:INT64", "a:INT64", "b:STRING", "c:DOUBLE", "a_2:STRING"]);
    expect(t.rows.slice(-3)).toEqual([
      { n: "1", a: "1", b: "x", c: null, a_2: null },
      { n: "2", a: null, b: null, c: 5, a_2: null },
      { n: "3", a: null, b: null, c: 5.5, a_2: "e" },
    ]);
  });

  test("a late attribute whose name is an element column's becomes @name", async () => {
    const t = await table(xml('<row n="attr"><n>1</n></row>'), { chunks: 1 << 20 });
    expect(t.result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["n:INT64", "@n:STRING"]);
    expect(t.rows.at(-1)).toEqual({ n: "1", "@n": "attr" });
  });

  test("a late element whose name differs from a column only by case gets a suffix", async () => {
    const t = await table(xml("<row><N>1</N></row>"), { chunks: 1 << 20 });
    expect(t.result.columns.map((c) => c.name)).toEqual(["n", "N_2"]);
    expect(t.rows.at(-1)).toEqual({ n: null, N_2: "1" });
  });

  test("a nested value in a typed column: INT64 → JSON, the earlier values become JSON strings", async () => {
    const t = await table(xml("<row><n><v>1</v></n></row>\n<row><n>5</n><n>6</n></row>"), { chunks: 1 << 20 });
    expect(t.restarts.map((w) => `${w.columnName}:${w.from}→${w.to}`)).toEqual(["n:INT64→JSON"]);
    expect(t.types).toEqual({ n: "JSON" });
    expect(t.rows[3]).toEqual({ n: '"3"' });
    expect(t.rows.slice(-2)).toEqual([{ n: '{"v":"1"}' }, { n: '["5","6"]' }]);
  });

  test("the record's own text first seen after the sample", async () => {
    const t = await table(xml("<row>note<n>1</n></row>"), { chunks: 1 << 20 });
    expect(t.result.columns.map((c) => c.name)).toEqual(["n", "#text"]);
    expect(t.rows.at(-1)).toEqual({ n: "1", "#text": "note" });
  });

  test("a late field that is only ever xsi:nil needs no column", async () => {
    const t = await table(xml('<row><n>1</n><gone xsi:nil="true"/></row>'), { chunks: 1 << 20 });
    expect(t.restarts).toEqual([]);
    expect(t.result.columns.map((c) => c.name)).toEqual(["n"]);
  });

  test("overrides: a sample column's type, and a column never seen (all null, at the end)", async () => {
    const overrides = new Map<string, ColumnType>([
      ["ghost", "DATE"],
      ["n", "STRING"],
    ]);
    const t = await table("<export><row><n>1</n></row><row><n>2</n></row></export>", { overrides });
    expect(t.result.columns).toEqual([
      { name: "n", type: "STRING" },
      { name: "ghost", type: "DATE" },
    ]);
    expect(t.rows).toEqual([
      { n: "1", ghost: null },
      { n: "2", ghost: null },
    ]);
  });
});
