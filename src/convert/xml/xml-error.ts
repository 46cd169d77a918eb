/**
 * The errors the XML reader raises on purpose. Each has a stable `code` (for the error sidecar,
 * scripts and tests) and the place a person needs to fix the file: the 1-based line and the
 * 1-based column, counted in characters (code points) from the start of that line (omitted when
 * the problem is a whole record). Lines end at
 * LF, CR LF or a lone CR, as XML's end-of-line handling defines them.
 *
 * Kept apart from ConversionError (like CsvError) so the tokenizer does not depend on the converter
 * contract; the converter copies `code`, `line` and `column` into a ConversionError. Every code here
 * is also a member of ConversionErrorCode.
 */

export type XmlErrorCode =
  | "XML_MALFORMED" // not well-formed: mismatched or stray tags, bad attribute syntax, text outside the root...
  | "XML_INVALID_CHAR" // a character XML forbids (control characters, U+FFFE, U+FFFF), also as &#...;
  | "XML_INVALID_UTF8" // the bytes are not UTF-8
  | "XML_TRUNCATED" // the file ends inside a tag, comment, CDATA section or an open element
  | "XML_UNDEFINED_ENTITY" // &name; other than the five predefined entities: never expanded
  | "XML_DTD_REFUSED" // a DOCTYPE with an internal subset (entity declarations: billion laughs, XXE)
  | "XML_UNSUPPORTED_ENCODING" // UTF-16/32, or a declared encoding other than UTF-8, ASCII or ISO-8859-1
  | "XML_RECORD_TOO_LARGE" // one record (or one tag, text, comment) over 16 MiB
  | "XML_TOO_DEEP" // elements nested deeper than the limit (256)
  | "XML_NO_RECORDS" // no element, or no record with any value
  | "XML_TOO_MANY_COLUMNS"; // more distinct record fields than the limit

export class XmlError extends Error {
  readonly code: XmlErrorCode;
  readonly line: number;
  /** Undefined when only the line is meaningful (a whole record too large). */
  readonly column: number | undefined;

  constructor(code: XmlErrorCode, what: string, line: number, column?: number) {
    super(column === undefined ? `${what} at line ${line}` : `${what} at line ${line}, column ${column}`);
    this.name = "XmlError";
    this.code = code;
    this.line = line;
    this.column = column;
  }
}

/** A name or snippet of the input for a message (decoded leniently, cut at 60 characters). */
export function show(buf: Uint8Array, start: number, end: number): string {
  const text = new TextDecoder().decode(buf.subarray(start, Math.min(end, start + 200)));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
