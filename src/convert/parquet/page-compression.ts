/**
 * Compresses page bodies. ZSTD uses Bun's native zstd; SNAPPY uses our pure-JS block compressor
 * (snappy-compress.ts: hyparquet-writer's was the bottleneck). Both return an array the caller
 * owns, so the encoder's scratch body buffer can be reused for the next page.
 *
 * ZSTD_LEVEL: see the measurement next to it.
 */

import type { Compression } from "../column-types.ts";
import { CompressionCodec } from "./parquet-enums.ts";
import { snappyCompress } from "./snappy-compress.ts";

/**
 * Measured with test/unit/convert/parquet/bench-writer.ts (1M rows x 7 columns, shared 2-core
 * box, best of 3): level 1 ~180-230 ms and 18.2 MiB, level 3 ~280-380 ms and 15.6 MiB: level 1
 * loses too many bytes. Level 2 against 3 (scripts/bench/csv-stages.ts, the 100 MB reference CSV
 * of scripts/bench-convert.ts; docs/conversion-speed.md): zstd time 114 ms instead of 210 ms and
 * the file 1.2% *smaller* (23.04 MB against 23.32 MB: the DOUBLE column compresses better at
 * level 2); over the vega-datasets corpus of the SC-002 test 0.3% larger (21.66% of the input
 * against 21.59%). Half the compression time for about the same bytes: level 2.
 */
export const ZSTD_LEVEL = 2;

export function compressionCodecOf(compression: Compression): CompressionCodec {
  switch (compression) {
    case "ZSTD":
      return CompressionCodec.ZSTD;
    case "SNAPPY":
      return CompressionCodec.SNAPPY;
    default:
      throw new Error(`unsupported Parquet compression: ${String(compression)}`);
  }
}

export function compressPage(compression: Compression, body: Uint8Array, zstdLevel = ZSTD_LEVEL): Uint8Array {
  if (compression === "ZSTD") return Bun.zstdCompressSync(body, { level: zstdLevel });
  if (compression === "SNAPPY") return snappyCompress(body);
  throw new Error(`unsupported Parquet compression: ${String(compression)}`);
}
