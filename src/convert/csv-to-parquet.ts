/**
 * One CSV/TSV byte stream → one Parquet byte stream, in a single pass with bounded memory:
 *
 *   1. sample: the first SAMPLE_BYTES are read and kept (the only bytes held twice);
 *   2. the delimiter is sniffed (tab forced for .tsv), the sample is tokenized once to infer the
 *      column types and to decide whether the first row is a header;
 *   3. the sample and then the rest of the stream are tokenized into typed column builders; a row
 *      group is handed to the writer each time the builders hold `rowGroupBytes` and encoded
 *      (in a worker with `parallelEncoding`) while the next one fills (row-group-pipeline.ts), so
 *      memory is two row groups plus one input chunk, whatever the file size.
 *
 * A later value that does not fit the type the sample chose throws WidenNeeded: the caller aborts
 * what it wrote and converts again with that column widened (`typeOverrides`); a value is never
 * dropped or rewritten to fit. Bad input throws ConversionError with the line and the reason.
 *
 * Invariants: the row width is the first row's field count, and every row must have it; columns
 * are named once (header or column_N) and never change between attempts.
 */
import type { ColumnSpec, ColumnType } from "./column-types.ts";
import { CsvError } from "./csv/csv-error.ts";
import { CsvTokenizer, type CsvDialect } from "./csv/csv-tokenizer.ts";
import type { FieldView } from "./csv/field-view.ts";
import { detectHeader, makeColumnNames, type ColumnRename } from "./csv/header.ts";
import { delimiterForFileName, sniffDialect } from "./csv/sniff.ts";
import { ColumnBuilder, SAMPLE_BYTES, TypeInference } from "./infer/index.ts";
import { ParquetWriter } from "./parquet/parquet-writer.ts";
import { workerEncoder } from "./parquet/worker-encoder.ts";
import { RowGroupPipeline } from "./row-group-pipeline.ts";
import { emptySample, fillSample } from "./sample.ts";
import { ConversionError, WidenNeeded, type TableConverter } from "./table-converter.ts";

/** Rows handed to header detection (as strings: it runs once per file). */
const HEADER_SAMPLE_ROWS = 200;

export const convertCsv: TableConverter = async (source, write, opts) => {
  const input = source[Symbol.asyncIterator]();
  try {
    const sample = emptySample();
    await fillSample(input, sample, SAMPLE_BYTES);
    if (sample.bytes === 0) throw new ConversionError("CONVERT_EMPTY", "the file is empty: there is no table to convert", {});
    const head = concat(sample.chunks, Math.min(sample.bytes, 64 * 1024));
    const sniff = sniffDialect(head, { delimiter: delimiterForFileName(opts.name), complete: sample.ended });
    const plan = planColumns(sample.chunks, sniff.dialect, sample.ended, opts.typeOverrides);
    const writer = new ParquetWriter({
      schema: plan.columns,
      compression: opts.compression,
      keyValueMetadata: { ...opts.keyValueMetadata, "dsp.csv.delimiter": String.fromCharCode(sniff.dialect.delimiter), "dsp.csv.header": String(plan.header) },
      write,
      encoder: opts.parallelEncoding ? workerEncoder : undefined,
    });
    const builders = plan.columns.map((c) => new ColumnBuilder(c.type, 64 * 1024));
    const width = plan.columns.length;
    let skipHeader = plan.header;
    let rows = 0;
    const tokenizer = new CsvTokenizer(sniff.dialect, {
      row(fields: FieldView, line: number) {
        if (skipHeader) {
          skipHeader = false;
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
            throw new WidenNeeded(c, plan.columns[c]!.name, b.type, b.widenFor(fields.buf, start, end, quoted), line);
          }
        }
        rows++;
      },
    });
    const pipeline = new RowGroupPipeline(writer, builders, opts.rowGroupBytes);
    await pipeline.feed(sample, input, tokenizer);
    return {
      rows,
      columns: plan.columns,
      renames: plan.renames,
      details: { header: plan.header, delimiter: String.fromCharCode(sniff.dialect.delimiter) },
      bytes: writer.bytesWritten,
    };
  } catch (err) {
    throw err instanceof CsvError ? new ConversionError(err.code, err.message, { line: err.line, column: err.column }) : err;
  } finally {
    await input.return?.();
  }
};

interface ColumnPlan {
  columns: ColumnSpec[];
  renames: ColumnRename[];
  header: boolean;
  headerReason: string;
}

/**
 * Tokenizes the sample once: the first row and up to HEADER_SAMPLE_ROWS rows as strings (header
 * detection), every cell of rows 2.. into the type inference, the first row's cells kept apart
 * (they are data when there is no header). A row cut at the end of the sample is not seen: the
 * tokenizer is simply dropped, not ended.
 */
function planColumns(chunks: readonly Uint8Array[], dialect: CsvDialect, complete: boolean, overrides: ReadonlyMap<string, ColumnType> | undefined): ColumnPlan {
  let first: string[] | undefined;
  let firstCells: { bytes: Uint8Array; quoted: boolean }[] = [];
  const rest: string[][] = [];
  let inference: TypeInference | undefined;
  const tokenizer = new CsvTokenizer(dialect, {
    row(fields: FieldView) {
      if (first === undefined) {
        first = fields.texts();
        firstCells = Array.from({ length: fields.count }, (_, i) => ({ bytes: fields.bytes(i).slice(), quoted: fields.quoted[i] === 1 }));
        inference = new TypeInference(fields.count);
        return;
      }
      if (rest.length < HEADER_SAMPLE_ROWS) rest.push(fields.texts());
      const n = Math.min(fields.count, inference!.columnCount);
      for (let c = 0; c < n; c++) inference!.observe(c, fields.buf, fields.start[c]!, fields.end[c]!, fields.quoted[c] === 1);
    },
  });
  for (const chunk of chunks) tokenizer.push(chunk);
  if (complete) tokenizer.end();
  if (first === undefined || inference === undefined) {
    throw new ConversionError("CONVERT_EMPTY", "the file has no rows: there is no table to convert", {});
  }
  const decision = detectHeader(first, rest);
  if (!decision.hasHeader) {
    firstCells.forEach((cell, c) => inference!.observe(c, cell.bytes, 0, cell.bytes.length, cell.quoted));
  }
  const { names, renames } = makeColumnNames(decision.hasHeader ? first : null, first.length);
  const types = inference.result();
  return { columns: names.map((name, i) => ({ name, type: overrides?.get(name) ?? types[i]! })), renames, header: decision.hasHeader, headerReason: decision.reason };
}

function concat(chunks: readonly Uint8Array[], max: number): Uint8Array {
  const out = new Uint8Array(max);
  let at = 0;
  for (const c of chunks) {
    if (at >= max) break;
    const take = Math.min(c.length, max - at);
    out.set(c.subarray(0, take), at);
    at += take;
  }
  return out;
}
