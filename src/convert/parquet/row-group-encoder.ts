/**
 * Where a row group's column chunks are encoded and compressed: the costly half of writing Parquet
 * (dictionaries, levels, zstd), position-independent, so it can run off the main thread while the
 * reader fills the next row group. The writer only assigns file offsets and emits bytes.
 *
 *  - `inlineEncoder`: on the calling thread (tests, one-core machines, tiny files).
 *  - `workerEncoder` (worker-encoder.ts): in a Worker; the columns' buffers are transferred, not
 *    copied, and the encoded pages come back the same way.
 *
 * Invariant: `encode` resolves with one EncodedColumnChunk per input column, in order; the input
 * columns must not be touched by the caller afterwards (their buffers may have been transferred).
 * It also hands back `reusable`: the input columns' arrays (the same ones, or the same memory
 * transferred back from the worker), which nothing refers to any more: their producer may fill
 * them again (ColumnBuilder.recycle) instead of allocating fresh ones for every row group.
 */
import type { ColumnChunk, Compression } from "../column-types.ts";
import { ColumnChunkEncoder, type EncodedColumnChunk, type PageLimits } from "./column-chunk-encoder.ts";

export interface EncoderSettings {
  compression: Compression;
  limits: PageLimits;
  zstdLevel: number;
}

export interface EncodedRowGroup {
  encoded: EncodedColumnChunk[];
  reusable: ColumnChunk[];
}

export interface RowGroupEncoder {
  encode(columns: ColumnChunk[]): Promise<EncodedRowGroup>;
  /** Releases the worker, if any. Idempotent. */
  close(): void;
}

export function inlineEncoder(settings: EncoderSettings): RowGroupEncoder {
  const encoder = new ColumnChunkEncoder(settings.compression, settings.limits, settings.zstdLevel);
  return {
    encode: async (columns) => ({ encoded: columns.map((c) => encoder.encode(c)), reusable: columns }),
    close: () => {},
  };
}

/** The buffers of a row group's columns, for a zero-copy transfer to or from a worker. */
export function columnBuffers(columns: readonly ColumnChunk[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of columns) {
    out.add(c.nulls.buffer as ArrayBuffer);
    if ("values" in c) out.add(c.values.buffer as ArrayBuffer);
    else {
      out.add(c.data.buffer as ArrayBuffer);
      out.add(c.offsets.buffer as ArrayBuffer);
    }
  }
  return [...out];
}
