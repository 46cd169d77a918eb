import { describe, expect, test } from "bun:test";
import { inferColumnTypes, type SampleRows, TypeInference } from "../../../../src/convert/infer/infer-types.ts";

/** A sample from rows of cells; a cell `{ q: "..." }` is quoted. */
function sample(rows: (string | { q: string })[][], columnCount = rows[0]?.length ?? 0): SampleRows {
  const enc = new TextEncoder();
  return {
    columnCount,
    forEachCell(visit) {
      for (const row of rows)
        row.forEach((cell, c) => {
          const text = typeof cell === "string" ? cell : cell.q;
          const bytes = enc.encode(`,${text},`); // cells sit inside a longer buffer
          visit(c, bytes, 1, bytes.length - 1, typeof cell !== "string");
        });
    },
  };
}

const column = (...cells: (string | { q: string })[]): string => inferColumnTypes(sample(cells.map((c) => [c])))[0]!;

describe("inferColumnTypes", () => {
  test("a typical export", () => {
    const types = inferColumnTypes(
      sample([
        ["id", "price", "name", "at", "ok", "qty", "day", "zip", "empty"],
        ["1", "9.99", "apple", "2024-01-01T10:00:00Z", "true", "", "2024-01-01", "01234", ""],
        ["2", "10", "pear", "2024-01-02T10:00:00+02:00", "false", "5", "2023-12-31", "90210", ""],
        ["3", "-0.5", "", "2024-01-03T10:00:00.5-05:00", "true", "", "1960-02-29", "10001", ""],
      ].slice(1)),
    );
    expect(types).toEqual(["INT64", "DOUBLE", "STRING", "TIMESTAMP_UTC", "BOOLEAN", "INT64", "DATE", "STRING", "STRING"]);
  });

  test("nulls are skipped; all-null and empty samples give STRING", () => {
    expect(column("", "", "3")).toBe("INT64");
    expect(column("", "")).toBe("STRING");
    expect(inferColumnTypes(sample([], 3))).toEqual(["STRING", "STRING", "STRING"]);
  });

  test("textual null markers and quoted empties keep their text: the column becomes STRING", () => {
    for (const marker of ["NULL", "null", "NA", "N/A", "-", "nan"]) expect(column("1", marker, "3")).toBe("STRING");
    expect(column("1", { q: "" }, "3")).toBe("STRING");
    expect(column({ q: "1" }, { q: "2" })).toBe("INT64");
  });

  test("INT64 and DOUBLE mix to DOUBLE only when every integer fits 2^53, in any order", () => {
    expect(column("1", "2.5", "9007199254740992")).toBe("DOUBLE");
    expect(column("9007199254740993", "2.5")).toBe("STRING");
    expect(column("2.5", "9007199254740993")).toBe("STRING");
    expect(column("1", "9223372036854775807", "2.5")).toBe("STRING");
    expect(column("1", "9223372036854775807")).toBe("INT64");
    expect(column("1", "-0")).toBe("DOUBLE");
    expect(column("1", "12345678901234567890")).toBe("STRING");
  });

  test("dates and timestamps mix only with their own kind", () => {
    expect(column("2024-01-01", "2024-01-02")).toBe("DATE");
    expect(column("2024-01-01", "2024-01-02 00:00:00")).toBe("STRING");
    expect(column("2024-01-01T00:00:00Z", "2024-01-01T00:00:00")).toBe("STRING");
    expect(column("2024-01-01T00:00:00Z", "2024-01-01 00:00+01:00")).toBe("TIMESTAMP_UTC");
    expect(column("2024-01-01T00:00:00", "2024-01-01 00:00")).toBe("TIMESTAMP_LOCAL");
  });

  test("booleans are lower-case true/false only", () => {
    expect(column("true", "false")).toBe("BOOLEAN");
    expect(column("TRUE", "FALSE")).toBe("STRING");
    expect(column("true", "0")).toBe("STRING");
    expect(column("0", "1")).toBe("INT64");
  });

  test("TypeInference is incremental and rejects columns out of range", () => {
    const inference = new TypeInference(2);
    const bytes = new TextEncoder().encode("12x");
    inference.observe(0, bytes, 0, 2, false);
    expect(inference.typeOf(0)).toBe("INT64");
    expect(inference.typeOf(1)).toBeNull();
    inference.observe(0, bytes, 0, 3, false);
    expect(inference.result()).toEqual(["STRING", "STRING"]);
    expect(() => inference.observe(2, bytes, 0, 1, false)).toThrow(RangeError);
  });
});
