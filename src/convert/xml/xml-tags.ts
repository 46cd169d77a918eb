/**
 * Start tags (with their attributes) and end tags, for the scanner (see xml-scanner.ts for the
 * token contract: each function returns the index after the tag, or INCOMPLETE, and changes no
 * state before the tag is complete).
 *
 * Attributes: `name = "value"` or `'value'`, separated from each other by white space, each name
 * once per tag; a value may not hold `<`; references are replaced and literal tab, LF, CR and
 * CR LF become one space each (attribute-value normalization without a DTD). The values are copied
 * into the scanner's XmlAttributes for the sink, byte by byte when nothing needs decoding.
 */

import * as C from "./xml-chars.ts";
import { MAX_DEPTH } from "./element-stack.ts";
import { decodeAttributeValue } from "./xml-references.ts";
import { show } from "./xml-error.ts";
import { INCOMPLETE, type XmlScanner } from "./xml-scanner.ts";

/** `<name` at buf[i]. */
export function scanStartTag(s: XmlScanner, buf: Uint8Array, i: number, end: number): number {
  const ns = i + 1;
  let j = s.name(buf, ns, end, "a start tag");
  if (j < 0) return INCOMPLETE;
  const ne = j;
  s.attrs.reset();
  let selfClosing = false;
  for (;;) {
    const before = j;
    j = s.space(buf, j, end, "a start tag");
    if (j < 0) return INCOMPLETE;
    const b = buf[j]!;
    if (b === C.GT) {
      j++;
      break;
    }
    if (b === C.SLASH) {
      if (j + 1 >= end) return s.more("a start tag");
      if (buf[j + 1] !== C.GT) s.fail("XML_MALFORMED", "`/` in a start tag not followed by `>`", j);
      j += 2;
      selfClosing = true;
      break;
    }
    if (C.NAME_START[b] !== 1) s.fail("XML_MALFORMED", "an attribute name, `>` or `/>` expected", j);
    if (j === before) s.fail("XML_MALFORMED", "white space expected between attributes", j);
    j = scanAttribute(s, buf, j, end);
    if (j < 0) return INCOMPLETE;
  }
  if (s.rootClosed) s.failAtToken("XML_MALFORMED", "a second root element (an XML file has exactly one)");
  if (s.stack.depth === MAX_DEPTH) s.failAtToken("XML_TOO_DEEP", `elements nested deeper than ${MAX_DEPTH}`);
  s.openElement(buf, ns, ne, i);
  if (selfClosing) s.closeElement(j);
  return j;
}

function scanAttribute(s: XmlScanner, buf: Uint8Array, an: number, end: number): number {
  let j = s.name(buf, an, end, "a start tag");
  if (j < 0) return INCOMPLETE;
  const ae = j;
  j = s.space(buf, j, end, "a start tag");
  if (j < 0) return INCOMPLETE;
  if (buf[j] !== C.EQ) s.fail("XML_MALFORMED", "`=` expected after the attribute name", j);
  j = s.space(buf, j + 1, end, "a start tag");
  if (j < 0) return INCOMPLETE;
  const q = buf[j]!;
  if (q !== C.QUOT && q !== C.APOS) s.fail("XML_MALFORMED", "attribute values must be quoted", j);
  const vs = ++j;
  let decode = false;
  const T = C.ATTR_CLASS;
  for (;;) {
    if (j >= end) return s.more("a start tag");
    const b = buf[j]!;
    const k = T[b]!;
    if (k === C.T_PLAIN) {
      j++;
      continue;
    }
    if (k === C.T_QUOTE) {
      if (b === q) break;
      j++;
      continue;
    }
    if (k === C.T_HIGH) {
      const n = s.char(buf, j, end);
      if (n < 0) return INCOMPLETE;
      j += n;
      continue;
    }
    decode = true; // white space to normalize or a reference to replace
    if (k === C.T_LF) s.newline(++j);
    else if (k === C.T_CR) {
      if (j + 1 >= end || buf[j + 1] !== C.LF) s.newline(j + 1);
      j++;
    } else if (k === C.T_TAB) j++;
    else if (k === C.T_AMP) {
      j = s.reference(buf, j, end);
      if (j < 0) return INCOMPLETE;
    } else if (k === C.T_LT) s.fail("XML_MALFORMED", "`<` in an attribute value (write `&lt;`)", j);
    else s.badChar(buf, j);
  }
  const attrs = s.attrs;
  if (attrs.hasName(buf, an, ae)) s.failAtToken("XML_MALFORMED", `attribute ${show(buf, an, ae)} appears twice in this tag`);
  attrs.addName(buf, an, ae);
  const at = attrs.length;
  attrs.ensure(j - vs);
  const out = attrs.bytes;
  if (decode) attrs.length = decodeAttributeValue(buf, vs, j, out, at);
  else {
    for (let p = vs, o = at; p < j; p++, o++) out[o] = buf[p]!;
    attrs.length = at + (j - vs);
  }
  attrs.endValue(at);
  return j + 1;
}

/** `</` at buf[i]. */
export function scanEndTag(s: XmlScanner, buf: Uint8Array, i: number, end: number): number {
  const ns = i + 2;
  if (ns >= end) return s.more("an end tag");
  if (C.NAME_START[buf[ns]!] !== 1) s.fail("XML_MALFORMED", "a tag name expected after `</`", ns);
  let j = s.name(buf, ns, end, "an end tag");
  if (j < 0) return INCOMPLETE;
  const ne = j;
  j = s.space(buf, j, end, "an end tag");
  if (j < 0) return INCOMPLETE;
  if (buf[j] !== C.GT) s.fail("XML_MALFORMED", "`>` expected to close the end tag", j);
  const stack = s.stack;
  if (stack.depth === 0) s.failAtToken("XML_MALFORMED", `end tag </${show(buf, ns, ne)}> without a start tag`);
  if (!stack.topIs(buf, ns, ne)) {
    s.failAtToken("XML_MALFORMED", `end tag </${show(buf, ns, ne)}> does not match <${stack.topName()}> opened at line ${stack.topLine()}`);
  }
  s.closeElement(j + 1);
  return j + 1;
}
