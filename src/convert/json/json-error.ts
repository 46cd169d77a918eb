/**
 * What the JSON scanner throws: NEED_MORE (not an error: the buffer ends inside a record that the
 * next chunk continues) and JsonSyntaxError (a stable code, the reason, and the byte position in
 * the buffer being scanned; record-stream.ts turns the position into a line and column).
 */

import { utf8SequenceLength } from "../csv/utf8.ts";
import type { ConversionErrorCode } from "../table-converter.ts";

/** Thrown when a non-final buffer ends inside a record. Preallocated: it is thrown once per chunk. */
export class NeedMoreInput extends Error {}
export const NEED_MORE = new NeedMoreInput("the record continues in the next chunk");

/** A grammar error at byte `pos` of the buffer being scanned; the stream adds line and column. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly code: ConversionErrorCode,
    readonly what: string,
    readonly pos: number,
  ) {
    super(what);
    this.name = "JsonSyntaxError";
  }
}

/** JSON Lines: a line break (or the line's end) inside a record, at byte i. */
export function lineEndsInRecord(i: number): JsonSyntaxError {
  return new JsonSyntaxError("JSON_INVALID", "invalid JSON Lines: the line ends inside its record (a record must be one whole line)", i);
}

/** The bytes at buf[i] are not UTF-8. */
export function invalidUtf8(buf: Uint8Array, i: number): JsonSyntaxError {
  return new JsonSyntaxError("JSON_INVALID_UTF8", `invalid UTF-8 (byte 0x${buf[i]!.toString(16).toUpperCase().padStart(2, "0")})`, i);
}

/** The character at buf[i] for a message: 'x', or U+XXXX for control and invisible ones. */
export function describeAt(buf: Uint8Array, i: number, end: number): string {
  const c = buf[i]!;
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c < 0x80) return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  const n = Math.max(1, utf8SequenceLength(buf, i, end));
  const cp = new TextDecoder().decode(buf.subarray(i, i + n)).codePointAt(0)!;
  return `'${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, "0")})`;
}
