/**
 * Collects garbage by bytes streamed, not by time. A decompressor hands out a fresh buffer per
 * chunk (node:zlib does), so a stream at 150 MB/s makes 150 MB of garbage a second; Bun's collector
 * and the once-a-second MemoryGovernor let it pile up: a 2 GiB entry from a tar.gz peaked at
 * 441 MiB RSS. A full collection every PACE_BYTES keeps the garbage to that much (the heap is small,
 * so each collection is short). Measured on that entry with a 64 MiB budget: 32 MiB pace 247 MiB
 * peak, 8 MiB pace 159 MiB (test/integration/large-archive.test.ts holds the bound).
 *
 * A chunk that reuses the memory of an earlier one (a consumer recycled it, chunk-pool.ts) is not
 * garbage and is not counted: a stream whose consumer recycles makes no collection happen.
 *
 * Invariant: one pacer per process (module state); the count is shared by all streams.
 */
import { isReusedChunk } from "./chunk-pool.ts";

/** 8 MiB: a few milliseconds of collection per ~60 ms of streaming. */
export const PACE_BYTES = 8 * 1024 * 1024;

let since = 0;

/** Passes `source` through, collecting after every PACE_BYTES of new chunks that went by (all streams together). */
export async function* gcPaced(source: AsyncIterable<Uint8Array>, collect: () => void = () => Bun.gc(true)): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (!isReusedChunk(chunk)) since += chunk.length;
    if (since >= PACE_BYTES) {
      since = 0;
      collect();
    }
    yield chunk;
  }
}
