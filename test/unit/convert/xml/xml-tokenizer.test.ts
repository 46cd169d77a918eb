/**
 * The tokenizer's events for well-formed input: tags, attributes (normalized, decoded), text with
 * entities and character references, CDATA, comments, PIs, the declaration, DOCTYPE without an
 * internal subset, namespaces as written, BOM, line ends, ISO-8859-1.
 */
import { describe, expect, test } from "bun:test";
import { enc, events } from "./xml-test-helpers.ts";

describe("tags and attributes", () => {
  test("start, end and empty-element tags; white space inside tags", () => {
    expect(events('<a><b x="1"/><c\n  y = "2"\tz=\'3\' ></c ></a >').events).toEqual(["<a>", '<b x="1">', "</>", '<c y="2" z="3">', "</>", "</>"]);
  });

  test("attribute values: references decoded, tab/LF/CR/CRLF become one space each, character references kept", () => {
    const r = events('<a v="x&amp;y&lt;&gt;&quot;&apos;" w="1\t2\n3\r\n4\r5" c="&#10;&#x9;" q="say \'hi\'" s=\'"\'/>');
    expect(r.events[0]).toBe(`<a v=${JSON.stringify("x&y<>\"'")} w="1 2 3 4 5" c=${JSON.stringify("\n\t")} q=${JSON.stringify("say 'hi'")} s=${JSON.stringify('"')}>`);
  });

  test("namespaces are kept as written: prefixed names and xmlns attributes are reported as they are", () => {
    expect(events('<x:a xmlns:x="urn:x" xmlns="urn:d"><x:b x:id="1"/></x:a>').events).toEqual([
      '<x:a xmlns:x="urn:x" xmlns="urn:d">',
      '<x:b x:id="1">',
      "</>",
      "</>",
    ]);
  });

  test("non-ASCII names and values", () => {
    expect(events('<données clé="été">日本</données>').events).toEqual(['<données clé="été">', '"日本"', "</>"]);
  });
});

describe("text", () => {
  test("the five predefined entities and decimal/hex character references", () => {
    expect(events("<a>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600;&#233;</a>").events).toEqual(["<a>", JSON.stringify("<>&\"' AB😀é"), "</>"]);
  });

  test("CDATA is text: markup and `&` inside it are literal", () => {
    expect(events("<a>x<![CDATA[<b>&amp;]]]]>y</a>").events).toEqual(["<a>", JSON.stringify("x<b>&amp;]]y"), "</>"]);
  });

  test("an empty CDATA section and `]]` without `>` in text", () => {
    expect(events("<a><![CDATA[]]>]]x]</a>").events).toEqual(["<a>", '"]]x]"', "</>"]);
  });

  test("line ends: CRLF and lone CR become LF in text and CDATA", () => {
    expect(events("<a>1\r\n2\r3\n<![CDATA[4\r\n5\r]]></a>").events).toEqual(["<a>", JSON.stringify("1\n2\n3\n4\n5\n"), "</>"]);
  });

  test("comments and processing instructions are skipped, text around them joins", () => {
    expect(events("<a>x<!-- c - d -->y<?pi data?>z<?empty?></a>").events).toEqual(["<a>", '"xyz"', "</>"]);
  });

  test("`>` alone is allowed in text", () => {
    expect(events("<a>1 > 0</a>").events).toEqual(["<a>", '"1 > 0"', "</>"]);
  });
});

describe("prolog and epilog", () => {
  test("declaration, comments, PIs, DOCTYPE without an internal subset, white space: skipped", () => {
    const xml = `<?xml version="1.0" encoding="utf-8" standalone='yes'?>\n<!-- hi -->\n<?xml-stylesheet href="a.xsl"?>\n<!DOCTYPE export SYSTEM "export.dtd">\n<export/>\n<!-- bye -->\n`;
    expect(events(xml)).toEqual({ events: ["<export>", "</>"] });
  });

  test("DOCTYPE with a PUBLIC id whose literals hold `>` and `[`", () => {
    expect(events('<!DOCTYPE html PUBLIC "-//W3C//DTD [x]>//EN" \'http://x/y>\'><html/>').events).toEqual(["<html>", "</>"]);
  });

  test("a UTF-8 byte order mark is skipped, also before the declaration", () => {
    expect(events("\ufeff<a>é</a>").events).toEqual(["<a>", '"é"', "</>"]);
    expect(events('\ufeff<?xml version="1.0"?><a/>').events).toEqual(["<a>", "</>"]);
  });

  test("US-ASCII and version 1.1 declarations are accepted", () => {
    expect(events('<?xml version="1.1" encoding="US-ASCII"?><a/>').error).toBeUndefined();
  });
});

describe("ISO-8859-1", () => {
  test("a declared ISO-8859-1 file is converted byte for byte to the same code points", () => {
    const head = enc('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a v="');
    const bytes = new Uint8Array([...head, 0xe9, 0x22, 0x3e, 0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0xa0, 0xff, 0x3c, 0x2f, 0x61, 0x3e]);
    expect(events(bytes).events).toEqual(['<a v="é">', JSON.stringify("Zürich\u00a0ÿ"), "</>"]);
    for (let p = 0; p <= bytes.length; p++) expect(events(bytes, [p]).events).toEqual(events(bytes).events);
  });

  test("latin1 label, single quotes", () => {
    expect(events(new Uint8Array([...enc("<?xml version='1.0' encoding='latin1'?><a>"), 0xe4, ...enc("</a>")])).events).toEqual(["<a>", '"ä"', "</>"]);
  });
});
