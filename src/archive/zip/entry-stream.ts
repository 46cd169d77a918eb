/**
 * Streams one entry's bytes, pull-based: nothing is read or inflated until the consumer asks for
 * the next chunk, so the consumer's pace (S3 upload) drives the reads, and memory is one input
 * chunk plus one output chunk whatever the entry claims or contains.
 *
 * Checks, each a typed error naming the entry: encryption and unsupported methods before reading;
 * the local header (local-header.ts); inflating past the declared size (stopped at the first extra
 * byte: the output buffer is never larger than what remains plus one); the entry's and the
 * archive's expansion ratio and the archive's total, as bytes are produced; then, when the data
 * ends: ending short of the declared size, the CRC-32 and the data descriptor.
 *
 * Invariants: the final checks run when the consumer pulls past the last chunk; a consumer must see
 * the iterator finish (done) before it treats the entry as complete. By default each chunk is the
 * consumer's to keep (a fresh buffer, or a view of an in-memory source's bytes: never modify it),
 * because consumers such as a node:zlib stream hold a written chunk past the next pull. With
 * `reuseBuffers` one output buffer is reused and a chunk is valid only until the next pull: for
 * consumers that copy at once (the S3 part builder, bufferToSource), and worth it because a fresh
 * 256 KiB buffer per chunk is garbage Bun's collector reclaims late (10 GiB of zeros: +119 MiB RSS
 * with fresh chunks, +12 MiB reused; both flat when a full collection runs, as the daemon's
 * MemoryGovernor does). Compressed input is always read into one reused buffer: it never leaves
 * this function.
 */
import { crc32 } from "node:zlib";
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { checkDataDescriptor } from "./data-descriptor.ts";
import { checkRatio, checkTotal, type ZipLimits } from "./limits.ts";
import { readLocalHeader } from "./local-header.ts";
import { readFully, readFullyInto, type RandomAccessSource } from "./random-access-source.ts";
import { RawInflater } from "./raw-inflater.ts";
import type { ZipEntry } from "./zip-entry.ts";
import { describeMethod, METHOD_DEFLATED, METHOD_STORED } from "./zip-format.ts";

export interface StreamSettings {
  source: RandomAccessSource;
  limits: ZipLimits;
  /** Bytes per read of compressed data and per output chunk. */
  chunkSize: number;
  archive?: string;
  /** Bytes produced by every entry of this archive so far (shared by the reader's opens). */
  tally: { produced: number };
  /** Yield views of one reused output buffer (valid until the next pull) instead of fresh chunks. */
  reuseBuffers: boolean;
}

/** The reason an entry cannot be extracted, decided from its central record alone. */
export function entryProblem(entry: ZipEntry, limits: ZipLimits, ctx: ArchiveErrorContext): ArchiveError | undefined {
  if (entry.encrypted) return new ArchiveError("ARCHIVE_ENCRYPTED", `the entry is encrypted (${entry.encryption})`, ctx);
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    return new ArchiveError("ARCHIVE_UNSUPPORTED", `unsupported compression method ${describeMethod(entry.method)}`, ctx);
  }
  if (entry.method === METHOD_STORED && entry.compressedSize !== entry.uncompressedSize) {
    return new ArchiveError(
      "ZIP_SIZE_MISMATCH",
      `a stored entry declares ${entry.compressedSize} bytes stored but ${entry.uncompressedSize} bytes of content`,
      ctx,
    );
  }
  try {
    checkRatio(entry.uncompressedSize, entry.compressedSize, limits, "entry (as declared)", ctx);
  } catch (err) {
    return err as ArchiveError;
  }
  return undefined;
}

