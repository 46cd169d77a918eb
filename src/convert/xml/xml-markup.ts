/**
 * The markup that is not a tag: comments, CDATA sections, processing instructions (with the XML
 * declaration) and the DOCTYPE. Each function scans one complete token for the scanner and returns
 * the index after it, or INCOMPLETE (see xml-scanner.ts for the contract); content characters go
 * through the scanner so lines, columns and UTF-8 are checked the same way everywhere.
 *
 *   comments    skipped; `--` inside one is an error (XML forbids it).
 *   CDATA       its content is character data, sent like text (line ends normalized, `&` literal);
 *               only inside the root element.
 *   PIs         skipped. `<?xml ...?>` is the declaration, only as the very first bytes (after a
 *               BOM): version 1.x (read by 1.0 rules), the encoding (xml-encoding.ts decides), and
 *               standalone. Other case forms of `xml` as a target are reserved: an error.
 *   DOCTYPE     at most one, before the root. Without an internal subset it is skipped: the external
 *               DTD is never fetched (so its default attributes are not applied). With an internal
 *               subset `[...]` (where entity declarations live) the file is refused, XML_DTD_REFUSED:
 *               expanding declared entities invites billion-laughs and external-entity attacks, and
 *               a table export has no need for them.
 */

import * as C from "./xml-chars.ts";
import { encodingOf } from "./xml-encoding.ts";
import { XmlError } from "./xml-error.ts";
import { DECODE_LINE_ENDS, INCOMPLETE, RAW, type XmlScanner } from "./xml-scanner.ts";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const COMMENT = ascii("<!--");
const CDATA = ascii("<![CDATA[");
const DOCTYPE = ascii("<!DOCTYPE");

/** 1: buf[i...] starts with `lit`; 0: it does not; -1: it might, the buffer ends first. */
function startsWith(buf: Uint8Array, i: number, end: number, lit: Uint8Array): number {
  for (let k = 0; k < lit.length; k++) {
    if (i + k >= end) return -1;
    if (buf[i + k] !== lit[k]) return 0;
  }
  return 1;
}

/** `<!` at buf[i]: a comment, a CDATA section or the DOCTYPE. */
export function scanBang(s: XmlScanner, buf: Uint8Array, i: number, end: number): number {
  const comment = startsWith(buf, i, end, COMMENT);
  if (comment === 1) return scanComment(s, buf, i + COMMENT.length, end);
  const cdata = startsWith(buf, i, end, CDATA);
  if (cdata === 1) return scanCdata(s, buf, i + CDATA.length, end);
  const doctype = startsWith(buf, i, end, DOCTYPE);
  if (doctype === 1) return scanDoctype(s, buf, i + DOCTYPE.length, end);
  if (comment < 0 || cdata < 0 || doctype < 0) return s.more("markup");
  return s.fail("XML_MALFORMED", "`<!` not followed by `--`, `[CDATA[` or `DOCTYPE`", i);
}

function scanComment(s: XmlScanner, buf: Uint8Array, j: number, end: number): number {
  for (;;) {
    if (j >= end) return s.more("a comment");
    if (buf[j] === C.DASH) {
      if (j + 1 >= end) return s.more("a comment");
      if (buf[j + 1] === C.DASH) {
        if (j + 2 >= end) return s.more("a comment");
        if (buf[j + 2] !== C.GT) s.fail("XML_MALFORMED", "`--` inside a comment", j);
        return j + 3;
      }
    }
    j = s.contentChar(buf, j, end);
    if (j < 0) return INCOMPLETE;
  }
}

function scanCdata(s: XmlScanner, buf: Uint8Array, start: number, end: number): number {
  let j = start;
  let lineEnds = false;
  for (;;) {
    if (j >= end) return s.more("a CDATA section");
    const b = buf[j];
    if (b === C.RBRACKET) {
      if (j + 2 >= end) return s.more("a CDATA section");
      if (buf[j + 1] === C.RBRACKET && buf[j + 2] === C.GT) break;
    } else if (b === C.CR) lineEnds = true;
    j = s.contentChar(buf, j, end);
    if (j < 0) return INCOMPLETE;
  }
  if (s.stack.depth === 0) s.failAtToken("XML_MALFORMED", "a CDATA section outside the root element");
  s.emitText(buf, start, j, lineEnds ? DECODE_LINE_ENDS : RAW);
  return j + 3;
}

