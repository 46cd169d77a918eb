/**
 * CSV/TSV bytes → typed column builders, once the columns are planned: the tokenizer, the fast
 * path (typed-rows.ts) and the general row sink that checks the row width, skips the header and
 * appends cell by cell. Shared by the single-threaded converter (csv-to-parquet.ts) and the block
 * workers (blocks.ts), so both read a row the same way and fail with the same error.
 *
 * Throws ConversionError (CSV_RAGGED_ROW) and CsvError (the tokenizer's) for bad input, and
 * WidenNeeded when a value does not fit its column's type; line numbers count from `firstLine`.
 *
 * Invariant: the builders only ever hold whole rows (a row the fast path declines is taken back
 * before the general path appends it).
 */

import type { ColumnSpec } from "../column-types.ts";
import type { ColumnBuilder } from "../infer/index.ts";
import { ConversionError, WidenNeeded } from "../table-converter.ts";
import { CsvTokenizer, type CsvDialect } from "./csv-tokenizer.ts";
import type { FieldView } from "./field-view.ts";
import { TypedRowParser } from "./typed-rows.ts";

export interface TableReaderOptions {
  /** The first row is the header: it is skipped. */
  skipHeader: boolean;
  /** Line of the first byte (default 1). */
  firstLine?: number;
  /** Skip a UTF-8 BOM at the start (default true; false for a block inside a file). */
  bom?: boolean;
}

export class CsvTableReader {
  private readonly tokenizer: CsvTokenizer;
  private readonly fastRows: TypedRowParser;
  private slowRows = 0;

  constructor(
    dialect: CsvDialect,
    private readonly columns: readonly ColumnSpec[],
    readonly builders: readonly ColumnBuilder[],
    options: TableReaderOptions,
  ) {
    const width = columns.length;
    let skipHeader = options.skipHeader;
    // Plain rows go straight into the builders; the tokenizer hands the others to row() below.
    const fastRows = (this.fastRows = new TypedRowParser(dialect, builders));
    fastRows.enabled = !skipHeader;
    this.tokenizer = new CsvTokenizer(
      dialect,
      {
        row: (fields: FieldView, line: number) => {
          if (skipHeader) {
            skipHeader = false;
            fastRows.enabled = true;
            return;
          }
          if (fields.count !== width) {
            throw new ConversionError("CSV_RAGGED_ROW", `line ${line} has ${fields.count} fields, expected ${width} (as in the first row)`, { line });
          }
          for (let c = 0; c < width; c++) {
            const b = builders[c]!;
            const start = fields.start[c]!;
            const end = fields.end[c]!;
            const quoted = fields.quoted[c] === 1;
            if (!quoted && start === end) b.appendNull();
            else if (!b.append(fields.buf, start, end, quoted)) {
              throw new WidenNeeded(c, this.columns[c]!.name, b.type, b.widenFor(fields.buf, start, end, quoted), line);
            }
          }
          this.slowRows++;
        },
      },
      { fastRows, firstLine: options.firstLine, bom: options.bom },
    );
  }

  /** Data rows read so far (the header not counted). */
  get rows(): number {
    return this.slowRows + this.fastRows.rows;
  }

  /** The line the next row starts on. */
  get nextLine(): number {
    return this.tokenizer.nextLine;
  }

  /** Everything pushed so far ended at a row end. */
  get atRowEnd(): boolean {
    return this.tokenizer.atRowEnd;
  }

  push(chunk: Uint8Array): void {
    this.tokenizer.push(chunk);
  }

  end(): void {
    this.tokenizer.end();
  }
}