export async function* streamEntry(entry: ZipEntry, limit: number, s: StreamSettings): AsyncGenerator<Uint8Array> {
  const ctx: ArchiveErrorContext = { ...(s.archive === undefined ? {} : { archive: s.archive }), entry: entry.name };
  const problem = entryProblem(entry, s.limits, { ...ctx, offset: entry.localHeaderOffset });
  if (problem) throw problem;
  const dataStart = await readLocalHeader(s.source, entry, limit, ctx);
  const here = { ...ctx, offset: dataStart };
  const count = (n: number) => {
    s.tally.produced += n;
    checkTotal(s.tally.produced, s.limits, false, here);
    checkRatio(s.tally.produced, s.source.size, s.limits, "archive", here);
  };

  let crc = 0;
  let produced = 0;
  // Compressed input, and stored data when it may be reused; stored chunks yielded fresh skip it.
  const freshStored = entry.method === METHOD_STORED && !s.reuseBuffers;
  const inputBuffer = new Uint8Array(freshStored ? 0 : Math.min(s.chunkSize, entry.compressedSize));
  if (entry.method === METHOD_STORED) {
    for (let pos = dataStart, end = dataStart + entry.compressedSize; pos < end; ) {
      const length = Math.min(s.chunkSize, end - pos);
      const chunk = s.reuseBuffers
        ? await readFullyInto(s.source, pos, length, inputBuffer, "the entry's data", ctx)
        : await readFully(s.source, pos, length, "the entry's data", ctx);
      pos += chunk.length;
      produced += chunk.length;
      crc = crc32(chunk, crc);
      count(chunk.length);
      yield chunk;
    }
  } else {
    const inflater = new RawInflater();
    const outputSize = Math.min(s.chunkSize, entry.uncompressedSize + 1);
    const shared = s.reuseBuffers ? new Uint8Array(outputSize) : undefined;
    try {
      let input: Uint8Array = new Uint8Array(0);
      let inOff = 0;
      let unread = entry.compressedSize;
      for (;;) {
        if (inOff === input.length && unread > 0) {
          const at = dataStart + entry.compressedSize - unread;
          input = await readFullyInto(s.source, at, Math.min(s.chunkSize, unread), inputBuffer, "the entry's compressed data", ctx);
          inOff = 0;
          unread -= input.length;
        }
        const consumedBefore = entry.compressedSize - unread - (input.length - inOff);
        const room = Math.min(outputSize, entry.uncompressedSize - produced + 1);
        const output = shared ?? Buffer.allocUnsafe(room);
        let step;
        try {
          step = inflater.step(input, inOff, input.length - inOff, output, 0, room, unread === 0);
        } catch (err) {
          throw new ArchiveError("ARCHIVE_CORRUPT", `invalid deflate data: ${(err as Error).message}`, {
            ...ctx,
            offset: dataStart + consumedBefore,
          });
        }
        inOff += step.consumed;
        if (step.produced > 0) {
          produced += step.produced;
          if (produced > entry.uncompressedSize) {
            throw new ArchiveError("ZIP_SIZE_MISMATCH", `the data inflates past its declared size of ${entry.uncompressedSize} bytes`, here);
          }
          const chunk = output.subarray(0, step.produced);
          crc = crc32(chunk, crc);
          checkRatio(produced, consumedBefore + step.consumed, s.limits, "entry", here);
          count(step.produced);
          yield chunk;
        }
        if (step.produced < room) {
          // Output to spare: zlib either needs more input or has seen the end of the stream.
          const left = input.length - inOff + unread;
          if (inOff < input.length) {
            throw new ArchiveError(
              "ZIP_SIZE_MISMATCH",
              `the deflate stream ends ${left} bytes before the declared compressed size of ${entry.compressedSize}`,
              here,
            );
          }
          if (unread === 0) break; // the last step was a finish that zlib accepted: the stream is complete
        }
      }
    } finally {
      inflater.close();
    }
  }

  if (produced !== entry.uncompressedSize) {
    throw new ArchiveError("ZIP_SIZE_MISMATCH", `the data ends after ${produced} of the declared ${entry.uncompressedSize} bytes`, here);
  }
  if (crc >>> 0 !== entry.crc32) {
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    throw new ArchiveError("ZIP_BAD_CRC", `CRC-32 mismatch: declared ${hex(entry.crc32)}, computed ${hex(crc >>> 0)}`, here);
  }
  if (entry.hasDataDescriptor) await checkDataDescriptor(s.source, entry, dataStart + entry.compressedSize, limit, ctx);
}
