/**
 * The XML scanner: complete tokens of a contiguous buffer in, events out (XmlSink), as byte ranges
 * of the buffer or of a reused scratch; no string and no object per token or character. Comments,
 * processing instructions, the XML declaration and the DOCTYPE are here only as far as the text
 * and tags need them; their bodies live in xml-markup.ts, the tags' in xml-tags.ts.
 *
 * Token completeness: a token that reaches the end of the buffer is left for later: the scanner
 * restores its line counters to the token's start and returns the token's start, and the
 * tokenizer (xml-tokenizer.ts) calls again with more bytes. No event is sent and no document state
 * changes before a token is complete, so scanning a token twice is harmless and results do not
 * depend on where chunks were split. With `final` set, reaching the end is XML_TRUNCATED instead.
 *
 * Well-formedness checked: one root element; matching end tags; quoted, distinct attributes
 * separated by white space; no `<` in attribute values; `]]>` only to end CDATA; only white space,
 * comments and PIs outside the root; valid UTF-8 and XML characters everywhere; references (see
 * xml-references.ts); nesting at most MAX_DEPTH, names at most MAX_NAME_BYTES.
 *
 * Positions: `line` counts LF, CR LF and lone CR; a column is `base + i - lineStart - cont + 1`,
 * where `cont` counts the UTF-8 continuation bytes already passed on the line (every non-ASCII
 * byte goes through char(), which counts them), so columns are in characters.
 */

import { GrowableBytes } from "../parquet/scratch-buffers.ts";
import { XmlAttributes } from "./xml-attributes.ts";
import * as C from "./xml-chars.ts";
import { XmlError, type XmlErrorCode } from "./xml-error.ts";
import { ElementStack } from "./element-stack.ts";
import { scanBang, scanPi } from "./xml-markup.ts";
import { decodeLineEnds, decodeText, parseReference, referenceError } from "./xml-references.ts";
import { scanEndTag, scanStartTag } from "./xml-tags.ts";

export interface XmlSink {
  /** A start tag: its name is buf[nameStart, nameEnd); `attrs` and `buf` are valid during the call only. */
  open(buf: Uint8Array, nameStart: number, nameEnd: number, attrs: XmlAttributes, line: number, offset: number): void;
  /** The end of the innermost open element (right after open() for `<a/>`); `offset`: the byte after it. */
  close(offset: number): void;
  /** Character data inside the root element: references decoded, CDATA unwrapped, line ends as LF. */
  text(buf: Uint8Array, start: number, end: number): void;
}

/** A scan step's result when the token is not complete yet. */
export const INCOMPLETE = -1;
/** The limit libxml2 uses for names. */
export const MAX_NAME_BYTES = 50_000;

/** How emitText() decodes: as is; references and line ends (text); line ends only (CDATA). */
export const RAW = 0;
export const DECODE_REFS = 1;
export const DECODE_LINE_ENDS = 2;

export class XmlScanner {
  // Position (see the top comment). The token snapshot is taken before each token.
  base = 0;
  line = 1;
  lineStart = 0;
  cont = 0;
  final = false;
  tokStart = 0;
  tokLine = 1;
  private tokLineStart = 0;
  private tokCont = 0;
  // Document state, also read and set by xml-markup.ts and xml-tags.ts.
  readonly stack = new ElementStack();
  readonly attrs = new XmlAttributes();
  rootSeen = false;
  rootClosed = false;
  /** No token has been completed yet: only here may the XML declaration stand. */
  docStart = true;
  doctypeSeen = false;
  /** Set by the tokenizer: the file starts with a UTF-8 byte order mark. */
  utf8Bom = false;
  /** Set by an ISO-8859-1 declaration: scan() returns right after it so the rest can be transcoded. */
  switchToLatin1 = false;
  private readonly out = new GrowableBytes(4096);

  constructor(private readonly sink: XmlSink) {}

  /** Scans the complete tokens of buf[from, end); returns where the first incomplete one starts (or end). */
  scan(buf: Uint8Array, from: number, end: number, final: boolean): number {
    this.final = final;
    let i = from;
    while (i < end) {
      this.tokStart = i;
      this.tokLine = this.line;
      this.tokLineStart = this.lineStart;
      this.tokCont = this.cont;
      const next = buf[i] === C.LT ? this.markup(buf, i, end) : this.text(buf, i, end);
      if (next < 0) {
        this.line = this.tokLine;
        this.lineStart = this.tokLineStart;
        this.cont = this.tokCont;
        return i;
      }
      i = next;
      this.docStart = false;
      if (this.switchToLatin1) return i;
    }
    return i;
  }

