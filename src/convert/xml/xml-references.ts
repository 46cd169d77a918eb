/**
 * Entity and character references, and the decoding of character data. Only the five predefined
 * entities (`&lt; &gt; &amp; &quot; &apos;`) and character references (`&#65;`, `&#x41;`) exist
 * here: the reader never reads a DTD, so any other `&name;` is XML_UNDEFINED_ENTITY, never expanded
 * (no billion laughs, no external entity fetch).
 *
 * parseReference() is used twice per reference: once by the scanner to validate it (and to learn
 * that the token needs decoding), once by decodeText() to write it. References are rare in table
 * exports, so the common token is scanned once and handed over as it lies in the input.
 */

import type { GrowableBytes } from "../parquet/scratch-buffers.ts";
import { CR, HASH, isXmlChar, LF, NAME_CHAR, NAME_START, putUtf8, SEMI } from "./xml-chars.ts";
import { show } from "./xml-error.ts";
import { INCOMPLETE, type XmlScanner } from "./xml-scanner.ts";

/** The buffer ends before the `;`. */
export const REF_INCOMPLETE = -1;
/** Not a reference: `&` not followed by a name or `#digits`, then `;`. */
export const REF_MALFORMED = -2;
/** A well-formed `&name;` other than the five predefined entities. */
export const REF_UNDEFINED = -3;
/** A character reference to a code point XML forbids (`&#0;`, `&#xFFFE;`, beyond U+10FFFF). */
export const REF_BAD_CHAR = -4;

/** The code point of the last reference parseReference() accepted. */
export const lastReference = { codePoint: 0 };

/**
 * Parses the reference that starts at buf[i] (`&`). Returns the index after its `;` (and sets
 * lastReference.codePoint), or one of the REF_* codes.
 */
export function parseReference(buf: Uint8Array, i: number, end: number): number {
  let j = i + 1;
  if (j >= end) return REF_INCOMPLETE;
  if (buf[j] === HASH) {
    j++;
    if (j >= end) return REF_INCOMPLETE;
    const hex = buf[j] === 0x78; /* x */
    if (hex) j++;
    let cp = 0;
    let digits = 0;
    for (; ; j++) {
      if (j >= end) return REF_INCOMPLETE;
      const b = buf[j]!;
      if (b === SEMI) break;
      let d: number;
      if (b >= 0x30 && b <= 0x39) d = b - 0x30;
      else if (hex && b >= 0x61 && b <= 0x66) d = b - 0x57;
      else if (hex && b >= 0x41 && b <= 0x46) d = b - 0x37;
      else return REF_MALFORMED;
      // Past U+10FFFF the value only has to stay invalid: stop multiplying before it overflows.
      if (cp <= 0x10ffff) cp = cp * (hex ? 16 : 10) + d;
      digits++;
    }
    if (digits === 0) return REF_MALFORMED;
    if (!isXmlChar(cp)) return REF_BAD_CHAR;
    lastReference.codePoint = cp;
    return j + 1;
  }
  if (NAME_START[buf[j]!] !== 1) return REF_MALFORMED;
  const start = j;
  for (; ; j++) {
    if (j >= end) return REF_INCOMPLETE;
    const b = buf[j]!;
    if (b === SEMI) break;
    if (NAME_CHAR[b] !== 1) return REF_MALFORMED;
  }
  const cp = predefined(buf, start, j - start);
  if (cp < 0) return REF_UNDEFINED;
  lastReference.codePoint = cp;
  return j + 1;
}

/** The character of a predefined entity name buf[at, at + n), or -1. */
function predefined(buf: Uint8Array, at: number, n: number): number {
  const a = buf[at];
  const b = buf[at + 1];
  if (n === 2 && b === 0x74 /* t */) return a === 0x6c /* l */ ? 0x3c : a === 0x67 /* g */ ? 0x3e : -1;
  if (n === 3 && a === 0x61 && b === 0x6d && buf[at + 2] === 0x70) return 0x26; // amp
  if (n === 4 && a === 0x71 && b === 0x75 && buf[at + 2] === 0x6f && buf[at + 3] === 0x74) return 0x22; // quot
  if (n === 4 && a === 0x61 && b === 0x70 && buf[at + 2] === 0x6f && buf[at + 3] === 0x73) return 0x27; // apos
  return -1;
}

