import { expect, test } from "bun:test";
import { parquetPathFor, tableFormatOf } from "../../../src/convert/table-kind.ts";

test("table formats are recognised by extension, case-insensitively, and nothing else is", () => {
  expect(tableFormatOf("a/b/sales.csv")).toBe("csv");
  expect(tableFormatOf("EXPORT.CSV")).toBe("csv");
  expect(tableFormatOf("x/data.tsv")).toBe("tsv");
  expect(tableFormatOf("feed.XML")).toBe("xml");
  expect(tableFormatOf("a.json")).toBe("json");
  expect(tableFormatOf("a.jsonl")).toBe("jsonl");
  expect(tableFormatOf("a.ndjson")).toBe("jsonl");
  for (const other of ["a/b/report.pdf", "csv", "a.csv/readme", "notes.csv.txt", "a/.csv", "archive.csv.gz"]) expect(tableFormatOf(other)).toBeUndefined();
});

test("the Parquet object takes the same path with .parquet instead of the table extension", () => {
  expect(parquetPathFor("a/b/sales.csv")).toBe("a/b/sales.parquet");
  expect(parquetPathFor("v1.2/export.final.TSV")).toBe("v1.2/export.final.parquet");
});
