import { describe, expect, test } from "bun:test";
import { CsvTokenizer } from "../../../../src/convert/csv/csv-tokenizer.ts";
import { detectHeader, makeColumnNames } from "../../../../src/convert/csv/header.ts";
import { sniffDialect } from "../../../../src/convert/csv/sniff.ts";
import { valueKind } from "../../../../src/convert/csv/value-kind.ts";
import { enc } from "./tokenize-helper.ts";

/** Sniff, tokenize, and decide, as the converter will. */
function decide(csv: string) {
  const bytes = enc(csv);
  const { dialect } = sniffDialect(bytes, { complete: true });
  const rows: string[][] = [];
  const tok = new CsvTokenizer(dialect, { row: (f) => void rows.push(f.texts()) });
  tok.push(bytes);
  tok.end();
  return detectHeader(rows[0]!, rows.slice(1));
}

describe("detectHeader", () => {
  test("text above numeric, date and boolean columns is a header", () => {
    const r = decide("id,price,name,day,active\n1,3.50,foo,2024-01-02,true\n2,4.20,bar,2024-01-03,false\n3,1e3,baz,2024-01-04,true\n");
    expect(r.hasHeader).toBe(true);
    expect(r.reason).toContain('column 1 is numeric below a text first row ("id")');
  });

  test("header-less numeric data", () => {
    const r = decide("1,3.50,foo\n2,4.20,bar\n3,5.00,baz\n");
    expect(r.hasHeader).toBe(false);
    expect(r.reason).toContain("column 1 is numeric in the first row too");
  });

  test("semicolon European CSV with decimal commas, dates and quoted headers", () => {
    const r = decide('"Datum";"Betrag";"Kunde"\n01.02.2024;3,50;Müller\n02.02.2024;1.234,75;"Schmidt; Peter"\n03.02.2024;0,99;Weber\n');
    expect(r.hasHeader).toBe(true);
  });

  test("pipe and tab files with a header", () => {
    expect(decide("ts|level|msg\n2024-05-01T10:00:00Z|3|started\n2024-05-01T10:00:01.5+02:00|4|ok\n").hasHeader).toBe(true);
    expect(decide("user\tscore\nalice\t10\nbob\t12\n").hasHeader).toBe(true);
  });

  test("a single column", () => {
    expect(decide("amount\n10\n20\n30\n").hasHeader).toBe(true);
    expect(decide("5\n10\n20\n").hasHeader).toBe(false);
  });

  test("all text: distinct identifier-like first row is a header", () => {
    const r = decide("first_name,Last Name,city\nalice,Smith,Paris\nbob,Jones,Berlin\n");
    expect(r.hasHeader).toBe(true);
    expect(r.reason).toContain("distinct names");
  });

  test("all text: header-less data whose first values reappear below", () => {
    const r = decide("London,UK\nParis,France\nLyon,France\nLeeds,UK\n");
    expect(r.hasHeader).toBe(false);
    expect(r.reason).toContain('"UK" reappears in column 2');
  });

  test("all text: header-less data that does not look like names", () => {
    expect(decide('"Hello, world!",greeting\n"Bye, now.",farewell\n').hasHeader).toBe(false);
    expect(decide("a,a\nb,c\n").hasHeader).toBe(false); // repeated first-row value
    expect(decide("x,\ny,z\n").hasHeader).toBe(false); // an empty first-row value
  });

  test("an empty header cell does not hide the evidence of the others", () => {
    expect(decide("id,,amount\n1,x,2.5\n2,y,3.5\n").hasHeader).toBe(true);
  });

  test("only one row: a header if it looks like names", () => {
    expect(detectHeader(["id", "name"], []).hasHeader).toBe(true);
    expect(detectHeader(["1", "foo"], []).hasHeader).toBe(false);
  });

  test("NULLs below are no evidence", () => {
    expect(detectHeader(["id", "qty"], [["1", ""], ["2", ""]]).hasHeader).toBe(true);
    expect(detectHeader(["1", "7"], [["2", ""], ["3", "8"]]).hasHeader).toBe(false);
  });

  test("empty first row", () => expect(detectHeader([], [["1"]]).hasHeader).toBe(false));
});

describe("valueKind", () => {
  test("classes", () => {
    const kinds = (xs: string[]) => xs.map(valueKind);
    expect(kinds(["1", "-2.5", "+3", "1,5", "1.234,56", "1,234,567.8", "6.02e23", ".5", "12%"])).toEqual(Array(9).fill("number"));
    expect(kinds(["2024-01-02", "01.02.2024", "1/2/24", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123+01:00"])).toEqual(Array(5).fill("temporal"));
    expect(kinds(["true", "FALSE", "Yes", "no"])).toEqual(Array(4).fill("boolean"));
    expect(kinds(["id", "1a", "12:30", "N/A", "1.2.3"])).toEqual(Array(5).fill("text"));
    expect(kinds(["", "  "])).toEqual(["empty", "empty"]);
  });
});

describe("makeColumnNames", () => {
  test("no header: column_1..N", () => {
    expect(makeColumnNames(null, 3)).toEqual({ names: ["column_1", "column_2", "column_3"], renames: [] });
  });

  test("empty and blank names become column_<n>", () => {
    const r = makeColumnNames(["id", "", "  ", "x"], 4);
    expect(r.names).toEqual(["id", "column_2", "column_3", "x"]);
    expect(r.renames).toEqual([
      { column: 2, from: "", to: "column_2", why: "empty" },
      { column: 3, from: "  ", to: "column_3", why: "empty" },
    ]);
  });

  test("duplicates get _2, _3..., case-insensitively, skipping names in use", () => {
    const r = makeColumnNames(["name", "Name", "name", "name_2", "NAME"], 5);
    expect(r.names).toEqual(["name", "Name_3", "name_4", "name_2", "NAME_5"]);
    expect(r.renames.map((x) => [x.column, x.to, x.why])).toEqual([
      [2, "Name_3", "duplicate"],
      [3, "name_4", "duplicate"],
      [5, "NAME_5", "duplicate"],
    ]);
  });

  test("an empty name whose column_<n> is taken", () => {
    expect(makeColumnNames(["column_2", ""], 2).names).toEqual(["column_2", "column_2_2"]);
  });

  test("more columns than header names, and fewer", () => {
    expect(makeColumnNames(["a"], 3).names).toEqual(["a", "column_2", "column_3"]);
    expect(makeColumnNames(["a", "b", "c"], 2).names).toEqual(["a", "b"]);
  });

  test("names are unique whatever the input", () => {
    const header = ["a", "A", "a_2", "", "a", "column_4", "", "a_3", "a"];
    const { names } = makeColumnNames(header, header.length);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names.every((n) => n.trim() !== "")).toBe(true);
  });
});
