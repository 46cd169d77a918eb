/**
 * The single-stream decompressors behind one signature (or, for legacy .lzma, a name and a header):
 * gzip by Bun's native zlib, bzip2 and .lzma by our own pure-TypeScript decoders (no native addon may be in the binary; see their headers), xz by our
 * container code with LZMA2 from the engine given (the system's liblzma or our own; xz-engine.ts), each metered by the
 * file's LimitTracker before its bytes go on (the ratio and total-bytes limits see every byte a
 * bomb produces, at every layer).
 */
import type { LimitTracker } from "../limits.ts";
import { gunzip } from "../gzip/gunzip.ts";
import { bunzip2 } from "../bzip2/bunzip2.ts";
import { unxz } from "../xz/unxz.ts";
import type { XzEngine } from "../xz/xz-engine.ts";

export type StreamFormat = "gzip" | "bzip2" | "xz" | "lzma";

export function isStreamFormat(format: string): format is StreamFormat {
  return format === "gzip" || format === "bzip2" || format === "xz" || format === "lzma";
}

/** `name` is the compressed stream's path, for messages. */
export function decompress(format: StreamFormat, source: AsyncIterable<Uint8Array>, name: string, limits: LimitTracker, xz?: XzEngine): AsyncIterable<Uint8Array> {
  switch (format) {
    case "gzip":
      return limits.meterOutput(gunzip(source, { name }), name);
    case "bzip2":
      return limits.meterOutput(bunzip2(source, { name }), name);
    case "xz":
    case "lzma": // unxz reads LZMA-alone too, from the same header check detect.ts made
      return limits.meterOutput(unxz(source, { name, checkDictionary: (bytes) => limits.checkDictionary(bytes, name), ...(xz ? { engine: xz } : {}) }), name);
  }
}
