/**
 * Row groups encoded in a Worker, so that reading and typing the next row group (main thread) and
 * encoding and compressing this one (worker) use both cores. The columns' buffers are transferred
 * to the worker, not copied; the encoded pages come back transferred, and so do the columns'
 * buffers, for the builders to fill again.
 *
 * Invariants: at most one request per encoder is in flight (the writer awaits each row group);
 * a worker that fails or dies rejects the pending request, and the encoder then refuses work;
 * `close` terminates the worker (a converter must call it when it ends, whatever the outcome).
 */
import type { ColumnChunk } from "../column-types.ts";
import { columnBuffers, type EncodedRowGroup, type EncoderSettings, type RowGroupEncoder } from "./row-group-encoder.ts";

/**
 * The worker's module. From source, next to this file. In the compiled binary the worker is an
 * extra entrypoint (scripts/build.ts), stored under the entrypoints' common folder (src/) in Bun's
 * embedded file system; a relative path there would be looked up on disk, from the working
 * directory, so the embedded path is named in full.
 */
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/convert/parquet/encode-worker.ts"
  : new URL("./encode-worker.ts", import.meta.url).href;

export function workerEncoder(settings: EncoderSettings): RowGroupEncoder {
  let worker: Worker | undefined;
  let broken: Error | undefined;
  let nextId = 1;
  let pending: { id: number; resolve: (e: EncodedRowGroup) => void; reject: (err: Error) => void } | undefined;

  const fail = (err: Error) => {
    broken = err;
    const p = pending;
    pending = undefined;
    p?.reject(err);
  };
  const start = (): Worker => {
    const w = new Worker(WORKER_URL);
    w.onmessage = (event: MessageEvent<{ id: number; encoded?: EncodedRowGroup; error?: string }>) => {
      const p = pending;
      if (!p || p.id !== event.data.id) return;
      pending = undefined;
      if (event.data.error !== undefined) p.reject(new Error(`Parquet encoding worker: ${event.data.error}`));
      else p.resolve(event.data.encoded!);
    };
    w.onerror = (event) => fail(new Error(`Parquet encoding worker failed: ${event.message}`));
    w.addEventListener("close", () => {
      if (pending) fail(new Error("Parquet encoding worker exited"));
    });
    return w;
  };

  return {
    encode(columns: ColumnChunk[]): Promise<EncodedRowGroup> {
      if (broken) return Promise.reject(broken);
      if (pending) return Promise.reject(new Error("workerEncoder.encode called while a row group is still being encoded"));
      worker ??= start();
      const id = nextId++;
      const done = new Promise<EncodedRowGroup>((resolve, reject) => (pending = { id, resolve, reject }));
      worker.postMessage({ id, settings, columns }, columnBuffers(columns));
      return done;
    },
    close() {
      worker?.terminate();
      worker = undefined;
      broken ??= new Error("workerEncoder is closed");
    },
  };
}
