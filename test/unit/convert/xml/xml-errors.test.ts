/**
 * Every way the XML reader refuses a file, with the stable code and the line and column (in
 * characters) a person needs: malformed markup, truncation, invalid characters and UTF-8,
 * undefined entities, DTD internal subsets, unsupported encodings, limits. Also through the
 * converter, so the ConversionError carries the same code and position.
 */
import { describe, expect, test } from "bun:test";
import { convertError, enc, events } from "./xml-test-helpers.ts";

function err(input: string | Uint8Array) {
  const r = events(input);
  if (r.error === undefined) throw new Error(`no error for ${String(input)}`);
  return r.error;
}

function expectError(input: string | Uint8Array, code: string, line: number, column: number | undefined, message?: RegExp) {
  const e = err(input);
  expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code, line, column });
  if (message) expect(e.message).toMatch(message);
}

describe("malformed markup", () => {
  test("mismatched end tag: at the end tag, naming the open element and its line", () => {
    expectError("<a>\n  <b>x</c>\n</a>", "XML_MALFORMED", 2, 7, /<\/c> does not match <b> opened at line 2/);
  });

  test("an end tag without a start tag, a second root, text before and after the root", () => {
    expectError("</a>", "XML_MALFORMED", 1, 1, /without a start tag/);
    expectError("<a/>\n<b/>", "XML_MALFORMED", 2, 1, /second root/);
    expectError("  hello<a/>", "XML_MALFORMED", 1, 3, /text before the root/);
    expectError("<a/>\n\n  x\n", "XML_MALFORMED", 3, 3, /text after the root/);
  });

  test("attribute syntax: unquoted, no `=`, no space between, duplicate, `<` in a value", () => {
    expectError("<a x=1/>", "XML_MALFORMED", 1, 6, /quoted/);
    expectError('<a x "1"/>', "XML_MALFORMED", 1, 6, /`=` expected/);
    expectError('<a x="1"y="2"/>', "XML_MALFORMED", 1, 9, /white space expected/);
    expectError('<r>\n<a x="1" y="2" x="3"/></r>', "XML_MALFORMED", 2, 1, /attribute x appears twice/);
    expectError('<a x="<"/>', "XML_MALFORMED", 1, 7, /`<` in an attribute value/);
  });

  test("a lone `<`, `&` without a reference, `]]>` in text, `--` in a comment", () => {
    expectError("<a>1 < 2</a>", "XML_MALFORMED", 1, 7, /`<` not followed by a tag name/);
    expectError("<a>AT&T</a>", "XML_MALFORMED", 1, 6, /`&`/);
    expectError("<a>x ]]> y</a>", "XML_MALFORMED", 1, 6, /`]]>` in text/);
    expectError("<a><!-- a -- b --></a>", "XML_MALFORMED", 1, 11, /`--` inside a comment/);
  });

  test("the declaration must come first; `XML` is a reserved target; a malformed declaration", () => {
    expectError(' <?xml version="1.0"?><a/>', "XML_MALFORMED", 1, 2, /very start/);
    expectError('<?XML version="1.0"?><a/>', "XML_MALFORMED", 1, 1, /reserved/);
    expectError('<?xml encoding="UTF-8"?><a/>', "XML_MALFORMED", 1, 1, /malformed XML declaration/);
  });

  test("CDATA outside the root, DOCTYPE after the root, `<!` of anything else", () => {
    expectError("<![CDATA[x]]><a/>", "XML_MALFORMED", 1, 1, /CDATA section outside/);
    expectError("<a/><!DOCTYPE a>", "XML_MALFORMED", 1, 5, /DOCTYPE after/);
    expectError("<a><!ELEMENT a ANY></a>", "XML_MALFORMED", 1, 4, /`<!` not followed/);
  });

  test("line counting across LF, CRLF and lone CR; columns count characters, not bytes", () => {
    expectError("<a>\r\n\r\n<b></c></a>", "XML_MALFORMED", 3, 4);
    expectError("<a>\r\r<b></c></a>", "XML_MALFORMED", 3, 4);
    expectError("<a>日本語😀</b>", "XML_MALFORMED", 1, 8);
    expectError('<a x="日\n本"><b></c></a>', "XML_MALFORMED", 2, 7);
  });
});

