/**
 * Which byte encodings the XML reader accepts, and the one conversion it does.
 *
 *   UTF-8       the default (XML's own), with or without a byte order mark.
 *   US-ASCII    read as UTF-8, of which it is a subset.
 *   ISO-8859-1  (latin1 and its IANA aliases) each byte is the code point of the same value, so the
 *               conversion to UTF-8 is exact and costs one pass over the bytes: cheap enough to do.
 *   anything else, UTF-16/UTF-32 (by byte order mark or by the `<?` pattern of a declaration),
 *               windows-1252 (which differs from ISO-8859-1 in 0x80..0x9F) and the rest:
 *               XML_UNSUPPORTED_ENCODING. Guessing a code page would rewrite text silently.
 *
 * Positions after an ISO-8859-1 switch are counted on the converted bytes; lines and character
 * columns are the same as in the original.
 */

import { XmlError } from "./xml-error.ts";

const LATIN1 = new Set(["iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "l1", "ibm819", "cp819", "iso-ir-100", "csisolatin1"]);
const UTF8 = new Set(["utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us"]);

/** The encoding a declaration's label names, as far as this reader is concerned. */
export function encodingOf(label: string): "utf-8" | "iso-8859-1" | "other" {
  const l = label.toLowerCase();
  if (UTF8.has(l)) return "utf-8";
  if (LATIN1.has(l)) return "iso-8859-1";
  return "other";
}

/** Bytes the reader must see before it decides on the start of the file. */
export const SNIFF_BYTES = 4;

/**
 * The number of leading bytes to skip (3 for a UTF-8 BOM, else 0), from the first SNIFF_BYTES
 * bytes (fewer only when the file is that short). Throws for UTF-16 and UTF-32.
 */
export function sniffStart(head: Uint8Array): number {
  const [a, b, c, d] = [head[0], head[1], head[2], head[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return 3;
  let what: string | null = null;
  if ((a === 0xfe && b === 0xff) || (a === 0xff && b === 0xfe)) what = a === 0xff && c === 0 && d === 0 ? "UTF-32 (byte order mark)" : "UTF-16 (byte order mark)";
  else if (a === 0 && b === 0 && c === 0xfe && d === 0xff) what = "UTF-32 (byte order mark)";
  else if ((a === 0x3c && b === 0 && c === 0x3f && d === 0) || (a === 0 && b === 0x3c && c === 0 && d === 0x3f)) what = "UTF-16 (no byte order mark)";
  else if ((a === 0x3c && b === 0 && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0 && d === 0x3c)) what = "UTF-32 (no byte order mark)";
  if (what !== null) throw new XmlError("XML_UNSUPPORTED_ENCODING", `the file is ${what}: only UTF-8, US-ASCII and ISO-8859-1 are read; convert it to UTF-8`, 1, 1);
  return 0;
}

/** ISO-8859-1 bytes as UTF-8 (the input itself when it is all ASCII). */
export function latin1ToUtf8(src: Uint8Array): Uint8Array {
  let high = 0;
  for (let i = 0; i < src.length; i++) if (src[i]! >= 0x80) high++;
  if (high === 0) return src;
  const out = new Uint8Array(src.length + high);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b < 0x80) out[o++] = b;
    else {
      out[o++] = 0xc0 | (b >> 6);
      out[o++] = 0x80 | (b & 0x3f);
    }
  }
  return out;
}
