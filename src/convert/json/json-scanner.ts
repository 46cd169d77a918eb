/**
 * The JSON grammar (RFC 8259) at the byte level, for the record parser: whitespace, strings
 * (escapes and UTF-8 validated, not decoded), numbers, literals, and whole nested values skipped
 * and validated without building anything. Every method takes the buffer and a position and
 * returns the position after what it read; the hot loops are table lookups on bytes.
 *
 * The input is buf[0, end) and buf[end] is a 0 byte (a sentinel the caller writes: the stream parses
 * its own copy of each chunk), which no loop accepts: the loops stop at the end without a bounds
 * test per byte, nothing reads past buf[end] (reading past a typed array's length makes the JIT
 * fall back to slower code for that access), and the code that handles the unexpected byte asks
 * whether it was the end (endOfInput):
 *   - not `final`: the record may continue in the next chunk; NEED_MORE is thrown and the caller
 *     parses the record again, whole, once it has it (record-stream.ts);
 *   - `final`: the file (JSON_TRUNCATED) or, in strict JSON Lines, the line ends inside the record.
 *
 * Positions for errors: the scanner counts line breaks as it skips whitespace (a raw line break is
 * legal nowhere else in JSON), so `line` is the line of the current position, and `lineStart` /
 * `colBias` say where its character count starts: column(p) = colBias + characters in
 * buf[lineStart, p). The stream rebases them when it moves to another buffer.
 *
 * Invariant: a JsonSyntaxError's position is the first byte that is not valid JSON (or the end),
 * whatever the chunking, because a record is always scanned from its first byte in one buffer.
 */

import { UTF8_TRUNCATED, utf8SequenceLength } from "../csv/utf8.ts";
import { describeAt, invalidUtf8, JsonSyntaxError, lineEndsInRecord, NEED_MORE } from "./json-error.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const OBJECT = 1;

/** 1 for the bytes a string holds as they are: printable ASCII but `"` and `\`. */
const STRING_PLAIN: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let b = 0x20; b < 0x80; b++) t[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;
  return t;
})();

/** Escape letters after a backslash (`u` is handled apart). */
const SIMPLE_ESCAPE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of `"\\/bfnrt`) t[c.charCodeAt(0)] = 1;
  return t;
})();

const HEX: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of "0123456789abcdefABCDEF") t[c.charCodeAt(0)] = 1;
  return t;
})();

const TRUE = new TextEncoder().encode("true");
const FALSE = new TextEncoder().encode("false");
const NULL = new TextEncoder().encode("null");

export class JsonScanner {
  protected buf: Uint8Array = new Uint8Array(0);
  protected end = 0;
  /** The end of the buffer is the end of the record's input (see the top comment). */
  protected final = false;
  /** With `final`: the buffer ends where a JSON Lines line ends, not the file. */
  endIsLine = false;
  /** Strict JSON Lines: a line break inside a record is an error. */
  lineLocked = false;
  line = 1;
  lineStart = 0;
  colBias = 1;
  /** Set by scanString: the string held a backslash escape (its text must be decoded). */
  protected escaped = false;
  /** Set by skipNested: the value had whitespace between its tokens. */
  protected spaced = false;
  private stack = new Uint8Array(64);
  private markedLine = 1;
  private markedLineStart = 0;
  private markedColBias = 1;

  /** Points the scanner at buf[0, end) (buf[end] must be 0); `final`: see the top comment. */
  attach(buf: Uint8Array, end: number, final: boolean): void {
    this.buf = buf;
    this.end = end;
    this.final = final;
  }

  /** Skips JSON whitespace, counting line breaks. */
  skipWs(buf: Uint8Array, i: number): number {
    for (;;) {
      const c = buf[i]!;
      if (c > 0x20) return i;
      if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else if (c === LF) {
        if (this.lineLocked) throw lineEndsInRecord(i);
        this.line++;
        this.lineStart = ++i;
        this.colBias = 1;
      } else return i;
    }
  }

