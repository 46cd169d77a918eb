/**
 * One block of a CSV file (whole rows: block-cutter.ts) → its Parquet row groups, encoded: what a
 * block worker does (block-worker.ts), and what the main thread does again for a block a worker
 * could not convert, to raise the file's error with its real line number (blocks.ts).
 *
 * The block is read exactly as the sequential converter reads a file (table-reader.ts): same
 * fast path, same row sink, same errors. It is pushed in slices so that a row group is encoded as
 * soon as the builders hold `rowGroupBytes`, which bounds the memory a block costs however much
 * its text expands into values. The builders and the encoder live as long as the converter: their
 * arrays are recycled from row group to row group and from block to block.
 */

import type { ColumnSpec } from "../column-types.ts";
import { ColumnBuilder } from "../infer/index.ts";
import { ColumnChunkEncoder, type EncodedColumnChunk } from "../parquet/column-chunk-encoder.ts";
import type { EncoderSettings } from "../parquet/row-group-encoder.ts";
import type { CsvDialect } from "./csv-tokenizer.ts";
import { CsvTableReader } from "./table-reader.ts";

/** What every block of one file shares. */
export interface BlockPlan {
  dialect: CsvDialect;
  columns: ColumnSpec[];
  settings: EncoderSettings;
  rowGroupBytes: number;
  /** The builders' first capacity: about a block's rows (they grow if a block holds more). */
  capacityRows: number;
  /** Per column, text bytes to make room for (STRING/JSON). */
  dataBytes: number[];
}

export interface BlockJob {
  /** Last block of the file: it may end without a line end. */
  final: boolean;
  /** First block of a file with a header: its first row is skipped. */
  skipHeader: boolean;
  /** The line the block starts on (only error messages use it). */
  firstLine: number;
}

export interface EncodedBlockRowGroup {
  rows: number;
  chunks: EncodedColumnChunk[];
}

export interface BlockResult {
  rowGroups: EncodedBlockRowGroup[];
  /** Data rows in the block. */
  rows: number;
  /** Lines the block spans (the next block starts on firstLine + lines). */
  lines: number;
}

const SLICE = 1 << 20;

export class BlockConverter {
  private readonly builders: ColumnBuilder[];
  private readonly encoder: ColumnChunkEncoder;

  constructor(private readonly plan: BlockPlan) {
    this.builders = plan.columns.map((c, i) => new ColumnBuilder(c.type, plan.capacityRows, plan.dataBytes[i]));
    this.encoder = new ColumnChunkEncoder(plan.settings.compression, plan.settings.limits, plan.settings.zstdLevel);
  }

  /** Converts one block; throws what the sequential converter would throw for these rows. */
  convert(block: Uint8Array, job: BlockJob): BlockResult {
    const reader = new CsvTableReader(this.plan.dialect, this.plan.columns, this.builders, {
      skipHeader: job.skipHeader,
      firstLine: job.firstLine,
      bom: false,
    });
    const rowGroups: EncodedBlockRowGroup[] = [];
    try {
      for (let at = 0; at < block.length; at += SLICE) {
        reader.push(block.subarray(at, Math.min(block.length, at + SLICE)));
        let size = 0;
        for (const b of this.builders) size += b.byteSize;
        if (size >= this.plan.rowGroupBytes) rowGroups.push(this.encodeRowGroup());
      }
      if (job.final) reader.end();
      else if (!reader.atRowEnd) throw new Error("CSV block does not end at a row end (block cutter bug)");
      if (this.builders[0]!.rows > 0) rowGroups.push(this.encodeRowGroup());
    } catch (err) {
      for (const b of this.builders) b.recycle(b.take()); // start the next block empty
      throw err;
    }
    return { rowGroups, rows: reader.rows, lines: reader.nextLine - job.firstLine };
  }

  private encodeRowGroup(): EncodedBlockRowGroup {
    const rows = this.builders[0]!.rows;
    const chunks: EncodedColumnChunk[] = [];
    for (const b of this.builders) {
      const column = b.take();
      chunks.push(this.encoder.encode(column));
      b.recycle(column); // encode() keeps nothing of it
    }
    return { rows, chunks };
  }
}
