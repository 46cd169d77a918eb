/**
 * The ZIP reader: `openZip` checks the whole archive (end records, every central record, limits,
 * duplicate names, overlapping data) before the caller sees any entry; `entries()` then yields the
 * entries in central directory order, and `open(entry)` streams one entry's bytes with every check
 * of entry-stream.ts.
 *
 * Invariants: the source is only read through positioned reads and never copied (the central
 * directory through a bounded window, entry data in chunks of `chunkSize`); `entries()` walks the
 * directory a second time and fails with ARCHIVE_CORRUPT if any record differs from the first walk
 * (the file changed), so a checked layout is never applied to unchecked records; entries may be
 * opened in any order and more than once (the archive-wide totals still count every byte).
 */
import { ArchiveError } from "./archive-error.ts";
import { readCentralDirectory } from "./central-directory.ts";
import { indexDirectory, type DirectoryIndex } from "./directory-index.ts";
import { readEndRecord, type EndRecord } from "./end-record.ts";
import { entryProblem, streamEntry } from "./entry-stream.ts";
import { resolveLimits, type ZipLimits } from "./limits.ts";
import type { RandomAccessSource } from "./random-access-source.ts";
import type { ZipEntry } from "./zip-entry.ts";

export interface ZipReaderOptions {
  /** Overrides of DEFAULT_ZIP_LIMITS (limits.ts). */
  limits?: Partial<ZipLimits>;
  /** Names the archive in error messages ("a/b/bundle.zip", "outer.zip : inner.zip"). */
  archive?: string;
  /** Bytes per read and per output chunk; default 256 KiB (see bench-zip.ts). */
  chunkSize?: number;
  /**
   * Reuse one output buffer per open entry: a chunk is then valid only until the next pull. For
   * consumers that copy at once (the S3 part builder, bufferToSource); keeps RSS flat on huge
   * entries. Default false: every chunk is the consumer's (see entry-stream.ts).
   */
  reuseBuffers?: boolean;
}

export const DEFAULT_CHUNK_SIZE = 256 * 1024;

export async function openZip(source: RandomAccessSource, options: ZipReaderOptions = {}): Promise<ZipReader> {
  const limits = resolveLimits(options.limits);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!(chunkSize >= 1024)) throw new RangeError(`chunkSize must be at least 1024 bytes, got ${chunkSize}`);
  const end = await readEndRecord(source, limits.maxEntries, options.archive);
  const index = await indexDirectory(source, end, limits, chunkSize, options.archive);
  return new ZipReader(source, end, index, limits, chunkSize, options.archive, options.reuseBuffers ?? false);
}

export class ZipReader {
  private readonly tally = { produced: 0 };

  /** @internal use openZip */
  constructor(
    readonly source: RandomAccessSource,
    private readonly end: EndRecord,
    private readonly index: DirectoryIndex,
    readonly limits: ZipLimits,
    private readonly chunkSize: number,
    readonly archive: string | undefined,
    private readonly reuseBuffers: boolean,
  ) {}

  get entryCount(): number {
    return this.end.entryCount;
  }

  /** The archive has ZIP64 end records (over 65,535 entries or a directory past 4 GiB). */
  get zip64(): boolean {
    return this.end.zip64;
  }

  /** The archive comment, as stored (no encoding is specified for it). */
  get comment(): Uint8Array {
    return this.end.comment;
  }

  /** Sum of the entries' declared uncompressed sizes (checked against the limit when opened). */
  get declaredTotal(): number {
    return this.index.declaredTotal;
  }

  /** Bytes produced by `open` so far, all entries together. */
  get producedTotal(): number {
    return this.tally.produced;
  }

  async *entries(): AsyncGenerator<ZipEntry> {
    for await (const { entry, fingerprint } of readCentralDirectory(this.source, this.end, this.chunkSize, this.archive)) {
      if (this.index.fingerprints[entry.index] !== fingerprint) {
        throw new ArchiveError("ARCHIVE_CORRUPT", "the central directory changed while the archive was being read", {
          ...(this.archive === undefined ? {} : { archive: this.archive }),
          entry: entry.name,
          offset: this.end.centralOffset,
        });
      }
      yield entry;
    }
  }

  /** Why this entry cannot be extracted (encrypted, unsupported method...), or undefined. */
  problem(entry: ZipEntry): ArchiveError | undefined {
    return entryProblem(entry, this.limits, {
      ...(this.archive === undefined ? {} : { archive: this.archive }),
      entry: entry.name,
      offset: entry.localHeaderOffset,
    });
  }

  /**
   * The entry's bytes, decompressed and checked. Chunks are the consumer's, or valid until the next
   * pull with `reuseBuffers`; the CRC-32, size and descriptor checks fire when the iterator
   * finishes (see entry-stream.ts).
   */
  open(entry: ZipEntry): AsyncIterable<Uint8Array> {
    const limit = this.index.limits[entry.index];
    if (limit === undefined) throw new RangeError(`entry index ${entry.index} is not an entry of this archive`);
    return streamEntry(entry, limit, {
      source: this.source,
      limits: this.limits,
      chunkSize: this.chunkSize,
      tally: this.tally,
      reuseBuffers: this.reuseBuffers,
      ...(this.archive === undefined ? {} : { archive: this.archive }),
    });
  }
}
