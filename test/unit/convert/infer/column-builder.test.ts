import { describe, expect, test } from "bun:test";
import type { ColumnChunk, ColumnType } from "../../../../src/convert/column-types.ts";
import { ColumnBuilder } from "../../../../src/convert/infer/column-builder.ts";
import { oracleDays, oracleMicros } from "./helpers.ts";

const enc = new TextEncoder();

/** Appends cells (null = unquoted empty, { q } = quoted) from one shared buffer; returns the results. */
function feed(builder: ColumnBuilder, cells: (string | null | { q: string })[]): boolean[] {
  const texts = cells.map((c) => (c === null ? "" : typeof c === "string" ? c : c.q));
  const buf = enc.encode(texts.join("|"));
  let at = 0;
  return cells.map((c, i) => {
    const len = enc.encode(texts[i]!).length;
    const ok = builder.append(buf, at, at + len, c !== null && typeof c !== "string");
    at += len + 1;
    return ok;
  });
}

function build(type: ColumnType, cells: (string | null | { q: string })[]): ColumnChunk {
  const b = new ColumnBuilder(type, 4);
  expect(feed(b, cells)).toEqual(cells.map(() => true));
  expect(b.rows).toBe(cells.length);
  return b.take();
}

const nullsOf = (cells: unknown[]): number[] => cells.map((c) => (c === null ? 1 : 0));

describe("ColumnBuilder chunks", () => {
  test("BOOLEAN", () => {
    const cells = ["true", null, "false", { q: "true" }];
    const chunk = build("BOOLEAN", cells);
    expect(chunk.type).toBe("BOOLEAN");
    if (chunk.type !== "BOOLEAN") return;
    expect([...chunk.values]).toEqual([1, 0, 0, 1]);
    expect([...chunk.nulls]).toEqual(nullsOf(cells));
  });

  test("INT64 across the whole range, nulls have zero slots", () => {
    const cells = ["0", "-9223372036854775808", null, "9223372036854775807", "42", "-9007199254740993"];
    const chunk = build("INT64", cells);
    if (chunk.type !== "INT64") throw new Error(chunk.type);
    expect([...chunk.values]).toEqual([0n, -(2n ** 63n), 0n, 2n ** 63n - 1n, 42n, -9007199254740993n]);
    expect([...chunk.nulls]).toEqual(nullsOf(cells));
    expect(chunk.values.map((v, i) => (chunk.nulls[i] ? 0n : v)).join()).toBe("0,-9223372036854775808,0,9223372036854775807,42,-9007199254740993");
  });

  test("DOUBLE values equal parseFloat, sign of zero kept", () => {
    const cells = ["1.10", "-0", null, "1e308", ".5", "42", "0.30000000000000004", "5e-324"];
    const chunk = build("DOUBLE", cells);
    if (chunk.type !== "DOUBLE") throw new Error(chunk.type);
    cells.forEach((c, i) => expect(Object.is(chunk.values[i], c === null ? 0 : parseFloat(c))).toBe(true));
  });

  test("DATE values are days since the epoch", () => {
    const chunk = build("DATE", ["2024-02-29", null, "1969-12-31", "0001-01-01", "9999-12-31"]);
    if (chunk.type !== "DATE") throw new Error(chunk.type);
    expect([...chunk.values]).toEqual([oracleDays(2024, 2, 29)!, 0, -1, oracleDays(1, 1, 1)!, oracleDays(9999, 12, 31)!]);
  });

  test("TIMESTAMP_UTC and TIMESTAMP_LOCAL values are microseconds", () => {
    const utc = build("TIMESTAMP_UTC", ["2024-01-02T03:04:05.123456+01:00", null, "1969-12-31T23:59:59.999999Z"]);
    if (utc.type !== "TIMESTAMP_UTC") throw new Error(utc.type);
    expect([...utc.values]).toEqual([oracleMicros(2024, 1, 2, 3, 4, 5, 123456, 60), 0n, -1n]);
    const local = build("TIMESTAMP_LOCAL", ["2024-01-02 03:04", "9999-12-31T23:59:59.999999"]);
    if (local.type !== "TIMESTAMP_LOCAL") throw new Error(local.type);
    expect([...local.values]).toEqual([oracleMicros(2024, 1, 2, 3, 4, 0, 0), oracleMicros(9999, 12, 31, 23, 59, 59, 999999)]);
  });

  test("STRING is byte-exact: null vs quoted empty, multi-byte UTF-8, long values", () => {
    const long = "ü".repeat(100) + "x".repeat(5000);
    const cells = ["a", null, { q: "" }, "héllo, 世界 🎉", long, "NULL", { q: "" }];
    const chunk = build("STRING", cells);
    if (chunk.type !== "STRING") throw new Error(chunk.type);
    expect([...chunk.nulls]).toEqual(nullsOf(cells));
    expect(chunk.offsets.length).toBe(cells.length + 1);
    const dec = new TextDecoder();
    const values = cells.map((_, i) => dec.decode(chunk.data.subarray(chunk.offsets[i]!, chunk.offsets[i + 1]!)));
    expect(values).toEqual(["a", "", "", "héllo, 世界 🎉", long, "NULL", ""]);
    expect(chunk.data.length).toBe(chunk.offsets[cells.length]!);
  });

  test("JSON columns hold bytes like STRING", () => {
    const chunk = build("JSON", ['{"a":[1,2]}', null]);
    if (chunk.type !== "JSON") throw new Error(chunk.type);
    expect(new TextDecoder().decode(chunk.data)).toBe('{"a":[1,2]}');
    expect([...chunk.offsets]).toEqual([0, 11, 11]);
  });
});