describe("truncated files", () => {
  test("ends inside a tag, comment, CDATA section, PI, DOCTYPE, reference: where it starts", () => {
    expectError('<a>\n  <b x="1', "XML_TRUNCATED", 2, 3, /inside a start tag/);
    expectError("<a>\n<!-- x", "XML_TRUNCATED", 2, 1, /inside a comment/);
    expectError("<a><![CDATA[ x ]]", "XML_TRUNCATED", 1, 4, /CDATA/);
    expectError("<a><?pi x", "XML_TRUNCATED", 1, 4, /processing instruction/);
    expectError('<!DOCTYPE a SYSTEM "x', "XML_TRUNCATED", 1, 1, /DOCTYPE/);
    expectError("<a></a", "XML_TRUNCATED", 1, 4, /end tag/);
    expectError("<a>x &am", "XML_MALFORMED", 1, 6, /unterminated reference/);
  });

  test("ends with elements open: at the end of the file, naming the innermost", () => {
    expectError("<export>\n  <row>\n    <id>1</id>\n", "XML_TRUNCATED", 4, 1, /inside <row> \(opened at line 2\) with 2 element/);
  });
});

describe("characters and UTF-8", () => {
  test("control characters, U+FFFE/U+FFFF, in text, attribute values, comments, names", () => {
    expectError("<a>x\u0001</a>", "XML_INVALID_CHAR", 1, 5, /U\+0001/);
    expectError('<a v="\u000b"/>', "XML_INVALID_CHAR", 1, 7);
    expectError("<a><!-- \u0000 --></a>", "XML_INVALID_CHAR", 1, 9);
    expectError("<a>é\uffff</a>", "XML_INVALID_CHAR", 1, 5, /U\+FFFF/);
    expectError("<a>\ufffe</a>", "XML_INVALID_CHAR", 1, 4, /U\+FFFE/);
  });

  test("character references to characters XML does not allow", () => {
    expectError("<a>&#0;</a>", "XML_INVALID_CHAR", 1, 4);
    expectError("<a>&#x1F;</a>", "XML_INVALID_CHAR", 1, 4);
    expectError("<a>&#xD800;</a>", "XML_INVALID_CHAR", 1, 4);
    expectError("<a>&#x110000;</a>", "XML_INVALID_CHAR", 1, 4);
    expectError("<a>&#99999999999999999999;</a>", "XML_INVALID_CHAR", 1, 4);
    expectError("<a>&#;</a>", "XML_MALFORMED", 1, 4);
    expectError("<a>&#x;</a>", "XML_MALFORMED", 1, 4);
  });

  test("invalid UTF-8: stray byte, overlong form, surrogate, cut at the end of the file", () => {
    const bytes = (...b: number[]) => new Uint8Array([...enc("<a>ab"), ...b, ...enc("</a>")]);
    expectError(bytes(0xff), "XML_INVALID_UTF8", 1, 6);
    expectError(bytes(0xc0, 0x80), "XML_INVALID_UTF8", 1, 6);
    expectError(bytes(0xed, 0xa0, 0x80), "XML_INVALID_UTF8", 1, 6);
    expectError(new Uint8Array([...enc("<a/>"), 0xe6, 0x97]), "XML_INVALID_UTF8", 1, 5);
    expectError(new Uint8Array([...enc("<a n"), 0x80, ...enc("/>")]), "XML_INVALID_UTF8", 1, 5);
  });
});

