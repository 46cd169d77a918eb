/**
 * Chunk boundaries must not change anything: a tricky sample split at every byte position, at every
 * pair of positions and in 1-byte chunks gives the same events, the same error at the same place,
 * and the same Parquet bytes as the whole input.
 */
import { describe, expect, test } from "bun:test";
import { convert, enc, events, type EventsResult } from "./xml-test-helpers.ts";

// BOM, declaration, DOCTYPE, comments and PIs (in prolog, records and epilog), CRLF and lone CR,
// characters of 2, 3 and 4 bytes in names, attributes, text and CDATA, entities and character
// references, `]]` and `>` near CDATA ends, self-closing and empty elements, repeated and nested
// children, mixed content, an attribute/element name clash.
const TRICKY =
  '\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n<!DOCTYPE export SYSTEM "e.dtd">\r\n<!-- héllo - x -->\r\n' +
  '<export xmlns:x="urn:x">\r\n  <row id="1" x:note="a&amp;b&#x1F600;\r\nc">\r\n    <name>Zürich &lt;HQ&gt;</name>\r\n' +
  "    <city><![CDATA[日本 ]] > <x>]]]></city>\r    <tags><tag>a</tag><tag>b</tag></tags>\n    <?pi x?><empty/><blank></blank>\n" +
  '    <id>7</id>\n  </row>\n  <row id="2">mixed 😀<name>B&#233;</name>more<!-- c --></row>\n  <données clé="€">x</données>\n</export>\n<!-- end -->\n';

function everySplit(input: string | Uint8Array): EventsResult {
  const bytes = typeof input === "string" ? enc(input) : input;
  const whole = events(bytes);
  expect(events(bytes, 1)).toEqual(whole);
  for (let p = 0; p <= bytes.length; p++) {
    const got = events(bytes, [p]);
    if (!Bun.deepEquals(got, whole)) expect({ split: p, got }).toEqual({ split: p, got: whole });
  }
  for (let p = 0; p <= bytes.length; p += 3) {
    for (let q = p; q <= bytes.length; q++) {
      const got = events(bytes, [p, q]);
      if (!Bun.deepEquals(got, whole)) expect({ split: [p, q], got }).toEqual({ split: [p, q], got: whole });
    }
  }
  return whole;
}

describe("chunk boundaries", () => {
  test("the tricky sample: same events at every split, every pair of splits, 1-byte chunks", () => {
    const whole = everySplit(TRICKY);
    expect(whole.error).toBeUndefined();
    expect(whole.events).toContain('<row id="1" x:note="a&b😀 c">');
    expect(whole.events).toContain(JSON.stringify("日本 ]] > <x>]"));
  });

  test("an error at the end of the tricky sample: same code, line and column at every split", () => {
    const head = TRICKY.slice(0, TRICKY.indexOf("</export>"));
    const whole = everySplit(`${head}<b>é</c>`);
    const line = 1 + (head.match(/\r\n|\r|\n/g) ?? []).length;
    expect(whole.error).toMatchObject({ code: "XML_MALFORMED", line, column: 5 });
  });

  test("invalid UTF-8 and a truncated file: same error at every split", () => {
    const bad = new Uint8Array([...enc("<a>\n日本"), 0xe6, 0x97, ...enc("x</a>")]);
    expect(everySplit(bad).error).toMatchObject({ code: "XML_INVALID_UTF8", line: 2, column: 3 });
    expect(everySplit("<a>\r\n<b>x<!-- never closed -").error).toMatchObject({ code: "XML_TRUNCATED", line: 2, column: 5 });
  });

  test("random chunk sizes over a repeated sample", () => {
    const body = TRICKY.slice(TRICKY.indexOf("<export"), TRICKY.indexOf("</export>"));
    const rows = body.slice(body.indexOf("<row"));
    const bytes = enc(`<export>${rows.repeat(50)}</export>`);
    const whole = events(bytes);
    expect(whole.error).toBeUndefined();
    let seed = 11;
    for (let run = 0; run < 100; run++) {
      const cuts: number[] = [];
      for (let p = 0; p < bytes.length; ) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        p += 1 + (seed % 97);
        cuts.push(p);
      }
      expect(events(bytes, cuts)).toEqual(whole);
    }
  });

  test("the conversion gives the same Parquet bytes at every split position", async () => {
    const whole = await convert(TRICKY);
    expect(whole.result.rows).toBe(2); // <données> is not a <row>: skipped
    const bytes = enc(TRICKY);
    for (let p = 0; p <= bytes.length; p++) {
      const got = await convert(bytes, { chunks: [p] });
      if (!Bun.deepEquals(got.parquet, whole.parquet)) throw new Error(`the Parquet differs when the input is split at byte ${p}`);
    }
    expect((await convert(bytes, { chunks: 1 })).parquet).toEqual(whole.parquet);
  });
});
