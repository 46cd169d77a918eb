/**
 * One CSV/TSV byte stream → one Parquet byte stream, in a single pass with bounded memory:
 *
 *   1. sample: the first SAMPLE_BYTES are read and kept (the only bytes held twice);
 *   2. the delimiter is sniffed (tab forced for .tsv), the sample is tokenized once to infer the
 *      column types and to decide whether the first row is a header;
 *   3. the sample and then the rest of the stream are tokenized into typed column builders
 *      (csv/table-reader.ts: plain rows take the fast path, csv/typed-rows.ts); a row group is
 *      handed to the writer each time the builders hold `rowGroupBytes`, and encoded while the
 *      next one fills (row-group-pipeline.ts), so memory is two row groups plus one input chunk,
 *      whatever the file size. With `parallelEncoding` (two cores or more), a file larger than
 *      the sample is read by two block workers instead (csv/blocks.ts): the main thread cuts the
 *      stream into blocks of whole rows, the workers type and encode them into row groups, the
 *      main thread writes those in order; a smaller file is read here and encoded in a worker.
 *
 * A later value that does not fit the type the sample chose throws WidenNeeded: the caller aborts
 * what it wrote and converts again with that column widened (`typeOverrides`); a value is never
 * dropped or rewritten to fit. Bad input throws ConversionError with the line and the reason.
 *
 * Invariants: the row width is the first row's field count, and every row must have it; columns
 * are named once (header or column_N) and never change between attempts.
 */
import type { ByteSinkFn, ColumnSpec, ColumnType } from "./column-types.ts";
import { CsvError } from "./csv/csv-error.ts";
import { CsvTokenizer, type CsvDialect } from "./csv/csv-tokenizer.ts";
import type { FieldView } from "./csv/field-view.ts";
import { CsvTableReader } from "./csv/table-reader.ts";
import type { BlockPlan } from "./csv/block-converter.ts";
import { BLOCK_BYTES, BlockPool, convertBlocks } from "./csv/blocks.ts";
import { detectHeader, makeColumnNames, type ColumnRename } from "./csv/header.ts";
import { delimiterForFileName, sniffDialect } from "./csv/sniff.ts";
import { ColumnBuilder, SAMPLE_BYTES, TypeInference } from "./infer/index.ts";
import { ParquetWriter } from "./parquet/parquet-writer.ts";
import { workerEncoder } from "./parquet/worker-encoder.ts";
import { RowGroupPipeline } from "./row-group-pipeline.ts";
import { emptySample, fillSample } from "./sample.ts";
import { ConversionError, type TableConvertOptions, type TableConvertResult, type TableConverter } from "./table-converter.ts";

/** Workers of the block-parallel path (csv/blocks.ts). */
const BLOCK_WORKERS = 2;

/** Rows handed to header detection (as strings: it runs once per file). */
const HEADER_SAMPLE_ROWS = 200;

export const convertCsv: TableConverter = (source, write, opts) => convertCsvTuned(source, write, opts, {});

/** Sizes the tests shrink, to reach the block-parallel path with small inputs. */
export interface CsvTuning {
  sampleBytes?: number;
  blockBytes?: number;
}