/** `<?` at buf[i]. */
export function scanPi(s: XmlScanner, buf: Uint8Array, i: number, end: number): number {
  const ts = i + 2;
  if (ts >= end) return s.more("a processing instruction");
  if (C.NAME_START[buf[ts]!] !== 1) s.fail("XML_MALFORMED", "a processing instruction target expected after `<?`", ts);
  let j = s.name(buf, ts, end, "a processing instruction");
  if (j < 0) return INCOMPLETE;
  const xmlLike = j - ts === 3 && (buf[ts]! | 0x20) === 0x78 && (buf[ts + 1]! | 0x20) === 0x6d && (buf[ts + 2]! | 0x20) === 0x6c;
  if (j >= end) return s.more("a processing instruction");
  if (buf[j] !== C.QUESTION && !C.isSpace(buf[j]!)) s.fail("XML_MALFORMED", "white space or `?>` expected after the processing instruction target", j);
  for (;;) {
    if (j >= end) return s.more("a processing instruction");
    if (buf[j] === C.QUESTION) {
      if (j + 1 >= end) return s.more("a processing instruction");
      if (buf[j + 1] === C.GT) break;
    }
    j = s.contentChar(buf, j, end);
    if (j < 0) return INCOMPLETE;
  }
  if (xmlLike) {
    if (buf[ts] !== 0x78 || buf[ts + 1] !== 0x6d || buf[ts + 2] !== 0x6c) s.failAtToken("XML_MALFORMED", "the processing instruction target `XML` is reserved");
    if (!s.docStart) s.failAtToken("XML_MALFORMED", "the XML declaration must be at the very start of the file");
    declaration(s, buf, i, j + 2);
  }
  return j + 2;
}

const S = "[ \\t\\r\\n]";
const DECLARATION = new RegExp(
  `^<\\?xml${S}+version${S}*=${S}*(?:"(1\\.[0-9]+)"|'(1\\.[0-9]+)')` +
    `(?:${S}+encoding${S}*=${S}*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?` +
    `(?:${S}+standalone${S}*=${S}*(?:"(yes|no)"|'(yes|no)'))?${S}*\\?>$`,
);

function declaration(s: XmlScanner, buf: Uint8Array, start: number, end: number): void {
  let text = "";
  for (let p = start; p < end; p++) text += String.fromCharCode(buf[p]!);
  const m = DECLARATION.exec(text);
  if (m === null) s.failAtToken("XML_MALFORMED", "malformed XML declaration (expected <?xml version=\"1.0\" encoding=\"...\" standalone=\"...\"?>)");
  const label = m[3] ?? m[4];
  if (label === undefined) return;
  const encoding = encodingOf(label);
  if (encoding === "utf-8") return;
  if (encoding === "iso-8859-1" && !s.utf8Bom) {
    s.switchToLatin1 = true;
    return;
  }
  const why = encoding === "iso-8859-1" ? "the file starts with a UTF-8 byte order mark" : "only UTF-8, US-ASCII and ISO-8859-1 are read";
  throw new XmlError("XML_UNSUPPORTED_ENCODING", `the XML declaration names encoding "${label}": ${why}; convert the file to UTF-8`, 1, 1);
}

function scanDoctype(s: XmlScanner, buf: Uint8Array, j: number, end: number): number {
  if (s.rootSeen) s.failAtToken("XML_MALFORMED", "a DOCTYPE after the root element");
  if (s.doctypeSeen) s.failAtToken("XML_MALFORMED", "a second DOCTYPE");
  if (j >= end) return s.more("the DOCTYPE");
  if (!C.isSpace(buf[j]!)) s.fail("XML_MALFORMED", "white space expected after <!DOCTYPE", j);
  let quote = 0;
  for (;;) {
    if (j >= end) return s.more("the DOCTYPE");
    const b = buf[j]!;
    if (quote !== 0) {
      if (b === quote) quote = 0;
    } else if (b === C.QUOT || b === C.APOS) quote = b;
    else if (b === C.GT) break;
    else if (b === C.LBRACKET) {
      s.fail(
        "XML_DTD_REFUSED",
        "a DOCTYPE with an internal subset `[...]` is refused: its entity declarations could expand without bound or read other files (remove the DOCTYPE)",
        j,
      );
    }
    j = s.contentChar(buf, j, end);
    if (j < 0) return INCOMPLETE;
  }
  s.doctypeSeen = true;
  return j + 1;
}
