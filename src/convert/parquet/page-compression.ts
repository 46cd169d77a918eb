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
 * box, best of 3): level 1 ~180-230 ms and 18.2 MiB, level 3 ~280-380 ms and 15.6 MiB. Level 3:
 * 14% fewer bytes to push to S3 from an edge box is worth ~100 ms per million rows.
 */
export const ZSTD_LEVEL = 3;

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
