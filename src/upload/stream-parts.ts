/**
 * Parts cut from a byte stream of unknown length (decompressed archive entries, Parquet output):
 * each part is filled in memory, MD5-hashed, and handed out with `last` set when the stream ended.
 * Buffer bytes are taken from the memory budget before they are allocated and given back when the
 * uploader releases the part, so the bytes held by all streams never exceed DSP_MEMORY_BUDGET.
 *
 * Invariants: at most one part per stream is being filled; the next chunk is pulled from the stream
 * only when the uploader asked for the next part (backpressure reaches the source). A chunk whose
 * bytes are all copied into part buffers is recycled (../util/chunk-pool.ts): nothing here reads it again.
 */
import { createHash } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";
import { recycleChunk } from "../util/chunk-pool.ts";
import type { Semaphore } from "../util/semaphore.ts";
import type { Part, PartSource } from "./part.ts";
import { partSizeForStream } from "./part-size.ts";

export interface StreamPartsOptions {
  partSize: number;
  /** Byte-weighted semaphore: the memory budget. */
  budget: Semaphore;
  signal?: AbortSignal;
  /** Also compute each part's CRC-32 (DSP_S3_CHECKSUM_MODE=when_supported). */
  crc32?: boolean;
}

export async function* streamParts(chunks: AsyncIterable<Uint8Array>, opts: StreamPartsOptions): PartSource {
  const it = chunks[Symbol.asyncIterator]();
  let carry: Uint8Array | undefined; // bytes pulled but not yet placed in a part
  let whole: Uint8Array | undefined; // the chunk `carry` is the rest of: recycled once copied
  let ended = false;
  let partNumber = 0;
  let yieldedAny = false;
  try {
    while (!ended || (carry && carry.length > 0) || !yieldedAny) {
      const size = partSizeForStream(opts.partSize, ++partNumber);
      await opts.budget.acquire(size, opts.signal);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          opts.budget.release(size);
        }
      };
      let buffer: Uint8Array;
      let filled = 0;
      try {
        buffer = new Uint8Array(size);
        for (;;) {
          if (!carry || carry.length === 0) {
            if (ended) break;
            const next = await it.next();
            if (next.done) {
              ended = true;
              break;
            }
            carry = whole = next.value;
          }
          const take = Math.min(size - filled, carry.length);
          buffer.set(carry.subarray(0, take), filled);
          filled += take;
          carry = carry.subarray(take);
          if (carry.length === 0 && whole !== undefined) {
            recycleChunk(whole); // every byte is in a part buffer: the decoder may write its next chunk here
            whole = undefined;
          }
          if (filled === size) break;
        }
        // A full part is the last one only if the stream has nothing more: look ahead one chunk.
        while (filled === size && !ended && (!carry || carry.length === 0)) {
          const next = await it.next();
          if (next.done) ended = true;
          else carry = whole = next.value;
        }
      } catch (err) {
        release();
        throw err;
      }
      const body = buffer.subarray(0, filled);
      const last = ended && (!carry || carry.length === 0);
      yieldedAny = true;
      const crc32 = opts.crc32 ? zlibCrc32(body) : undefined;
      yield { body, size: filled, md5: createHash("md5").update(body).digest(), crc32, last, release };
      if (last) return;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * A whole small object already in memory (an archive entry read in full) as its one part: the
 * budget is taken for its real size, not a part size, so many small objects can be in flight.
 */
export async function* singlePart(bytes: Uint8Array, opts: StreamPartsOptions): PartSource {
  await opts.budget.acquire(bytes.length, opts.signal);
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      opts.budget.release(bytes.length);
    }
  };
  try {
    const crc32 = opts.crc32 ? zlibCrc32(bytes) : undefined;
    yield { body: bytes, size: bytes.length, md5: createHash("md5").update(bytes).digest(), crc32, last: true, release };
  } catch (err) {
    release();
    throw err;
  }
}