  /** The end of the input, at absolute offset `offset`: every element must be closed. */
  finish(offset: number): void {
    const column = offset - this.lineStart - this.cont + 1;
    const stack = this.stack;
    if (stack.depth > 0) {
      throw new XmlError("XML_TRUNCATED", `the file ends inside <${stack.topName()}> (opened at line ${stack.topLine()}) with ${stack.depth} element(s) open`, this.line, column);
    }
    if (!this.rootSeen) throw new XmlError("XML_NO_RECORDS", "the file has no XML element", this.line, column);
  }

  private text(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    let mode = RAW;
    const T = C.TEXT_CLASS;
    scan: for (;;) {
      if (i >= end) {
        if (!this.final) return INCOMPLETE;
        break;
      }
      const b = buf[i]!;
      const k = T[b]!;
      if (k === C.T_PLAIN) {
        i++;
        continue;
      }
      switch (k) {
        case C.T_LT:
          break scan;
        case C.T_LF:
          this.newline(++i);
          continue;
        case C.T_CR:
          mode = DECODE_REFS;
          if (i + 1 >= end || buf[i + 1] !== C.LF) this.newline(i + 1);
          i++;
          continue;
        case C.T_AMP:
          mode = DECODE_REFS;
          i = this.reference(buf, i, end);
          if (i < 0) return INCOMPLETE;
          continue;
        case C.T_GT:
          if (i - start >= 2 && buf[i - 1] === C.RBRACKET && buf[i - 2] === C.RBRACKET) {
            this.fail("XML_MALFORMED", "`]]>` in text (it may only end a CDATA section; write `]]&gt;`)", i - 2);
          }
          i++;
          continue;
        case C.T_HIGH: {
          const n = this.char(buf, i, end);
          if (n < 0) return INCOMPLETE;
          i += n;
          continue;
        }
        default:
          this.badChar(buf, i);
      }
    }
    if (this.stack.depth === 0) {
      if (!C.isAllSpace(buf, start, i)) this.failAtFirstNonSpace(buf, start, this.rootClosed ? "text after the root element" : "text before the root element");
      return i;
    }
    this.emitText(buf, start, i, mode);
    return i;
  }

  /** Sends character data to the sink, decoded as `mode` says. Also used for CDATA. */
  emitText(buf: Uint8Array, start: number, end: number, mode: number): void {
    if (mode === RAW) this.sink.text(buf, start, end);
    else if (mode === DECODE_REFS) this.sink.text(this.out.bytes, 0, decodeText(buf, start, end, this.out));
    else if (mode === DECODE_LINE_ENDS) this.sink.text(this.out.bytes, 0, decodeLineEnds(buf, start, end, this.out));
  }

  private markup(buf: Uint8Array, i: number, end: number): number {
    if (i + 1 >= end) return this.more("a tag");
    const b = buf[i + 1]!;
    if (C.NAME_START[b] === 1) return scanStartTag(this, buf, i, end);
    if (b === C.SLASH) return scanEndTag(this, buf, i, end);
    if (b === C.BANG) return scanBang(this, buf, i, end);
    if (b === C.QUESTION) return scanPi(this, buf, i, end);
    return this.fail("XML_MALFORMED", "`<` not followed by a tag name (write `&lt;` for a literal `<`)", i + 1);
  }

  /** Scans a name starting at buf[i] (whose first byte the caller checked); returns its end. */
  name(buf: Uint8Array, i: number, end: number, what: string): number {
    let j = i;
    for (;;) {
      if (j >= end) return this.more(what);
      const b = buf[j]!;
      if (b < 0x80) {
        if (C.NAME_CHAR[b] !== 1) break;
        j++;
        continue;
      }
      const n = this.char(buf, j, end);
      if (n < 0) return INCOMPLETE;
      j += n;
    }
    if (j - i > MAX_NAME_BYTES) this.failAtToken("XML_MALFORMED", `a name longer than ${MAX_NAME_BYTES} bytes`);
    return j;
  }

  /** Skips XML white space from buf[i]; returns the first other byte's index. */
  space(buf: Uint8Array, i: number, end: number, what: string): number {
    let j = i;
    for (;;) {
      if (j >= end) return this.more(what);
      const b = buf[j]!;
      if (b === C.SPACE || b === C.TAB) j++;
      else if (b === C.LF) this.newline(++j);
      else if (b === C.CR) {
        if (j + 1 >= end || buf[j + 1] !== C.LF) this.newline(j + 1);
        j++;
      } else return j;
    }
  }

