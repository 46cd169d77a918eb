/**
 * XML → Parquet, read back by DuckDB: fields as columns (attributes, child elements, own text),
 * name clashes, nested and repeated children as JSON, empty versus absent, xsi:nil, entities and
 * CDATA in values, namespaces, BOM and CRLF, inferred types, row groups.
 */
import { describe, expect, test } from "bun:test";
import { cleanUpAfterAll, table } from "./xml-test-helpers.ts";

cleanUpAfterAll();

describe("fields become columns", () => {
  test("attributes and child elements, in order of first appearance across the sample's records", async () => {
    const t = await table('<export><row id="1"><name>a</name></row><row id="2" flag="true"><city>x</city><name>b</name></row></export>');
    expect(t.result.columns.map((c) => c.name)).toEqual(["id", "name", "flag", "city"]);
    expect(t.rows).toEqual([
      { id: "1", name: "a", flag: null, city: null },
      { id: "2", name: "b", flag: true, city: "x" },
    ]);
  });

  test("an attribute and a child element with the same name: the attribute becomes @name", async () => {
    const t = await table('<export><row id="a1"><id>1</id></row><row id="a2"><id>2</id></row></export>');
    expect(t.result.columns.map((c) => c.name)).toEqual(["@id", "id"]);
    expect(t.result.renames).toEqual([{ column: 1, from: "id", to: "@id", why: "an attribute and a child element share the name" }]);
    expect(t.rows).toEqual([
      { "@id": "a1", id: "1" },
      { "@id": "a2", id: "2" },
    ]);
  });

  test("names that differ only in case are made unique (engines resolve names ignoring case)", async () => {
    const t = await table("<export><row><Name>a</Name><name>b</name></row></export>");
    expect(t.result.columns.map((c) => c.name)).toEqual(["Name", "name_2"]);
    expect(t.result.renames).toEqual([{ column: 2, from: "name", to: "name_2", why: "duplicate" }]);
  });

  test("the record's own text is #text, exactly as written; white space between children is not text", async () => {
    const t = await table("<export>\n  <row>\n    <a>1</a>\n  </row>\n  <row>  hello <a>2</a> world\n  </row>\n  <row>only</row>\n</export>");
    expect(t.result.columns.map((c) => c.name)).toEqual(["a", "#text"]);
    expect(t.rows).toEqual([
      { a: "1", "#text": null },
      { a: "2", "#text": "  hello  world\n  " },
      { a: null, "#text": "only" },
    ]);
  });

  test("namespaces: qualified names as written; xmlns declarations are not columns", async () => {
    const t = await table('<e:export xmlns:e="urn:e"><e:row xmlns:x="urn:x" x:id="1"><x:a>v</x:a></e:row></e:export>');
    expect(t.rows).toEqual([{ "x:id": "1", "x:a": "v" }]);
  });
});

describe("nested and repeated children are JSON", () => {
  test("a child with its own children or attributes: an object; repeated names: arrays", async () => {
    const xml = `<export><row>
      <addr kind="home"><street>Main &amp; 1st</street><zip>01234</zip><phone>1</phone><phone>2</phone></addr>
      <tag>a</tag><tag>b</tag>
      <item><sku>1</sku></item><item><sku>2</sku><note/></item>
    </row><row/></export>`;
    const t = await table(xml);
    expect(t.types).toEqual({ addr: "JSON", tag: "JSON", item: "JSON" });
    expect(t.result.columns.map((c) => c.type)).toEqual(["JSON", "JSON", "JSON"]);
    const row = t.rows[0]!;
    expect(row.addr).toBe('{"@kind":"home","street":"Main & 1st","zip":"01234","phone":["1","2"]}');
    expect(row.tag).toBe('["a","b"]');
    expect(row.item).toBe('[{"sku":"1"},{"sku":"2","note":""}]');
  });

  test("attributes with text, mixed content, deep nesting, escaping, xsi:nil inside", async () => {
    const xml =
      '<export><row><p lang="en">Hi <b>you</b>!</p><deep><a><b><c x="1">"q"\\\t</c></b></a></deep>' +
      '<m><v xsi:nil="true"/><v>1</v></m></row><row/></export>';
    const t = await table(xml);
    expect(t.rows[0]).toEqual({
      p: '{"@lang":"en","b":"you","#text":"Hi !"}',
      deep: '{"a":{"b":{"c":{"@x":"1","#text":"\\"q\\"\\\\\\t"}}}}',
      m: '{"v":[null,"1"]}',
    });
  });

  test("an element with many children: grouped by name in order of first appearance", async () => {
    const kids = Array.from({ length: 90 }, (_, i) => `<${["a", "b", "c"][i % 3]}>${i}</${["a", "b", "c"][i % 3]}>`).join("");
    const t = await table(`<export><row><big>${kids}<solo>s</solo></big></row><row/></export>`);
    const big = JSON.parse(String(t.rows[0]!.big));
    expect(Object.keys(big)).toEqual(["a", "b", "c", "solo"]);
    expect(big.a).toEqual(Array.from({ length: 30 }, (_, i) => String(3 * i)));
    expect(big.c).toHaveLength(30);
    expect(big.solo).toBe("s");
  });

  test("in a JSON column, plain text values are JSON strings", async () => {
    const t = await table("<export><row><v>1</v></row><row><v>2</v><v>3</v></row><row><v/></row></export>");
    expect(t.rows.map((r) => r.v)).toEqual(['"1"', '["2","3"]', '""']);
    const parsed = await t.rows.map((r) => JSON.parse(String(r.v)));
    expect(parsed).toEqual(["1", ["2", "3"], ""]);
  });
});

