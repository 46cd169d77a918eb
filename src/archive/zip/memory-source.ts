/**
 * Buffers a nested archive (an entry of another archive, which cannot be seeked) into memory so it
 * can be read as a RandomAccessSource. The caller sets the limit (the default is 256 MiB);
 * a larger stream fails with ARCHIVE_LIMIT_MEMORY as soon as it passes the limit, and an
 * entry that declares a larger size fails before a byte is read.
 *
 * Invariants: the buffer never grows past `maxBytes`, and a chunk that would take the total past it
 * fails before it is copied; when the size is known (`expectedSize`, a ZIP entry's uncompressed
 * size, which the ZIP reader enforces) the buffer is allocated once at that size. Chunks are
 * copied, so a producer that reuses its buffers (the ZIP reader does) is safe.
 */
import { ArchiveError } from "./archive-error.ts";
import { bytesSource, type RandomAccessSource } from "./random-access-source.ts";

export interface BufferSourceOptions {
  /** The most bytes the nested archive may take in memory. */
  maxBytes: number;
  /** The declared size, when the outer format knows it: checked up front, used to allocate once. */
  expectedSize?: number;
  /** For error messages: "outer.zip : inner.zip". */
  archive?: string;
}

export async function bufferToSource(chunks: AsyncIterable<Uint8Array>, options: BufferSourceOptions): Promise<RandomAccessSource> {
  return bytesSource(await bufferToBytes(chunks, options));
}

/** The same, as the bytes themselves (for readers that take a buffer, like 7z's). */
export async function bufferToBytes(chunks: AsyncIterable<Uint8Array>, options: BufferSourceOptions): Promise<Uint8Array> {
  const { maxBytes, expectedSize, archive } = options;
  const context = archive === undefined ? {} : { archive };
  const tooLarge = (size: string) =>
    new ArchiveError(
      "ARCHIVE_LIMIT_MEMORY",
      `a nested archive of ${size} must be held in memory to be read, above the limit of ${maxBytes} bytes (DSP_ARCHIVE_MAX_NESTED_BUFFER)`,
      context,
    );
  if (expectedSize !== undefined && expectedSize > maxBytes) throw tooLarge(`${expectedSize} bytes`);

  let buf = new Uint8Array(expectedSize ?? Math.min(maxBytes, 1 << 20));
  let length = 0;
  for await (const chunk of chunks) {
    const needed = length + chunk.length;
    if (needed > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`);
    if (needed > buf.length) {
      // Doubling keeps copies amortised O(n); capped at the limit so the buffer never exceeds it.
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(needed, buf.length * 2)));
      grown.set(buf.subarray(0, length));
      buf = grown;
    }
    buf.set(chunk, length);
    length = needed;
  }
  return length === buf.length ? buf : buf.subarray(0, length);
}