  /** From just after an opening quote to the closing quote's position; sets `escaped`. */
  scanString(buf: Uint8Array, i: number): number {
    let escaped = false;
    for (;;) {
      while (STRING_PLAIN[buf[i]!] === 1) i++;
      const c = buf[i];
      if (c === QUOTE) {
        this.escaped = escaped;
        return i;
      }
      if (c === BACKSLASH) {
        escaped = true;
        const e = buf[i + 1]!;
        if (SIMPLE_ESCAPE[e] === 1) i += 2;
        else if (e === 0x75 /* u */) {
          for (let k = 2; k < 6; k++) if (HEX[buf[i + k]!] !== 1) this.fail(i + k, "4 hex digits after \\u");
          i += 6;
        } else this.fail(i + 1, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        continue;
      }
      if (i >= this.end) this.endOfInput(i);
      if (c! < 0x20) this.fail(i, "a string character (control characters must be escaped)");
      const n = utf8SequenceLength(buf, i, this.end);
      if (n > 0) i += n;
      else if (n === UTF8_TRUNCATED && !this.final) throw NEED_MORE;
      else throw invalidUtf8(buf, i);
    }
  }

  /** A number (RFC 8259 grammar) from its first byte ('-' or a digit); returns its end. */
  scanNumber(buf: Uint8Array, i: number): number {
    if (buf[i] === MINUS) i++;
    let c = buf[i]!;
    if (c === 0x30) c = buf[++i]!;
    else if (c >= 0x31 && c <= 0x39) {
      do c = buf[++i]!;
      while (c >= 0x30 && c <= 0x39);
    } else this.fail(i, "a digit");
    if (c === 0x2e /* . */) {
      c = buf[++i]!;
      if (!(c >= 0x30 && c <= 0x39)) this.fail(i, "a digit after the decimal point");
      do c = buf[++i]!;
      while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45 /* e E */) {
      c = buf[++i]!;
      if (c === 0x2b || c === MINUS) c = buf[++i]!;
      if (!(c >= 0x30 && c <= 0x39)) this.fail(i, "a digit in the exponent");
      do c = buf[++i]!;
      while (c >= 0x30 && c <= 0x39);
    }
    return i;
  }

  /** `true`, `false` or `null` at buf[i] (its first letter already seen); returns its end. */
  scanLiteral(buf: Uint8Array, i: number): number {
    const c = buf[i];
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
    for (let k = 1; k < word.length; k++) {
      if (buf[i + k] !== word[k]) this.fail(i + k, `'${String.fromCharCode(...word)}'`);
    }
    return i + word.length;
  }

  /**
   * Skips the object or array starting at buf[i], validating all of it; returns its end and sets
   * `spaced`. Iterative (a byte per level on `stack`), so deep nesting cannot overflow the JS stack.
   */
  skipNested(buf: Uint8Array, i: number): number {
    let depth = 0;
    let spaced = false;
    let stack = this.stack;
    let j: number;
    for (;;) {
      let c = buf[i]!;
      if (c === LBRACE || c === LBRACKET) {
        if (depth === stack.length) {
          const grown = new Uint8Array(depth * 2);
          grown.set(stack);
          this.stack = stack = grown;
        }
        stack[depth++] = c === LBRACE ? OBJECT : 0;
        j = this.skipWs(buf, i + 1);
        if (j !== i + 1) spaced = true;
        i = j;
        if (buf[i] === (c === LBRACE ? RBRACE : RBRACKET)) {
          depth--;
          i++;
        } else {
          if (c === LBRACE) {
            i = this.memberValue(buf, i);
            if (this.spaced) spaced = true;
          }
          continue; // a value starts at i
        }
      } else if (c === QUOTE) i = this.scanString(buf, i + 1) + 1;
      else if (c === MINUS || (c >= 0x30 && c <= 0x39)) i = this.scanNumber(buf, i);
      else if (c === 0x74 || c === 0x66 || c === 0x6e) i = this.scanLiteral(buf, i);
      else this.fail(i, "a value");
      // After a value: commas and closing brackets until the next value or the end.
      for (;;) {
        if (depth === 0) {
          this.spaced = spaced;
          return i;
        }
        j = this.skipWs(buf, i);
        if (j !== i) spaced = true;
        i = j;
        c = buf[i]!;
        const inObject = stack[depth - 1] === OBJECT;
        if (c === COMMA) {
          j = this.skipWs(buf, i + 1);
          if (j !== i + 1) spaced = true;
          i = j;
          if (inObject) {
            i = this.memberValue(buf, i);
            if (this.spaced) spaced = true;
          }
          break;
        }
        if (c === (inObject ? RBRACE : RBRACKET)) {
          depth--;
          i++;
          continue;
        }
        this.fail(i, inObject ? "',' or '}'" : "',' or ']'");
      }
    }
  }

  /** `"key" :` inside a nested object, up to its value; sets `spaced` if it skipped whitespace. */
  private memberValue(buf: Uint8Array, i: number): number {
    if (buf[i] !== QUOTE) this.fail(i, "a key (a string in double quotes)");
    const k = this.scanString(buf, i + 1) + 1;
    let j = this.skipWs(buf, k);
    let spaced = j !== k;
    if (buf[j] !== COLON) this.fail(j, "':' after the key");
    i = this.skipWs(buf, j + 1);
    if (i !== j + 1) spaced = true;
    this.spaced = spaced;
    return i;
  }

  /** Throws for an unexpected byte at i (or the end of the input there). */
  fail(i: number, expected: string): never {
    if (i >= this.end) this.endOfInput(i);
    const c = this.buf[i]!;
    if (c === LF && this.lineLocked) throw lineEndsInRecord(i);
    if (c >= 0x80) {
      const n = utf8SequenceLength(this.buf, i, this.end);
      // A character the buffer cuts: described whole once the rest has come (chunking-independent).
      if (n === UTF8_TRUNCATED && !this.final) throw NEED_MORE;
      if (n <= 0) throw invalidUtf8(this.buf, i);
    }
    throw new JsonSyntaxError("JSON_INVALID", `invalid JSON: expected ${expected}, found ${describeAt(this.buf, i, this.end)}`, i);
  }

  /** The input ends at i, inside a record. */
  endOfInput(i: number): never {
    if (!this.final) throw NEED_MORE;
    if (this.endIsLine) throw lineEndsInRecord(i);
    throw new JsonSyntaxError("JSON_TRUNCATED", "the file ends inside a record (truncated?)", i);
  }

  /** Remembers the line position (before a record that may have to be parsed again). */
  markLine(): void {
    this.markedLine = this.line;
    this.markedLineStart = this.lineStart;
    this.markedColBias = this.colBias;
  }

  /** Goes back to the position markLine() remembered. */
  resetLine(): void {
    this.line = this.markedLine;
    this.lineStart = this.markedLineStart;
    this.colBias = this.markedColBias;
  }

  /** The 1-based character column of buf[pos] on the current line. */
  columnAt(buf: Uint8Array, pos: number): number {
    let column = this.colBias;
    for (let p = this.lineStart; p < pos; p++) if ((buf[p]! & 0xc0) !== 0x80) column++;
    return column;
  }

  /** Moves the column count to another buffer: `at` in the new one is `pos` in the old one. */
  rebase(oldBuf: Uint8Array, pos: number, at: number): void {
    this.colBias = this.columnAt(oldBuf, pos);
    this.lineStart = at;
  }
}
