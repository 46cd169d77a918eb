/**
 * Byte classes for the XML scanner: one table lookup decides whether a byte needs any attention,
 * so the hot loops over text and names touch each byte once and create nothing.
 *
 * Characters (XML 1.0 `Char`): tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
 * Everything else is XML_INVALID_CHAR; malformed UTF-8 (overlong, surrogates, above U+10FFFF) is
 * XML_INVALID_UTF8 (csv/utf8.ts has the sequence table).
 *
 * Names: ASCII is checked exactly (NameStartChar: letters, `_`, `:`; NameChar adds digits, `-`,
 * `.`). Non-ASCII characters are accepted anywhere in a name once they are valid UTF-8: the exact
 * Unicode ranges of XML names would cost a range search per character and reject nothing a table
 * export produces; names are only used as column names and JSON keys, never interpreted.
 */

import { UTF8_INVALID, UTF8_TRUNCATED, utf8SequenceLength } from "../csv/utf8.ts";

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const BANG = 0x21;
export const QUOT = 0x22;
export const HASH = 0x23;
export const AMP = 0x26;
export const APOS = 0x27;
export const DASH = 0x2d;
export const SLASH = 0x2f;
export const SEMI = 0x3b;
export const LT = 0x3c;
export const EQ = 0x3d;
export const GT = 0x3e;
export const QUESTION = 0x3f;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

/** Text classes: PLAIN needs nothing, the others send the byte to the slow path. */
export const T_PLAIN = 0;
export const T_LT = 1;
export const T_LF = 2;
export const T_CR = 3;
export const T_AMP = 4;
export const T_GT = 5;
export const T_HIGH = 6;
export const T_BAD = 7;
/** In attribute values only: a quote (which one ends the value is checked) and tab (becomes a space). */
export const T_QUOTE = 8;
export const T_TAB = 9;

function textTable(attribute: boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) t[b] = T_BAD;
  t[LF] = T_LF;
  t[CR] = T_CR;
  t[TAB] = attribute ? T_TAB : T_PLAIN;
  t[LT] = T_LT;
  t[AMP] = T_AMP;
  if (!attribute) t[GT] = T_GT; // only for the `]]>` rule of character data
  if (attribute) t[QUOT] = t[APOS] = T_QUOTE;
  for (let b = 0x80; b < 0x100; b++) t[b] = T_HIGH;
  return t;
}

/** Character data between tags. */
export const TEXT_CLASS = textTable(false);
/** Attribute values (`<` is an error there, tab/CR/LF become spaces). */
export const ATTR_CLASS = textTable(true);

/** 1 for bytes that may start a name (non-ASCII lead bytes included), else 0. */
export const NAME_START = new Uint8Array(256);
/** 1 for bytes that may continue a name. */
export const NAME_CHAR = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  const start = letter || b === 0x5f /* _ */ || b === 0x3a /* : */ || b >= 0x80;
  NAME_START[b] = start ? 1 : 0;
  NAME_CHAR[b] = start || (b >= 0x30 && b <= 0x39) || b === DASH || b === 0x2e /* . */ ? 1 : 0;
}

export function isSpace(b: number): boolean {
  return b === SPACE || b === LF || b === TAB || b === CR;
}

/** Whether buf[start, end) is only XML white space (or empty). */
export function isAllSpace(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== SPACE && b !== LF && b !== TAB && b !== CR) return false;
  }
  return true;
}

/** The buffer ends inside the character: more input may complete it. */
export const CHAR_TRUNCATED = UTF8_TRUNCATED;
/** Not UTF-8. */
export const CHAR_BAD_UTF8 = UTF8_INVALID;
/** Valid UTF-8 of a code point XML forbids (U+FFFE, U+FFFF). */
export const CHAR_NOT_XML = -2;

/** Length (2..4) of the non-ASCII character at buf[i] (>= 0x80), or one of the CHAR_* codes. */
export function nonAsciiLength(buf: Uint8Array, i: number, end: number): number {
  const n = utf8SequenceLength(buf, i, end);
  if (n === 3 && buf[i] === 0xef && buf[i + 1] === 0xbf && buf[i + 2]! >= 0xbe) return CHAR_NOT_XML;
  return n;
}

/** Whether the code point is an XML 1.0 Char (for character references). */
export function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === TAB || cp === LF || cp === CR;
  if (cp <= 0xd7ff) return true;
  if (cp < 0xe000) return false;
  if (cp <= 0xfffd) return true;
  return cp >= 0x10000 && cp <= 0x10ffff;
}

/** Writes the code point as UTF-8 at out[at]; returns the new end. out must have 4 bytes of room. */
export function putUtf8(out: Uint8Array, at: number, cp: number): number {
  if (cp < 0x80) {
    out[at] = cp;
    return at + 1;
  }
  if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
    return at + 2;
  }
  if (cp < 0x10000) {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
    return at + 3;
  }
  out[at] = 0xf0 | (cp >> 18);
  out[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[at + 3] = 0x80 | (cp & 0x3f);
  return at + 4;
}