export async function convertCsvTuned(
  source: AsyncIterable<Uint8Array>,
  write: ByteSinkFn,
  opts: TableConvertOptions,
  tuning: CsvTuning,
): Promise<TableConvertResult> {
  const input = source[Symbol.asyncIterator]();
  let pool: BlockPool | undefined;
  try {
    const sample = emptySample();
    await fillSample(input, sample, tuning.sampleBytes ?? SAMPLE_BYTES);
    if (sample.bytes === 0) throw new ConversionError("CONVERT_EMPTY", "the file is empty: there is no table to convert", {});
    // Two workers read blocks of a file larger than the sample; smaller files, or one core: this
    // thread. The workers start loading now, while the sample is planned.
    const blocks = opts.parallelEncoding === true && !sample.ended;
    pool = blocks ? new BlockPool(BLOCK_WORKERS) : undefined;
    const head = concat(sample.chunks, Math.min(sample.bytes, 64 * 1024));
    const sniff = sniffDialect(head, { delimiter: delimiterForFileName(opts.name), complete: sample.ended });
    const plan = planColumns(sample.chunks, sniff.dialect, sample.ended, opts.typeOverrides);
    const writer = new ParquetWriter({
      schema: plan.columns,
      compression: opts.compression,
      keyValueMetadata: { ...opts.keyValueMetadata, "dsp.csv.delimiter": String.fromCharCode(sniff.dialect.delimiter), "dsp.csv.header": String(plan.header) },
      write,
      encoder: opts.parallelEncoding && !blocks ? workerEncoder : undefined,
    });
    let rows: number;
    if (blocks) {
      try {
        // A block's rows by the sample's mean row, or a row group's if that is fewer.
        const blockBytes = tuning.blockBytes ?? BLOCK_BYTES;
        const capacityRows = Math.min(groupCapacity(plan, opts.rowGroupBytes), Math.ceil((1.15 * blockBytes) / plan.meanRowBytes));
        const blockPlan: BlockPlan = {
          dialect: sniff.dialect,
          columns: plan.columns,
          settings: writer.encoderSettings,
          rowGroupBytes: opts.rowGroupBytes,
          capacityRows,
          dataBytes: plan.meanCellBytes.map((b) => Math.ceil(capacityRows * b)),
        };
        rows = await convertBlocks(sample, input, { plan: blockPlan, header: plan.header, writer, pool: pool!, blockBytes });
        await writer.finish();
      } catch (err) {
        writer.abandon();
        throw err;
      }
    } else {
      // A file that fits in the sample needs no more rows than it has.
      const capacity = sample.ended ? Math.min(plan.sampleRows, groupCapacity(plan, opts.rowGroupBytes)) : groupCapacity(plan, opts.rowGroupBytes);
      const builders = plan.columns.map((c, i) => new ColumnBuilder(c.type, capacity, Math.ceil(capacity * (plan.meanCellBytes[i] ?? 0))));
      const reader = new CsvTableReader(sniff.dialect, plan.columns, builders, { skipHeader: plan.header });
      const pipeline = new RowGroupPipeline(writer, builders, opts.rowGroupBytes);
      await pipeline.feed(sample, input, reader);
      rows = reader.rows;
    }
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
    pool?.close();
    await input.return?.();
  }
}

interface ColumnPlan {
  columns: ColumnSpec[];
  renames: ColumnRename[];
  header: boolean;
  headerReason: string;
  /** Per column, the mean bytes of its cells in the sample (rows 2..): sizes the builders. */
  meanCellBytes: number[];
  /** Mean bytes of a row in the sample, line end included. */
  meanRowBytes: number;
  /** Rows in the sample, the first one included. */
  sampleRows: number;
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
  let cellBytes = new Float64Array(0);
  let rows = 0;
  const tokenizer = new CsvTokenizer(dialect, {
    row(fields: FieldView) {
      if (first === undefined) {
        first = fields.texts();
        firstCells = Array.from({ length: fields.count }, (_, i) => ({ bytes: fields.bytes(i).slice(), quoted: fields.quoted[i] === 1 }));
        inference = new TypeInference(fields.count);
        cellBytes = new Float64Array(fields.count);
        return;
      }
      if (rest.length < HEADER_SAMPLE_ROWS) rest.push(fields.texts());
      const n = Math.min(fields.count, inference!.columnCount);
      for (let c = 0; c < n; c++) {
        inference!.observe(c, fields.buf, fields.start[c]!, fields.end[c]!, fields.quoted[c] === 1);
        cellBytes[c]! += fields.end[c]! - fields.start[c]!;
      }
      rows++;
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
  const meanCellBytes = Array.from(cellBytes, (b) => b / Math.max(1, rows));
  return {
    columns: names.map((name, i) => ({ name, type: overrides?.get(name) ?? types[i]! })),
    renames,
    header: decision.hasHeader,
    headerReason: decision.reason,
    meanCellBytes,
    sampleRows: rows + 1,
    // The cells, a delimiter after each but the last, and a line end (quotes left out).
    meanRowBytes: meanCellBytes.reduce((a, b) => a + b, 0) + meanCellBytes.length,
  };
}

/**
 * Rows a row group of `groupBytes` builder bytes holds, by the sample's means (ColumnBuilder
 * .bytesPerRow), with room for the input chunk that passes the limit: builders start at this
 * capacity instead of doubling into up to twice the memory (measured: 500 MB reference CSV, 16 MiB
 * row groups, 305,000 rows each: arrays for 524,288 rows when grown, 350,000 when sized so).
 */
function groupCapacity(plan: ColumnPlan, groupBytes: number): number {
  let perRow = 0;
  plan.columns.forEach((c, i) => (perRow += ColumnBuilder.bytesPerRow(c.type, plan.meanCellBytes[i] ?? 0)));
  return Math.ceil((1.15 * groupBytes) / Math.max(1, perRow));
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