describe("ColumnBuilder contract", () => {
  test("a value that does not fit is refused and changes nothing", () => {
    const cases: [ColumnType, string[]][] = [
      ["BOOLEAN", ["TRUE", "1", "yes"]],
      ["INT64", ["1.5", "007", "+5", "-0", "9223372036854775808", "NA"]],
      ["DOUBLE", ["NaN", "1e309", "9007199254740993", "3.14159265358979323846264"]],
      ["DATE", ["2023-02-29", "2024-01-01T00:00:00"]],
      ["TIMESTAMP_UTC", ["2024-01-01T00:00:00", "2024-01-01", "2024-01-01T00:00:00.1234567Z"]],
      ["TIMESTAMP_LOCAL", ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00+05:00"]],
    ];
    for (const [type, bad] of cases) {
      const b = new ColumnBuilder(type, 4);
      expect(feed(b, [...bad, { q: "" }])).toEqual([...bad, ""].map(() => false));
      expect(b.rows).toBe(0);
      expect(b.byteSize).toBe(0);
      b.appendNull();
      const chunk = b.take();
      expect(chunk.rows).toBe(1);
      expect([...chunk.nulls]).toEqual([1]);
      if ("values" in chunk) expect(Number(chunk.values[0])).toBe(0); // a refused value left no trace in the slot
    }
  });

  test("storage grows past capacityRows; take() resets and never touches a taken chunk", () => {
    const b = new ColumnBuilder("INT64", 1);
    const cells = Array.from({ length: 100 }, (_, i) => (i % 7 === 3 ? null : String(i * 1_000_000_007)));
    feed(b, cells);
    const first = b.take();
    expect(b.rows).toBe(0);
    feed(b, ["-1", "-2"]);
    const second = b.take();
    if (first.type !== "INT64" || second.type !== "INT64") throw new Error();
    expect(first.rows).toBe(100);
    expect([...first.values]).toEqual(cells.map((c) => (c === null ? 0n : BigInt(c))));
    expect([...first.nulls]).toEqual(nullsOf(cells));
    expect([...second.values]).toEqual([-1n, -2n]);
    expect([...second.nulls]).toEqual([0, 0]);
  });

  test("STRING storage grows for rows and bytes", () => {
    const b = new ColumnBuilder("STRING", 1);
    const cells = Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? null : "x".repeat(i)));
    feed(b, cells);
    const chunk = b.take();
    if (chunk.type !== "STRING") throw new Error();
    const dec = new TextDecoder();
    cells.forEach((c, i) => expect(dec.decode(chunk.data.subarray(chunk.offsets[i]!, chunk.offsets[i + 1]!))).toBe(c ?? ""));
  });

  test("byteSize counts values, null mask and string bytes", () => {
    const s = new ColumnBuilder("STRING", 8);
    feed(s, ["abc", null, "de"]);
    expect(s.byteSize).toBe(3 + 5 + 4 * 4);
    const i = new ColumnBuilder("INT64", 8);
    feed(i, ["1", null]);
    expect(i.byteSize).toBe(18);
  });

  test("widenFor knows whether the column's integers fit a double", () => {
    const b = new ColumnBuilder("INT64", 8);
    const buf = enc.encode("1.5");
    feed(b, ["1", "9007199254740992"]);
    expect(b.intsFitDouble).toBe(true);
    expect(b.widenFor(buf, 0, 3, false)).toBe("DOUBLE");
    feed(b, ["9007199254740993"]);
    expect(b.intsFitDouble).toBe(false);
    expect(b.widenFor(buf, 0, 3, false)).toBe("STRING");
    b.take();
    expect(b.intsFitDouble).toBe(false); // a taken chunk's integers are still in the file
    expect(b.widenFor(enc.encode("42"), 0, 2, false)).toBe("INT64");
  });
});
