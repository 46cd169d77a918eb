import { describe, expect, test } from "bun:test";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { CellKind, classifyCell } from "../../../../src/convert/infer/cell-kind.ts";
import { joinKind, widen } from "../../../../src/convert/infer/widen.ts";
import { range } from "./helpers.ts";

const kind = (text: string, quoted = false): CellKind => classifyCell(...range(text), quoted);

describe("classifyCell", () => {
  test.each([
    ["", false, CellKind.NULL],
    ["", true, CellKind.STRING], // "" is the empty string
    ["NULL", false, CellKind.STRING],
    ["null", false, CellKind.STRING],
    ["NA", false, CellKind.STRING],
    ["N/A", false, CellKind.STRING],
    [" ", false, CellKind.STRING],
    ["true", false, CellKind.BOOLEAN],
    ["false", true, CellKind.BOOLEAN], // quoting does not change a value
    ["TRUE", false, CellKind.STRING],
    ["True", false, CellKind.STRING],
    ["FALSE", false, CellKind.STRING],
    ["t", false, CellKind.STRING],
    ["truex", false, CellKind.STRING],
    ["fals", false, CellKind.STRING],
    ["0", false, CellKind.INT_SAFE], // not a boolean
    ["1", false, CellKind.INT_SAFE],
    ["42", true, CellKind.INT_SAFE],
    ["-9007199254740992", false, CellKind.INT_SAFE],
    ["9007199254740993", false, CellKind.INT_BIG],
    ["9223372036854775807", false, CellKind.INT_BIG],
    ["9223372036854775808", false, CellKind.STRING], // beyond INT64 and beyond 2^53: neither
    ["007", false, CellKind.STRING],
    ["+5", false, CellKind.STRING],
    ["-0", false, CellKind.DOUBLE], // only a double keeps the sign
    ["1.5", false, CellKind.DOUBLE],
    [".5", false, CellKind.DOUBLE],
    ["1e10", false, CellKind.DOUBLE],
    ["-1.5e-3", false, CellKind.DOUBLE],
    ["1e309", false, CellKind.STRING],
    ["NaN", false, CellKind.STRING],
    ["-Infinity", false, CellKind.STRING],
    ["2024-02-29", false, CellKind.DATE],
    ["2023-02-29", false, CellKind.STRING],
    ["2024-02-29T10:00:00Z", false, CellKind.TIMESTAMP_UTC],
    ["2024-02-29 10:00:00+01:00", false, CellKind.TIMESTAMP_UTC],
    ["2024-02-29 10:00:00", false, CellKind.TIMESTAMP_LOCAL],
    ["2024-02-29 10:00:00.1234567", false, CellKind.STRING],
    ["1234-5678", false, CellKind.STRING],
    ["hello", false, CellKind.STRING],
    ["é", false, CellKind.STRING],
  ])("%p (quoted %p)", (text, quoted, expected) => {
    expect(kind(text, quoted)).toBe(expected);
  });
});

const TYPES: ColumnType[] = ["BOOLEAN", "INT64", "DOUBLE", "DATE", "TIMESTAMP_UTC", "TIMESTAMP_LOCAL", "STRING"];
const SAMPLES: Record<string, string> = {
  NULL: "",
  BOOLEAN: "true",
  INT_SAFE: "12",
  INT_BIG: "9007199254740993",
  DOUBLE: "1.5",
  DATE: "2024-01-01",
  TIMESTAMP_UTC: "2024-01-01T00:00:00Z",
  TIMESTAMP_LOCAL: "2024-01-01 00:00:00",
  STRING: "x",
};

describe("widening lattice", () => {
  test("the full table", () => {
    const table: Record<string, string> = {};
    for (const t of TYPES) for (const [k, text] of Object.entries(SAMPLES)) table[`${t}+${k}`] = widen(t, ...range(text));
    const expected: Record<string, string> = {};
    for (const t of TYPES)
      for (const k of Object.keys(SAMPLES)) {
        const same = k === t || (t === "INT64" && k.startsWith("INT")) || (t === "DOUBLE" && k === "INT_SAFE");
        expected[`${t}+${k}`] = k === "NULL" || same ? t : t === "INT64" && k === "DOUBLE" ? "DOUBLE" : "STRING";
      }
    expect(table).toEqual(expected);
  });

  test("INT64 widens to DOUBLE only while its integers fit 2^53", () => {
    expect(widen("INT64", ...range("1.5"), false, true)).toBe("DOUBLE");
    expect(widen("INT64", ...range("1.5"), false, false)).toBe("STRING");
    expect(widen("DOUBLE", ...range("9007199254740992"))).toBe("DOUBLE");
    expect(widen("DOUBLE", ...range("9007199254740993"))).toBe("STRING");
    expect(widen("DOUBLE", ...range("-9223372036854775808"))).toBe("STRING");
  });

  test("DATE and TIMESTAMP_LOCAL do not mix; neither do UTC and LOCAL", () => {
    expect(widen("DATE", ...range("2024-01-01 00:00:00"))).toBe("STRING");
    expect(widen("TIMESTAMP_LOCAL", ...range("2024-01-01"))).toBe("STRING");
    expect(widen("TIMESTAMP_UTC", ...range("2024-01-01 00:00:00"))).toBe("STRING");
    expect(widen("TIMESTAMP_LOCAL", ...range("2024-01-01 00:00:00Z"))).toBe("STRING");
  });

  test("null never widens; the quoted empty string does", () => {
    for (const t of TYPES) {
      expect(widen(t, ...range(""), false)).toBe(t);
      expect(widen(t, ...range(""), true)).toBe("STRING");
    }
    expect(widen("JSON", ...range(""), false)).toBe("JSON");
    expect(widen("JSON", ...range("1"))).toBe("STRING");
  });

  test("join is commutative and monotone over every pair of kinds", () => {
    const kinds = Object.values(CellKind);
    const rank = (t: ColumnType | null): number => (t === null ? 0 : t === "STRING" ? 3 : t === "DOUBLE" ? 2 : 1);
    for (const a of kinds)
      for (const b of kinds) {
        const ab = joinKind(joinKind(null, a, a !== CellKind.INT_BIG), b, a !== CellKind.INT_BIG && b !== CellKind.INT_BIG);
        const ba = joinKind(joinKind(null, b, b !== CellKind.INT_BIG), a, a !== CellKind.INT_BIG && b !== CellKind.INT_BIG);
        expect([a, b, ab]).toEqual([a, b, ba]);
        expect(rank(ab)).toBeGreaterThanOrEqual(rank(joinKind(null, a, true)));
      }
  });
});
