/**
 * JSON (.json) and JSON Lines (.jsonl, .ndjson) byte streams → one Parquet byte stream, in a
 * single pass with bounded memory, as csv-to-parquet.ts does for CSV:
 *
 *   1. sample: chunks are read, kept, and parsed until SAMPLE_BYTES have come and no record is
 *      cut (or the file ends); the records in them give the columns (keys in order of first
 *      appearance) and their types (json-columns.ts, json-kinds.ts);
 *   2. the sample and then the rest of the stream are parsed record by record straight into typed
 *      column builders (column-sink.ts); a row group is handed to the writer each time the
 *      builders hold `rowGroupBytes` and encoded (in a worker with `parallelEncoding`) while the
 *      next one fills (row-group-pipeline.ts).
 *
 * Memory: the sample (4 MiB plus the record it ends in), two row groups, one chunk, and one record
 * of at most 16 MiB when a chunk cuts it. A 10 GB top-level array is streamed like JSON Lines.
 *
 * A value the sample's type cannot hold, or a key the sample did not have, throws WidenNeeded; the
 * caller converts again with `typeOverrides`. Bad input throws ConversionError with its line and
 * column (record-stream.ts lists the shapes and errors). Values are never rounded or rewritten:
 * integers keep their source digits, strings their decoded bytes, nested values their JSON text.
 */

import { SAMPLE_BYTES } from "../infer/index.ts";
import { ParquetWriter } from "../parquet/parquet-writer.ts";
import { workerEncoder } from "../parquet/worker-encoder.ts";
import { RowGroupPipeline } from "../row-group-pipeline.ts";
import { ConversionError, type TableConvertOptions, type TableConverter, type TableConvertResult } from "../table-converter.ts";
import type { ByteSinkFn } from "../column-types.ts";
import { ColumnSink } from "./column-sink.ts";
import { LateKeys, planColumns, SampleInference } from "./json-columns.ts";
import { RecordParser } from "./record-parser.ts";
import { DEFAULT_MAX_RECORD_BYTES, RecordStream } from "./record-stream.ts";

/** .json: a top-level array of objects, objects one per line (or concatenated), or one object. */
export const convertJson: TableConverter = (source, write, opts) => convert(false, source, write, opts);

/** .jsonl / .ndjson: one object per line. */
export const convertJsonl: TableConverter = (source, write, opts) => convert(true, source, write, opts);

/** Rows a builder is sized for: fewer when there are many columns, so the first allocation stays small. */
function capacityRows(columns: number): number {
  return Math.max(256, Math.min(64 * 1024, Math.floor(4 * 1024 * 1024 / columns)));
}

async function convert(lines: boolean, source: AsyncIterable<Uint8Array>, write: ByteSinkFn, opts: TableConvertOptions): Promise<TableConvertResult> {
  const input = source[Symbol.asyncIterator]();
  try {
    const sample = await readSample(input, lines);
    if (sample.inference.records === 0) {
      throw new ConversionError("CONVERT_EMPTY", "the file holds no records: there is no table to convert", {});
    }
    const plan = planColumns(sample.stream.parser, sample.inference, opts.typeOverrides);
    if (plan.columns.length === 0) {
      throw new ConversionError("CONVERT_EMPTY", "the records have no keys (only {}): there is no column to convert", {});
    }
    const shape = sample.stream.shape ?? "lines";
    const writer = new ParquetWriter({
      schema: plan.columns,
      compression: opts.compression,
      keyValueMetadata: { ...opts.keyValueMetadata, "dsp.json.shape": shape },
      write,
      encoder: opts.parallelEncoding ? workerEncoder : undefined,
    });
    const late = new LateKeys(plan.columns, plan.sampleKeys.length);
    const sink = new ColumnSink(plan.columns, plan.sampleKeys.length, late, capacityRows(plan.columns.length));
    const parser = new RecordParser();
    for (const key of plan.sampleKeys) parser.declareKey(key);
    const stream = new RecordStream(lines, sink, { parser });
    const pipeline = new RowGroupPipeline(writer, sink.builders, opts.rowGroupBytes);
    await pipeline.feed(sample, input, stream);
    return {
      rows: sink.rows,
      columns: plan.columns,
      renames: [...plan.renames, ...late.renames],
      details: { shape },
      bytes: writer.bytesWritten,
    };
  } finally {
    await input.return?.();
  }
}

interface Sample {
  chunks: Uint8Array[];
  ended: boolean;
  stream: RecordStream;
  inference: SampleInference;
}

/**
 * Reads and parses the sample: chunks up to SAMPLE_BYTES, then only the end of the record the last
 * one cut, so every sampled record is whole (a record cut in two would lose the sample its keys).
 * It goes on past SAMPLE_BYTES until a first record is complete (one large record is a table too).
 */
async function readSample(input: AsyncIterator<Uint8Array>, lines: boolean): Promise<Sample> {
  const inference = new SampleInference();
  const stream = new RecordStream(lines, inference);
  const sample: Sample = { chunks: [], ended: false, stream, inference };
  let bytes = 0;
  let finishing = false;
  for (;;) {
    if (!finishing && bytes >= SAMPLE_BYTES) {
      if (stream.records > 0) {
        if (!stream.midRecord) break;
        finishing = true;
      } else if (bytes > SAMPLE_BYTES + DEFAULT_MAX_RECORD_BYTES && !stream.midRecord) {
        throw new ConversionError("JSON_NOT_RECORDS", `no record in the first ${bytes} bytes (only whitespace)`, {});
      }
    }
    const next = await input.next();
    if (next.done) {
      sample.ended = true;
      stream.end();
      break;
    }
    // The source may reuse its buffer: the sample is kept, so it owns a copy.
    const chunk = next.value.slice();
    sample.chunks.push(chunk);
    bytes += chunk.length;
    if (!finishing) stream.push(chunk);
    else if (stream.finishRecord(chunk)) break;
  }
  return sample;
}