describe("empty versus absent", () => {
  test("absent element or attribute = null; <a/>, <a></a>, a=\"\" = the empty string; white space is kept", async () => {
    const t = await table('<export><row a=""><x/><y></y><z> </z></row><row/><row a="1"><x>v</x></row></export>');
    expect(t.rows).toEqual([
      { a: "", x: "", y: "", z: " " },
      { a: null, x: null, y: null, z: null },
      { a: "1", x: "v", y: null, z: null },
    ]);
    expect(t.types).toEqual({ a: "VARCHAR", x: "VARCHAR", y: "VARCHAR", z: "VARCHAR" });
  });

  test("an empty element makes a numeric column STRING (the empty string is not a number)", async () => {
    const t = await table("<export><row><n>1</n></row><row><n/></row><row><n>3</n></row></export>");
    expect(t.types).toEqual({ n: "VARCHAR" });
    expect(t.rows.map((r) => r.n)).toEqual(["1", "", "3"]);
  });

  test("xsi:nil=\"true\" is null and keeps the column typed", async () => {
    const t = await table('<export xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><row><n>1</n></row><row><n xsi:nil="true"/></row><row><n>3</n></row></export>');
    expect(t.types).toEqual({ n: "BIGINT" });
    expect(t.rows.map((r) => r.n)).toEqual(["1", null, "3"]);
  });
});

describe("text values", () => {
  test("entities, character references, CDATA and line ends in values", async () => {
    const t = await table('<export><row v="a&lt;b &#x263A;"><t>x &amp; y &#233;</t><c><![CDATA[<html>&amp;</html>]]></c><m>1\r\n2</m></row></export>');
    expect(t.rows[0]).toEqual({ v: "a<b ☺", t: "x & y é", c: "<html>&amp;</html>", m: "1\n2" });
  });

  test("comments and PIs inside a value do not split it", async () => {
    const t = await table("<export><row><v>ab<!-- x -->cd<?p?>ef</v></row></export>");
    expect(t.rows[0]).toEqual({ v: "abcdef" });
  });

  test("a BOM, a declaration and CRLF line ends", async () => {
    const t = await table('\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n<export>\r\n  <row>\r\n    <a>1</a>\r\n  </row>\r\n</export>\r\n');
    expect(t.rows).toEqual([{ a: "1" }]);
  });

  test("ISO-8859-1 text arrives as UTF-8", async () => {
    const head = new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><export><row><city>Z');
    const t = await table(new Uint8Array([...head, 0xfc, ...new TextEncoder().encode("rich</city></row></export>")]));
    expect(t.rows).toEqual([{ city: "Zürich" }]);
  });
});

describe("types, by the CSV rules", () => {
  test("integers, leading zeros, doubles, booleans, dates, timestamps with and without zone", async () => {
    const xml = `<export>
      <row><i>1</i><z>007</z><d>1.5</d><b>true</b><day>2024-02-29</day><tz>2024-01-02T03:04:05Z</tz><local>2024-01-02 03:04:05</local><big>9007199254740993</big><t>TRUE</t></row>
      <row><i>-20</i><z>010</z><d>2</d><b>false</b><day>1999-12-31</day><tz>2024-01-02T03:04:05.123+02:00</tz><local>2024-01-02T03:04:05.5</local><big>1</big><t>x</t></row>
    </export>`;
    const t = await table(xml);
    expect(t.types).toEqual({
      i: "BIGINT",
      z: "VARCHAR",
      d: "DOUBLE",
      b: "BOOLEAN",
      day: "DATE",
      tz: "TIMESTAMP WITH TIME ZONE",
      local: "TIMESTAMP",
      big: "BIGINT",
      t: "VARCHAR",
    });
    const [r1, r2] = t.rows;
    expect(r1).toMatchObject({ i: "1", z: "007", d: 1.5, b: true, day: "2024-02-29", big: "9007199254740993", t: "TRUE" });
    expect(r2).toMatchObject({ i: "-20", z: "010", d: 2, b: false, day: "1999-12-31", big: "1" });
    const micros = await Promise.all(
      ["tz", "local"].map(async (c) => t.rows.map((r) => r[c])),
    );
    expect(micros[0]).toEqual(["2024-01-02 03:04:05+00", "2024-01-02 01:04:05.123+00"]);
    expect(micros[1]).toEqual(["2024-01-02 03:04:05", "2024-01-02 03:04:05.5"]);
  });

  test("several row groups give the same rows", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `<row><i>${i}</i><s>v${i % 7}</s></row>`).join("");
    const t = await table(`<export>${rows}</export>`, { rowGroupBytes: 4096 });
    expect(t.result.rows).toBe(3000);
    expect(t.rows.map((r) => Number(r.i))).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
