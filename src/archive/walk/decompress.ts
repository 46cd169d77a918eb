/**
 * The single-stream decompressors (gzip, bzip2, xz) behind one signature, each metered by the
 * file's LimitTracker before its bytes go on (the ratio and total-bytes limits see every byte a
 * bomb produces, at every layer).
 */
import type { LimitTracker } from "../limits.ts";
import { gunzip } from "../gzip/gunzip.ts";
import { ArchiveError } from "../archive-error.ts";

export type StreamFormat = "gzip" | "bzip2" | "xz";

export function isStreamFormat(format: string): format is StreamFormat {
  return format === "gzip" || format === "bzip2" || format === "xz";
}

/** `name` is the compressed stream's path, for messages. */
export function decompress(format: StreamFormat, source: AsyncIterable<Uint8Array>, name: string, limits: LimitTracker): AsyncIterable<Uint8Array> {
  switch (format) {
    case "gzip":
      return limits.meterOutput(gunzip(source, { name }), name);
    case "bzip2":
    case "xz":
      throw new ArchiveError("ARCHIVE_UNSUPPORTED", `${format} is not readable yet`, { entry: name });
  }
}