  /** One character of a comment, PI, CDATA section or DOCTYPE at buf[j]; returns the next index. */
  contentChar(buf: Uint8Array, j: number, end: number): number {
    const b = buf[j]!;
    if ((b >= 0x20 && b < 0x80) || b === C.TAB) return j + 1;
    if (b === C.LF) {
      this.newline(j + 1);
      return j + 1;
    }
    if (b === C.CR) {
      if (j + 1 >= end || buf[j + 1] !== C.LF) this.newline(j + 1);
      return j + 1;
    }
    if (b < 0x80) this.badChar(buf, j);
    const n = this.char(buf, j, end);
    return n < 0 ? INCOMPLETE : j + n;
  }

  /** Validates the non-ASCII character at buf[i]; returns its length, or INCOMPLETE. */
  char(buf: Uint8Array, i: number, end: number): number {
    const n = C.nonAsciiLength(buf, i, end);
    if (n > 0) {
      this.cont += n - 1;
      return n;
    }
    if (n === C.CHAR_TRUNCATED && !this.final) return INCOMPLETE;
    if (n === C.CHAR_NOT_XML) this.fail("XML_INVALID_CHAR", `character U+${buf[i + 2] === 0xbe ? "FFFE" : "FFFF"} is not allowed in XML`, i);
    return this.fail("XML_INVALID_UTF8", "invalid UTF-8 (convert the file to UTF-8 or declare its encoding)", i);
  }

  /** Validates the reference at buf[i] (`&`); returns the index after it, or INCOMPLETE. */
  reference(buf: Uint8Array, i: number, end: number): number {
    const r = parseReference(buf, i, end);
    return r >= 0 ? r : referenceError(this, buf, i, end, r);
  }

  newline(next: number): void {
    this.line++;
    this.lineStart = this.base + next;
    this.cont = 0;
  }

  /** INCOMPLETE, or at the end of the input XML_TRUNCATED at the token's start. */
  more(what: string): number {
    if (!this.final) return INCOMPLETE;
    return this.failAtToken("XML_TRUNCATED", `the file ends inside ${what} that starts`);
  }

  /** Throws at buf[pos]: pos must be on the current line, with no non-ASCII byte between the cursor and it. */
  fail(code: XmlErrorCode, what: string, pos: number): never {
    throw new XmlError(code, what, this.line, this.base + pos - this.lineStart - this.cont + 1);
  }

  /** Throws at the start of the current token. */
  failAtToken(code: XmlErrorCode, what: string): never {
    throw new XmlError(code, what, this.tokLine, this.base + this.tokStart - this.tokLineStart - this.tokCont + 1);
  }

  /** A start tag buf[nameStart, nameEnd) at buf[i] is complete: the element opens. */
  openElement(buf: Uint8Array, nameStart: number, nameEnd: number, i: number): void {
    this.rootSeen = true;
    this.stack.push(buf, nameStart, nameEnd, this.tokLine);
    this.sink.open(buf, nameStart, nameEnd, this.attrs, this.tokLine, this.base + i);
  }

  /** The innermost element ends; buf[end - 1] is the last byte of its end tag. */
  closeElement(end: number): void {
    this.stack.pop();
    if (this.stack.depth === 0) this.rootClosed = true;
    this.sink.close(this.base + end);
  }

  badChar(buf: Uint8Array, i: number): never {
    this.fail("XML_INVALID_CHAR", `control character U+${buf[i]!.toString(16).padStart(4, "0").toUpperCase()} is not allowed in XML`, i);
  }

  /** Text outside the root: the error points at its first non-space character (only white space precedes it). */
  private failAtFirstNonSpace(buf: Uint8Array, start: number, what: string): never {
    let line = this.tokLine;
    // column(p) = base + p - lineStart + 1; on the token's line the continuation bytes before it count too.
    let lineStart = this.tokLineStart + this.tokCont;
    let i = start;
    for (; C.isSpace(buf[i]!); i++) {
      const b = buf[i]!;
      if (b === C.LF || (b === C.CR && buf[i + 1] !== C.LF)) {
        line++;
        lineStart = this.base + i + 1;
      }
    }
    throw new XmlError("XML_MALFORMED", `${what} (only white space, comments and processing instructions may stand there)`, line, this.base + i - lineStart + 1);
  }
}
