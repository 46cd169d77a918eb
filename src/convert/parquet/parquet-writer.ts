/**
 * Streaming Parquet writer: "PAR1", then each row group as soon as it is given, column chunk by
 * column chunk, then the footer. Each chunk's bytes go through `write` (awaited, so a slow sink
 * slows the writer down) before the next chunk is encoded.
 *
 * Invariants:
 * - Between calls the writer holds only footer metadata (offsets, sizes, statistics per column
 *   chunk); memory while writing is bounded by one encoded column chunk plus reused scratch.
 * - Every array handed to `write` is fresh and never touched again: the sink may keep it.
 * - Calls are sequential: a second writeRowGroup/finish while one is pending is a bug and throws.
 *   After a sink error or `finish`, the writer refuses further work.
 * - Assumes a little-endian host (x64, arm64): typed-array bytes are written as they lie in memory.
 */

import type { ByteSinkFn, ColumnChunk, ColumnSpec, Compression } from "../column-types.ts";
import { VERSION } from "../../version.ts";
import { validateRowGroup } from "./chunk-validation.ts";
import { inlineEncoder, type EncoderSettings, type RowGroupEncoder } from "./row-group-encoder.ts";
import type { EncodedColumnChunk } from "./column-chunk-encoder.ts";
import type { ColumnChunkFooterEntry, RowGroupFooterEntry } from "./file-metadata.ts";
import { writeFileMetaData } from "./file-metadata.ts";
import { GrowableBytes, writeUint32LE } from "./scratch-buffers.ts";
import { compressionCodecOf, ZSTD_LEVEL } from "./page-compression.ts";
import { PARQUET_COLUMN_TYPES } from "./column-physical-types.ts";
import { PARQUET_MAGIC } from "./parquet-enums.ts";

export interface ParquetWriterOptions {
  schema: ColumnSpec[];
  compression: Compression;
  keyValueMetadata: Record<string, string>;
  write: ByteSinkFn;
  /** Footer `created_by`; defaults to "dsp version <version>" (the form parquet-mr parses). */
  createdBy?: string;
  /** Target uncompressed bytes of values per data page (default 1 MiB). Small values are for tests. */
  pageSizeBytes?: number;
  /** Dictionary pages larger than this fall back to PLAIN (default 1 MiB). */
  dictionaryPageSizeBytes?: number;
  /** ZSTD level (default ZSTD_LEVEL). */
  zstdLevel?: number;
  /**
   * Where row groups are encoded: given the settings, returns an encoder (default: on this
   * thread). `workerEncoder` moves the encoding to a Worker. The writer closes it when it ends.
   */
  encoder?: (settings: EncoderSettings) => RowGroupEncoder;
}

const DEFAULT_PAGE_SIZE_BYTES = 1 << 20;
const DEFAULT_DICTIONARY_PAGE_SIZE_BYTES = 1 << 20;
const MAX_PAGE_ROWS = 1 << 17;

type WriterState = "open" | "busy" | "finished" | "failed";

export class ParquetWriter {
  private readonly schema: readonly ColumnSpec[];
  private readonly compression: Compression;
  private readonly keyValueMetadata: Record<string, string>;
  private readonly sink: ByteSinkFn;
  private readonly createdBy: string;
  private readonly encoder: RowGroupEncoder;
  /** How this writer encodes column chunks: for encoders elsewhere (writeEncodedRowGroup). */
  readonly encoderSettings: EncoderSettings;
  private readonly rowGroups: RowGroupFooterEntry[] = [];
  private state: WriterState = "open";
  private written = 0;
  private sinkFailed = false;

  constructor(opts: ParquetWriterOptions) {
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("ParquetWriter needs a little-endian host");
    if (opts.schema.length === 0) throw new Error("Parquet schema has no columns");
    const names = new Set<string>();
    for (const column of opts.schema) {
      if (!column.name) throw new Error("Parquet column with an empty name");
      if (names.has(column.name)) throw new Error(`duplicate Parquet column name "${column.name}"`);
      if (!PARQUET_COLUMN_TYPES[column.type]) throw new Error(`column "${column.name}": unknown column type ${String(column.type)}`);
      names.add(column.name);
    }
    compressionCodecOf(opts.compression); // rejects an unknown codec now rather than at the first page
    const pageSizeBytes = opts.pageSizeBytes ?? DEFAULT_PAGE_SIZE_BYTES;
    const dictionaryPageSizeBytes = opts.dictionaryPageSizeBytes ?? DEFAULT_DICTIONARY_PAGE_SIZE_BYTES;
    if (!(pageSizeBytes >= 1)) throw new Error(`pageSizeBytes must be at least 1, got ${pageSizeBytes}`);
    if (!(dictionaryPageSizeBytes >= 0)) throw new Error(`dictionaryPageSizeBytes must be >= 0, got ${dictionaryPageSizeBytes}`);
    this.schema = opts.schema.map((c) => ({ name: c.name, type: c.type }));
    this.compression = opts.compression;
    this.keyValueMetadata = { ...opts.keyValueMetadata };
    this.sink = opts.write;
    this.createdBy = opts.createdBy ?? `dsp version ${VERSION}`;
    const settings: EncoderSettings = {
      compression: opts.compression,
      limits: { pageSizeBytes, dictionaryPageSizeBytes, maxPageRows: MAX_PAGE_ROWS },
      zstdLevel: opts.zstdLevel ?? ZSTD_LEVEL,
    };
    this.encoderSettings = settings;
    this.encoder = (opts.encoder ?? inlineEncoder)(settings);
  }

