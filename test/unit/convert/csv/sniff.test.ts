import { describe, expect, test } from "bun:test";
import { delimiterForFileName, sniffDialect } from "../../../../src/convert/csv/sniff.ts";
import { enc } from "./tokenize-helper.ts";

const delimiterOf = (s: string | Uint8Array, complete = true) => String.fromCharCode(sniffDialect(typeof s === "string" ? enc(s) : s, { complete }).dialect.delimiter);

describe("sniffDialect", () => {
  test("comma CSV whose quoted text holds semicolons and pipes", () => {
    const csv = 'id,name,comment\n1,Alice,"likes a;b|c"\n2,Bob,"x; y; z"\n3,Carol,plain\n';
    const r = sniffDialect(enc(csv), { complete: true });
    expect(r.dialect).toEqual({ delimiter: 0x2c, quote: 0x22 });
    expect(r.fieldCount).toBe(3);
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(r.reason).toContain("',' gives 3 fields on 4 of 4 sampled rows");
  });

  test("European semicolon CSV with decimal commas and dates", () => {
    const csv = "Datum;Betrag;Menge;Kunde\n01.02.2024;3,50;1;Müller GmbH\n02.02.2024;1.234,75;12;Schmidt, Peter\n03.02.2024;0,99;;Weber\n";
    const r = sniffDialect(enc(csv), { complete: true });
    expect(String.fromCharCode(r.dialect.delimiter)).toBe(";");
    expect(r.fieldCount).toBe(4);
  });

  test("semicolon data with decimal commas and no header: both split evenly, ';' wins", () => {
    expect(delimiterOf("1;3,50\n2;4,25\n3;0,10\n")).toBe(";");
    expect(delimiterOf("1;3,50;4,20\n2;4,25;1,00\n")).toBe(";");
  });

  test("pipe and tab", () => {
    expect(delimiterOf("a|b|c\n1|2,5|x\n3|4|y z\n")).toBe("|");
    expect(delimiterOf("name\tcity\tnote\nAlice\tParis\thello, world\nBob\tBerlin\tfoo; bar\n")).toBe("\t");
  });

  test("a comma CSV whose every row holds one tab inside a field is still comma", () => {
    expect(delimiterOf('a,b,c\n1,"x\ty",3\n4,"u\tv",6\n')).toBe(",");
  });

  test("quoted headers and quoted fields everywhere", () => {
    expect(delimiterOf('"id";"name";"amount"\n"1";"Smith, J";"3,5"\n"2";"Doe, A";"4"\n')).toBe(";");
    expect(delimiterOf('"id","name","amount"\n"1","a;b","3.5"\n"2","c;d","4"\n')).toBe(",");
  });

  test("a single column: low confidence, ','", () => {
    const r = sniffDialect(enc("name\nalice\nbob\nSmith, John\ncarol\n"), { complete: true });
    expect(r.dialect.delimiter).toBe(0x2c);
    expect(r.fieldCount).toBe(1);
    expect(r.confidence).toBeLessThan(0.5);
    expect(r.reason).toContain("single column");
  });

  test("one odd row among many does not change the answer", () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},item ${i},${i * 2}`);
    rows[20] = "20,item; twenty,40,extra";
    expect(delimiterOf(`id,name,qty\n${rows.join("\n")}\n`)).toBe(",");
  });

  test("a cut sample: the last partial row (even mid-quote or mid-character) is ignored", () => {
    const full = enc('a;b\n1;"x\ny"\n2;"é');
    const cut = full.subarray(0, full.length - 1); // cuts é in half
    const r = sniffDialect(cut);
    expect(String.fromCharCode(r.dialect.delimiter)).toBe(";");
    expect(r.reason).toContain("on 2 of 2 sampled rows");
  });

  test("a wrong delimiter that breaks the quoting loses", () => {
    // With ',' the closing quote of "a;b" is followed by ';': a CSV_BAD_QUOTE.
    expect(delimiterOf('"a;b";"c"\n"d";"e,f"\n')).toBe(";");
  });

  test("only the first 64 KiB are read", () => {
    const head = "a;b;c\n".repeat(20_000); // 120 KB
    const r = sniffDialect(enc(`${head}x,y,z,w,v\n`.repeat(1)));
    expect(String.fromCharCode(r.dialect.delimiter)).toBe(";");
  });

  test("no complete row", () => {
    const r = sniffDialect(enc("a,b,c"));
    expect(r.confidence).toBe(0);
    expect(r.dialect.delimiter).toBe(0x2c);
    expect(sniffDialect(enc("a,b,c"), { complete: true }).fieldCount).toBe(3);
  });

  test("forced delimiter, and .tsv files", () => {
    expect(sniffDialect(enc("a,b\n"), { delimiter: 0x09 })).toMatchObject({ dialect: { delimiter: 0x09, quote: 0x22 }, confidence: 1, fieldCount: 1 });
    expect(sniffDialect(enc("a\tb\n1\t2\n"), { delimiter: 0x09 }).fieldCount).toBe(2);
    expect(delimiterForFileName("export.TSV")).toBe(0x09);
    expect(delimiterForFileName("x.tab")).toBe(0x09);
    expect(delimiterForFileName("x.csv")).toBeUndefined();
  });

  test("invalid UTF-8 after a few rows does not stop the sniffing", () => {
    const bytes = new Uint8Array([...enc("a|b\n1|2\n3|"), 0xff, ...enc("\n5|6\n")]);
    expect(delimiterOf(bytes)).toBe("|");
  });
});