/**
 * Writes the character data buf[start, end) (already validated by the scanner) into `out`,
 * replacing references by their characters and line ends (CR LF, lone CR) by LF, as XML's
 * end-of-line handling requires. Returns the decoded length. The output is never longer than the
 * input: every reference is longer than the UTF-8 of its character.
 */
export function decodeText(buf: Uint8Array, start: number, end: number, out: GrowableBytes): number {
  out.reset();
  out.ensure(end - start);
  const o = out.bytes;
  let n = 0;
  for (let i = start; i < end; ) {
    const b = buf[i]!;
    if (b === 0x26 /* & */) {
      i = parseReference(buf, i, end);
      n = putUtf8(o, n, lastReference.codePoint);
    } else if (b === CR) {
      o[n++] = LF;
      i += i + 1 < end && buf[i + 1] === LF ? 2 : 1;
    } else {
      o[n++] = b;
      i++;
    }
  }
  out.length = n;
  return n;
}

/**
 * Writes the attribute value buf[start, end) (validated) to out[at...]: references replaced, and
 * each literal tab, LF, CR or CR LF becomes one space (XML attribute-value normalization for
 * CDATA-typed attributes; without a DTD every attribute is CDATA). A character reference (`&#10;`)
 * is kept as the character it names. Returns the new end; out needs end - start bytes of room.
 */
export function decodeAttributeValue(buf: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let n = at;
  for (let i = start; i < end; ) {
    const b = buf[i]!;
    if (b === 0x26 /* & */) {
      i = parseReference(buf, i, end);
      n = putUtf8(out, n, lastReference.codePoint);
      continue;
    }
    if (b === CR) {
      out[n++] = 0x20;
      i += i + 1 < end && buf[i + 1] === LF ? 2 : 1;
      continue;
    }
    out[n++] = b === LF || b === 0x09 ? 0x20 : b;
    i++;
  }
  return n;
}

/** CDATA content: only line ends are normalized (CR LF, CR → LF); `&` is literal there. */
export function decodeLineEnds(buf: Uint8Array, start: number, end: number, out: GrowableBytes): number {
  out.reset();
  out.ensure(end - start);
  const o = out.bytes;
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b === CR) {
      o[n++] = LF;
      if (i + 1 < end && buf[i + 1] === LF) i++;
    } else o[n++] = b;
  }
  out.length = n;
  return n;
}

/**
 * What the scanner does with a failed parseReference() result `r` for the reference at buf[i]:
 * INCOMPLETE while more input may come, else the error (XML_UNDEFINED_ENTITY, XML_INVALID_CHAR or
 * XML_MALFORMED) at the `&`.
 */
export function referenceError(s: XmlScanner, buf: Uint8Array, i: number, end: number, r: number): number {
  if (r === REF_INCOMPLETE) {
    if (!s.final) return INCOMPLETE;
    s.fail("XML_MALFORMED", "unterminated reference (a literal `&` is written `&amp;`)", i);
  }
  let e = i + 1;
  while (e < end && e - i < 40 && buf[e] !== SEMI) e++;
  const ref = show(buf, i, Math.min(end, e + 1));
  if (r === REF_UNDEFINED) {
    s.fail("XML_UNDEFINED_ENTITY", `undefined entity ${ref} (only &lt; &gt; &amp; &quot; &apos; and character references are read; DTD entities are never expanded)`, i);
  }
  if (r === REF_BAD_CHAR) s.fail("XML_INVALID_CHAR", `${ref} refers to a character XML does not allow`, i);
  return s.fail("XML_MALFORMED", "`&` not followed by a reference (a literal `&` is written `&amp;`)", i);
}