  /** Bytes handed to `write` and acknowledged so far. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Rows in the row groups written so far. */
  get rowsWritten(): number {
    return this.rowGroups.reduce((rows, rg) => rows + rg.numRows, 0);
  }

  /**
   * Encodes one row group (all columns the same row count, in schema order) and writes it through
   * `write` before resolving. A row group without rows is skipped: it would add nothing but footer.
   * Resolves with the columns' arrays, free again (the same arrays, or their memory back from the
   * encoding worker): their producer may refill them (ColumnBuilder.recycle). The columns passed
   * in must not be touched once this is called (a worker may have taken their buffers).
   */
  async writeRowGroup(columns: ColumnChunk[]): Promise<ColumnChunk[]> {
    this.enter("writeRowGroup");
    const writtenBefore = this.written;
    try {
      const rows = validateRowGroup(this.schema, columns);
      const reusable = rows > 0 ? await this.writeValidRowGroup(columns, rows) : columns;
      this.state = "open";
      return reusable;
    } catch (error) {
      // Rejected input that sent nothing leaves the file intact; a partial row group or a failed
      // sink does not, and the caller must abandon the file.
      this.state = this.written === writtenBefore && !this.sinkFailed ? "open" : "failed";
      throw error;
    }
  }

  /** Writes the footer (FileMetaData), its length and "PAR1". The file is complete afterwards. */
  async finish(): Promise<void> {
    this.enter("finish");
    try {
      await this.writeMagicOnce();
      const footer = new GrowableBytes(4096);
      writeFileMetaData(footer, {
        schema: this.schema,
        codec: compressionCodecOf(this.compression),
        rowGroups: this.rowGroups,
        keyValueMetadata: this.keyValueMetadata,
        createdBy: this.createdBy,
      });
      const footerLength = footer.length;
      footer.ensure(8);
      writeUint32LE(footer.bytes, footer.length, footerLength);
      footer.bytes.set(PARQUET_MAGIC, footer.length + 4);
      footer.length += 8;
      await this.emit(footer.copyOut());
      this.state = "finished";
    } catch (error) {
      this.state = "failed";
      throw error;
    } finally {
      this.encoder.close();
    }
  }

  /** Gives up on the file: releases the encoder (a worker) without writing anything more. */
  abandon(): void {
    this.state = "failed";
    this.encoder.close();
  }

  private async writeValidRowGroup(columns: ColumnChunk[], rows: number): Promise<ColumnChunk[]> {
    await this.writeMagicOnce();
    const { encoded: chunks, reusable } = await this.encoder.encode(columns);
    await this.writeEncoded(chunks, rows);
    return reusable;
  }

  /**
   * Writes a row group whose column chunks were encoded elsewhere (a block worker: csv/blocks.ts),
   * in schema order, all holding `rows` rows.
   */
  async writeEncodedRowGroup(chunks: EncodedColumnChunk[], rows: number): Promise<void> {
    this.enter("writeEncodedRowGroup");
    const writtenBefore = this.written;
    try {
      if (chunks.length !== this.schema.length) throw new Error(`row group has ${chunks.length} encoded columns, schema has ${this.schema.length}`);
      if (rows > 0) {
        await this.writeMagicOnce();
        await this.writeEncoded(chunks, rows);
      }
      this.state = "open";
    } catch (error) {
      this.state = this.written === writtenBefore && !this.sinkFailed ? "open" : "failed";
      throw error;
    }
  }

  private async writeEncoded(chunks: EncodedColumnChunk[], rows: number): Promise<void> {
    const fileOffset = this.written;
    const entries: ColumnChunkFooterEntry[] = [];
    let totalByteSize = 0;
    for (const encoded of chunks) {
      const start = this.written;
      const entry: ColumnChunkFooterEntry = {
        dataPageOffset: start + encoded.dictionaryPageLength,
        totalCompressedSize: encoded.bytes.length,
        totalUncompressedSize: encoded.totalUncompressedSize,
        numValues: rows,
        valueEncoding: encoded.valueEncoding,
        dataPageCount: encoded.dataPageCount,
        statistics: encoded.statistics,
      };
      if (encoded.dictionaryPageLength > 0) entry.dictionaryPageOffset = start;
      entries.push(entry);
      totalByteSize += encoded.totalUncompressedSize;
      await this.emit(encoded.bytes);
    }
    this.rowGroups.push({ numRows: rows, fileOffset, totalByteSize, totalCompressedSize: this.written - fileOffset, columns: entries });
  }

  private async writeMagicOnce(): Promise<void> {
    if (this.written === 0) await this.emit(PARQUET_MAGIC.slice());
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    try {
      await this.sink(bytes);
    } catch (error) {
      this.sinkFailed = true;
      throw error;
    }
    this.written += bytes.length;
  }

  private enter(operation: string): void {
    if (this.state === "busy") throw new Error(`ParquetWriter.${operation} called while a previous call is still pending`);
    if (this.state === "finished") throw new Error(`ParquetWriter.${operation} called after finish()`);
    if (this.state === "failed") throw new Error(`ParquetWriter.${operation} called after an earlier write failed`);
    this.state = "busy";
  }
}
