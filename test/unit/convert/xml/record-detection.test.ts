/**
 * Which element is a record (record-detector.ts): the shallowest element repeated under one parent,
 * then the most repeated, then the first seen; a file with one record; only elements at exactly the
 * record path are rows.
 */
import { describe, expect, test } from "bun:test";
import { cleanUpAfterAll, table } from "./xml-test-helpers.ts";

cleanUpAfterAll();

describe("record element detection", () => {
  test("flat: the root's repeated child", async () => {
    const t = await table("<export><row><a>1</a></row><row><a>2</a></row></export>");
    expect(t.result.details).toMatchObject({ recordElement: "row", recordPath: "/export/row" });
    expect(t.rows).toEqual([{ a: "1" }, { a: "2" }]);
  });

  test("wrapped: records inside a wrapper, next to metadata that is skipped", async () => {
    const xml = `<data>
  <meta><generated>2024-01-01</generated><source>erp</source></meta>
  <records>
    <record><id>1</id></record>
    <record><id>2</id></record>
    <record><id>3</id></record>
  </records>
  <summary count="3"/>
</data>`;
    const t = await table(xml);
    expect(t.result.details).toMatchObject({ recordPath: "/data/records/record", recordReason: "<record> repeats 3 times under <records>" });
    expect(t.rows).toEqual([{ id: "1" }, { id: "2" }, { id: "3" }]);
  });

  test("the shallowest repeated element wins over a deeper one that repeats more", async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => `<item>${i}</item>`).join("");
    const t = await table(`<orders><order><no>1</no>${items(20)}</order><order><no>2</no>${items(30)}</order></orders>`);
    expect(t.result.details.recordPath).toBe("/orders/order");
    expect(t.rows.map((r) => r.no)).toEqual(["1", "2"]);
    expect(JSON.parse(String(t.rows[1]!.item))).toHaveLength(30);
  });

  test("at equal depth the most repeated wins; on a tie, the first seen", async () => {
    const many = await table("<db><groups><group>a</group><group>b</group></groups><users><user>x</user><user>y</user><user>z</user></users></db>");
    expect(many.result.details.recordPath).toBe("/db/users/user");
    expect(many.rows).toEqual([{ "#text": "x" }, { "#text": "y" }, { "#text": "z" }]);
    const tie = await table("<db><groups><group>a</group><group>b</group></groups><users><user>x</user><user>y</user></users></db>");
    expect(tie.result.details.recordPath).toBe("/db/groups/group");
  });

  test("a single record under the root", async () => {
    const t = await table('<export><row id="1"><a>x</a></row></export>');
    expect(t.result.details).toMatchObject({ recordPath: "/export/row" });
    expect(t.rows).toEqual([{ id: "1", a: "x" }]);
    const attrsOnly = await table('<export><row id="1" b="2"/></export>');
    expect(attrsOnly.rows).toEqual([{ id: "1", b: "2" }]);
  });

  test("one record with a repeated child reads as a wrapper of records (the shapes are the same)", async () => {
    const t = await table("<export><row><tag>a</tag><tag>b</tag></row></export>");
    expect(t.result.details.recordPath).toBe("/export/row/tag");
    expect(t.rows).toEqual([{ "#text": "a" }, { "#text": "b" }]);
  });

  test("the root itself is the single record when its children are plain fields", async () => {
    const t = await table("<row><a>1</a><b>x</b></row>");
    expect(t.result.details).toMatchObject({ recordPath: "/row", recordReason: "no element repeats: the root element <row> is the only record" });
    expect(t.rows).toEqual([{ a: "1", b: "x" }]);
  });

  test("records with attributes only", async () => {
    const t = await table('<rows>\n  <r id="1" name="a"/>\n  <r id="2" name="b"/>\n  <r id="3"/>\n</rows>');
    expect(t.result.columns).toEqual([
      { name: "id", type: "INT64" },
      { name: "name", type: "STRING" },
    ]);
    expect(t.rows).toEqual([
      { id: "1", name: "a" },
      { id: "2", name: "b" },
      { id: "3", name: null },
    ]);
  });

  test("only elements at exactly the record path are rows; the same name elsewhere is a field or skipped", async () => {
    const t = await table("<export><row><row>inner</row></row><row><a>1</a></row><other><row>skipped</row></other></export>");
    expect(t.rows).toEqual([
      { row: "inner", a: null },
      { row: null, a: "1" },
    ]);
  });

  test("prefixed names are matched as written", async () => {
    const t = await table('<ns:export xmlns:ns="urn:x"><ns:row><ns:a>1</ns:a></ns:row><ns:row><ns:a>2</ns:a></ns:row></ns:export>');
    expect(t.result.details).toMatchObject({ recordElement: "ns:row", recordPath: "/ns:export/ns:row" });
    expect(t.rows).toEqual([{ "ns:a": "1" }, { "ns:a": "2" }]);
  });

  test("a first record longer than the 4 MiB sample: the sample grows until it holds one", async () => {
    const long = "x".repeat(5 * 1024 * 1024);
    const t = await table(`<export><row><a>${long}</a><n>1</n></row><row><a>y</a><n>2</n></row></export>`, { chunks: 1 << 20 });
    expect(t.result.rows).toBe(2);
    expect(t.result.columns).toEqual([
      { name: "a", type: "STRING" },
      { name: "n", type: "INT64" },
    ]);
    expect(String(t.rows[0]!.a).length).toBe(long.length);
  });
});