describe("entities and DTDs: never expanded", () => {
  test("an undefined entity is an error, not an expansion", () => {
    expectError("<a>\n x&nbsp;y</a>", "XML_UNDEFINED_ENTITY", 2, 3, /&nbsp;/);
    expectError('<a v="&ext;"/>', "XML_UNDEFINED_ENTITY", 1, 7);
  });

  test("billion laughs: a DOCTYPE with an internal subset is refused at its `[`", () => {
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<lolz>&lol2;</lolz>`;
    expectError(lol, "XML_DTD_REFUSED", 2, 16, /internal subset/);
  });

  test("XXE: an external entity declaration is refused the same way", () => {
    expectError('<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]><foo>&xxe;</foo>', "XML_DTD_REFUSED", 1, 15);
  });

  test("a second DOCTYPE", () => {
    expectError("<!DOCTYPE a><!DOCTYPE a><a/>", "XML_MALFORMED", 1, 13, /second DOCTYPE/);
  });
});

describe("encodings", () => {
  test("UTF-16 and UTF-32, by byte order mark or by the look of `<?`", () => {
    expectError(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00]), "XML_UNSUPPORTED_ENCODING", 1, 1, /UTF-16 \(byte order mark\)/);
    expectError(new Uint8Array([0xfe, 0xff, 0x00, 0x3c]), "XML_UNSUPPORTED_ENCODING", 1, 1, /UTF-16/);
    expectError(new Uint8Array([0x3c, 0x00, 0x3f, 0x00, 0x78, 0x00]), "XML_UNSUPPORTED_ENCODING", 1, 1, /UTF-16 \(no byte order mark\)/);
    expectError(new Uint8Array([0x00, 0x00, 0xfe, 0xff]), "XML_UNSUPPORTED_ENCODING", 1, 1, /UTF-32/);
  });

  test("a declared encoding other than UTF-8, US-ASCII, ISO-8859-1", () => {
    expectError('<?xml version="1.0" encoding="windows-1252"?><a/>', "XML_UNSUPPORTED_ENCODING", 1, 1, /windows-1252/);
    expectError('<?xml version="1.0" encoding="UTF-16"?><a/>', "XML_UNSUPPORTED_ENCODING", 1, 1);
    expectError('\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><a/>', "XML_UNSUPPORTED_ENCODING", 1, 1, /byte order mark/);
  });
});

describe("limits", () => {
  test("nesting deeper than 256", () => {
    expectError(`${"<a>".repeat(257)}${"</a>".repeat(257)}`, "XML_TOO_DEEP", 1, 769);
    expect(events(`${"<a>".repeat(256)}${"</a>".repeat(256)}`).error).toBeUndefined();
  });

  test("many attributes: a duplicate far down the list is still found", () => {
    const attrs = Array.from({ length: 40 }, (_, i) => `a${i}="${i}"`).join(" ");
    expect(events(`<r ${attrs}/>`).error).toBeUndefined();
    expectError(`<r ${attrs} a7="x"/>`, "XML_MALFORMED", 1, 1, /attribute a7 appears twice/);
  });

  test("a name longer than 50,000 bytes", () => {
    expectError(`<a><${"n".repeat(50_001)}/></a>`, "XML_MALFORMED", 1, 4, /longer than 50000 bytes/);
  });

  test("no element at all", () => {
    expectError("<!-- nothing -->\n", "XML_NO_RECORDS", 2, 1);
  });
});

describe("through the converter", () => {
  test("the ConversionError carries the code, line and column", async () => {
    const e = await convertError("<export>\n<row><a>1</a></row>\n<row><a>2</b></row>\n</export>");
    expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code: "XML_MALFORMED", line: 3, column: 10 });
  });

  test("an error after the sample is found while streaming, same position", async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `<row><a>${i}</a></row>\n`).join("");
    const e = await convertError(`<export>\n${rows}<row><a>x</b></row>\n</export>`);
    expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code: "XML_MALFORMED", line: 60_002, column: 10 });
  });

  test("empty file, white space only, no record with a value", async () => {
    expect((await convertError("")).code).toBe("CONVERT_EMPTY");
    expect((await convertError("  \n")).code).toBe("XML_NO_RECORDS");
    expect((await convertError("<export><row/><row/></export>")).code).toBe("XML_NO_RECORDS");
  });

  test("truncated file", async () => {
    const e = await convertError("<export>\n<row><a>1</a></row>\n<row><a>2</a>");
    expect({ code: e.code, line: e.line }).toEqual({ code: "XML_TRUNCATED", line: 3 });
  });

  test("a record larger than 16 MiB", async () => {
    const field = `<f>${"x".repeat(1000)}</f>`;
    const big = `<row>${field.repeat(17 * 1024)}</row>`;
    const e = await convertError(`<export>\n<row><f>1</f></row>\n${big}\n</export>`, 1 << 20);
    expect({ code: e.code, line: e.line }).toEqual({ code: "XML_RECORD_TOO_LARGE", line: 3 });
  });

  test("a single text or comment larger than 16 MiB", async () => {
    const e = await convertError(`<export>\n<row><f>1</f></row>\n<!--${"x".repeat(17 * 1024 * 1024)}-->\n</export>`, 1 << 20);
    expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code: "XML_RECORD_TOO_LARGE", line: 3, column: 1 });
  });
});
