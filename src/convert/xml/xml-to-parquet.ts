/**
 * One XML byte stream → one Parquet byte stream, in a single pass with bounded memory, like the
 * CSV converter (csv-to-parquet.ts):
 *
 *   1. sample: the first SAMPLE_BYTES are read and kept (more, up to MAX_RECORD_BYTES beyond, if
 *      they do not hold one complete record);
 *   2. the sample is tokenized twice: once to find the record element (record-detector.ts), once to
 *      collect the columns (xml-columns.ts) and infer their types (sample-types.ts);
 *   3. the sample and then the rest of the stream are tokenized into records (record-reader.ts),
 *      each mapped to its columns (record-mapping.ts) and appended to typed column builders
 *      (column-writer.ts); a row group is written (awaiting the consumer) each time the builders
 *      hold `rowGroupBytes`. Memory: one row group, one record (<= 16 MiB), one input chunk.
 *
 * Rows are the record elements; columns are the attributes of the record element, its child
 * elements and its own text (`#text`); nested or repeated children are JSON. A later value that
 * does not fit its column, or a field the sample did not have, throws WidenNeeded and the caller
 * converts again with `typeOverrides` (columns the sample lacks come after the sample's, in the
 * overrides' order). Bad input throws ConversionError with the XML_* code, the line and the column.
 *
 * Invariant: the same bytes with the same overrides give the same schema and the same rows,
 * however the stream is chunked.
 */

import type { ColumnType } from "../column-types.ts";
import { ColumnBuilder, SAMPLE_BYTES } from "../infer/index.ts";
import { ParquetWriter } from "../parquet/parquet-writer.ts";
import { workerEncoder } from "../parquet/worker-encoder.ts";
import { RowGroupPipeline } from "../row-group-pipeline.ts";
import { emptySample, fillSample, type Sample } from "../sample.ts";
import { ConversionError, type TableConverter } from "../table-converter.ts";
import { ColumnWriter } from "./column-writer.ts";
import { type RecordPath, RecordDetector } from "./record-detector.ts";
import { RecordMapping } from "./record-mapping.ts";
import { MAX_RECORD_BYTES, RecordReader } from "./record-reader.ts";
import { SampleTypes } from "./sample-types.ts";
import { XmlColumns } from "./xml-columns.ts";
import { XmlError } from "./xml-error.ts";
import type { XmlSink } from "./xml-scanner.ts";
import { XmlTokenizer } from "./xml-tokenizer.ts";

/** More distinct fields than this in the sample is not a table. */
export const MAX_COLUMNS = 10_000;

export const convertXml: TableConverter = async (source, write, opts) => {
  const input = source[Symbol.asyncIterator]();
  try {
    const sample = emptySample();
    await fillSample(input, sample, SAMPLE_BYTES);
    if (sample.bytes === 0) throw new ConversionError("CONVERT_EMPTY", "the file is empty: there is no table to convert", {});
    let plan = planSample(sample);
    // A first record longer than the sample: read on until one is complete (the record limit bounds it).
    while (plan.records === 0 && !sample.ended && sample.bytes < SAMPLE_BYTES + MAX_RECORD_BYTES) {
      await fillSample(input, sample, Math.min(2 * sample.bytes, SAMPLE_BYTES + MAX_RECORD_BYTES + 1));
      plan = planSample(sample);
    }
    const recordName = plan.path.names.at(-1)!;
    if (plan.records === 0 || plan.columns.count === 0) {
      const why = plan.records === 0 ? "no complete record" : "records without attributes, child elements or text";
      throw new ConversionError("XML_NO_RECORDS", `no table to convert: ${why} (<${recordName}>: ${plan.path.reason})`, {});
    }
    const { columns, renames } = plan.columns.planSample(plan.types, opts.typeOverrides);
    const recordPath = `/${plan.path.names.join("/")}`;
    const writer = new ParquetWriter({
      schema: columns,
      compression: opts.compression,
      keyValueMetadata: { ...opts.keyValueMetadata, "dsp.xml.record": recordPath },
      write,
      encoder: opts.parallelEncoding ? workerEncoder : undefined,
    });
    const builders = columns.map((c) => new ColumnBuilder(c.type, 64 * 1024));
    const out = new ColumnWriter(columns, plan.columns, builders);
    const mapping = new RecordMapping();
    const reader = new RecordReader(plan.path.bytes, (tree, line) => {
      mapping.map(tree, plan.columns);
      out.write(mapping, tree, line);
    });
    const tokenizer = new XmlTokenizer(reader);
    const pipeline = new RowGroupPipeline(writer, builders, opts.rowGroupBytes);
    await pipeline.feed(sample, input, tokenizer);
    return {
      rows: out.rows,
      columns,
      renames,
      details: { recordElement: recordName, recordPath, recordReason: plan.path.reason },
      bytes: writer.bytesWritten,
    };
  } catch (err) {
    throw err instanceof XmlError ? new ConversionError(err.code, err.message, { line: err.line, column: err.column }) : err;
  } finally {
    await input.return?.();
  }
};

interface SamplePlan {
  path: RecordPath;
  columns: XmlColumns;
  types: ColumnType[];
  /** Complete records in the sample. */
  records: number;
}

/** Finds the record element, then the columns and types of the sample's complete records. */
function planSample(sample: Sample): SamplePlan {
  const detector = new RecordDetector();
  tokenize(detector, sample);
  const path = detector.result();
  if (path === null) throw new ConversionError("XML_NO_RECORDS", `no XML element in the first ${sample.bytes} bytes`, {});
  const columns = new XmlColumns();
  const mapping = new RecordMapping();
  const types = new SampleTypes();
  const reader = new RecordReader(path.bytes, (tree, line) => {
    mapping.map(tree, columns);
    if (columns.count > MAX_COLUMNS) throw new XmlError("XML_TOO_MANY_COLUMNS", `more than ${MAX_COLUMNS} distinct fields in the records; the record starts`, line);
    types.observe(mapping, tree, columns.count);
  });
  tokenize(reader, sample);
  return { path, columns, types: types.result(columns.count), records: reader.records };
}

/** Tokenizes the sample; a token or record cut by its end is simply not seen. */
function tokenize(sink: XmlSink, sample: Sample): void {
  const tokenizer = new XmlTokenizer(sink);
  for (const chunk of sample.chunks) tokenizer.push(chunk);
  if (sample.ended) tokenizer.end();
}
