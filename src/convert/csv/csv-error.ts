/**
 * The errors the CSV reader raises on purpose. Each has a stable `code` (for the error sidecar,
 * scripts and tests) and the position a person needs to fix the file: the 1-based line and the
 * 1-based column, counted in characters (UTF-8 code points) from the start of that physical line.
 *
 * Kept apart from DspError because its ErrorCode union lives outside the CSV reader; the caller
 * wraps a CsvError into its own error type and can copy `code`, `line` and `column` as they are.
 */

export type CsvErrorCode =
  | "CSV_UNTERMINATED_QUOTE" // a quoted field is still open at the end of the file
  | "CSV_BAD_QUOTE" // a closing quote is followed by something other than a delimiter or a line end
  | "CSV_ROW_TOO_LARGE" // one row is larger than the configured maximum (default 16 MiB)
  | "CSV_TOO_MANY_FIELDS" // one row has more fields than the configured maximum
  | "CSV_INVALID_UTF8"; // the bytes are not UTF-8 (overlong form, surrogate, stray or missing continuation byte...)

export class CsvError extends Error {
  readonly code: CsvErrorCode;
  /** 1-based line of the file where the problem is (for an unterminated quote: where it opened). */
  readonly line: number;
  /** 1-based column, in characters, within that line. */
  readonly column: number;

  constructor(code: CsvErrorCode, what: string, line: number, column: number) {
    super(`${what} at line ${line}, column ${column}`);
    this.name = "CsvError";
    this.code = code;
    this.line = line;
    this.column = column;
  }
}

const LF = 10;
const CR = 13;

/**
 * The 1-based character column of buf[pos], given that buf[rowStart] starts a row (so also a line)
 * and that buf[rowStart, pos) is valid UTF-8. Only called when raising an error: it walks back to
 * the last line break, then counts the bytes that start a character.
 */
export function columnAt(buf: Uint8Array, rowStart: number, pos: number): number {
  let lineStart = pos;
  while (lineStart > rowStart && buf[lineStart - 1] !== LF && buf[lineStart - 1] !== CR) lineStart--;
  let column = 1;
  for (let p = lineStart; p < pos; p++) if ((buf[p]! & 0xc0) !== 0x80) column++;
  return column;
}
