/**
 * The contract of a table converter (options, result) and what a conversion throws on purpose:
 *  - ConversionError: the file cannot be converted as it is (ragged row, unterminated quote,
 *    invalid UTF-8, empty file...). A stable code, the reason, and the line and column where a
 *    person finds the problem. The file fails and goes to the error folder.
 *  - WidenNeeded: not an error of the file. A value further down does not fit the type the
 *    sample chose for its column; the caller aborts what was written and converts again with the
 *    wider type. Carries the column, both types and the line that forced it, for the log.
 */
import type { ColumnType } from "./column-types.ts";

export type ConversionErrorCode =
  | "CONVERT_EMPTY"
  | "CSV_RAGGED_ROW"
  | "CSV_UNTERMINATED_QUOTE"
  | "CSV_BAD_QUOTE"
  | "CSV_ROW_TOO_LARGE"
  | "CSV_TOO_MANY_FIELDS"
  | "CSV_INVALID_UTF8"
  | "XML_MALFORMED"
  | "XML_INVALID_CHAR"
  | "XML_INVALID_UTF8"
  | "XML_TRUNCATED"
  | "XML_UNDEFINED_ENTITY"
  | "XML_DTD_REFUSED"
  | "XML_UNSUPPORTED_ENCODING"
  | "XML_RECORD_TOO_LARGE"
  | "XML_TOO_DEEP"
  | "XML_NO_RECORDS"
  | "XML_TOO_MANY_COLUMNS"
  | "JSON_INVALID"
  | "JSON_TRUNCATED"
  | "JSON_INVALID_UTF8"
  | "JSON_NOT_RECORDS"
  | "JSON_DUPLICATE_KEY"
  | "JSON_RECORD_TOO_LARGE"
  | "JSON_TOO_MANY_KEYS";

export class ConversionError extends Error {
  readonly code: ConversionErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: ConversionErrorCode, message: string, where: { line?: number; column?: number }) {
    super(message);
    this.name = "ConversionError";
    this.code = code;
    this.line = where.line;
    this.column = where.column;
  }
}

export class WidenNeeded extends Error {
  constructor(
    /** 0-based position of the column (for a column not seen before: where it will be added). */
    readonly column: number,
    readonly columnName: string,
    /** "absent": the column was not in the sample at all (a JSON key that appears later). */
    readonly from: ColumnType | "absent",
    readonly to: ColumnType,
    readonly line: number,
  ) {
    super(
      from === "absent"
        ? `a new column ${columnName} appears at line ${line}: converting again with it as ${to}`
        : `column ${column + 1} (${columnName}) holds a value at line ${line} that ${from} cannot carry: converting again as ${to}`,
    );
    this.name = "WidenNeeded";
  }
}

/** The options every table converter takes, and what it returns. */
export interface TableConvertOptions {
  /** The source's relative path: picks the dialect (.tsv) and names the file in errors. */
  name: string;
  compression: import("./column-types.ts").Compression;
  rowGroupBytes: number;
  keyValueMetadata: Record<string, string>;
  /**
   * Column name → type, learned by earlier attempts (a value the sample's type could not hold, or a
   * column the sample did not have). Applied on top of the sample's inference.
   */
  typeOverrides?: ReadonlyMap<string, ColumnType>;
  /** Encode row groups in a Worker while the next one is read (use both cores). */
  parallelEncoding?: boolean;
}

export interface TableConvertResult {
  rows: number;
  columns: import("./column-types.ts").ColumnSpec[];
  /** Columns whose names were changed to be unique and non-empty. */
  renames: { column: number; from: string; to: string; why: string }[];
  /** Format-specific facts for the log (delimiter, header, record element...). */
  details: Record<string, string | number | boolean>;
  /** Parquet bytes written. */
  bytes: number;
}

export type TableConverter = (
  source: AsyncIterable<Uint8Array>,
  write: import("./column-types.ts").ByteSinkFn,
  opts: TableConvertOptions,
) => Promise<TableConvertResult>;
