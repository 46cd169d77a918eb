/**
 * The Worker side of worker-encoder.ts: receives row groups (their buffers transferred), encodes
 * and compresses every column chunk, and sends the pages back (transferred too) with the columns
 * themselves, whose buffers the main thread's builders fill again. One encoder per settings, kept
 * for the worker's life: its scratch buffers are reused from row group to row group.
 *
 * Messages in:  { id, settings, columns }      out: { id, encoded: { encoded, reusable } } | { id, error }
 * Must be listed as an entrypoint of the compiled binary (scripts/build.ts).
 */
import type { ColumnChunk } from "../column-types.ts";
import { ColumnChunkEncoder } from "./column-chunk-encoder.ts";
import { columnBuffers, type EncodedRowGroup, type EncoderSettings } from "./row-group-encoder.ts";

declare const self: Worker;

const encoders = new Map<string, ColumnChunkEncoder>();

self.onmessage = (event: MessageEvent<{ id: number; settings: EncoderSettings; columns: ColumnChunk[] }>) => {
  const { id, settings, columns } = event.data;
  try {
    const key = JSON.stringify(settings);
    let encoder = encoders.get(key);
    if (!encoder) {
      encoder = new ColumnChunkEncoder(settings.compression, settings.limits, settings.zstdLevel);
      encoders.set(key, encoder);
    }
    const encoded = columns.map((c) => encoder.encode(c));
    const reply: EncodedRowGroup = { encoded, reusable: columns };
    self.postMessage({ id, encoded: reply }, [...encoded.map((e) => e.bytes.buffer as ArrayBuffer), ...columnBuffers(columns)]);
    // The row group's pages before their concatenation are garbage now; this heap is collected on
    // its own schedule, late for large buffers (as on the main thread: row-group-pipeline.ts).
    Bun.gc(true);
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
};
