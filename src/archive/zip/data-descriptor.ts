/**
 * Checks the data descriptor that follows an entry's data when general purpose bit 3 is set
 * (APPNOTE 4.3.9). Its layout is not self-describing: the signature is optional, and sizes are
 * 4 bytes, or 8 for ZIP64 entries, where writers disagree on what makes an entry ZIP64. So each of
 * the four layouts that fits below the entry's layout limit is tried, and one must carry exactly the
 * central directory's CRC-32 and sizes; the bytes were already checked against those, so a
 * descriptor that matches none means the archive contradicts itself (ZIP_BAD_DESCRIPTOR).
 *
 * Invariant: reads at most 24 bytes, all below the entry's layout limit.
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { u32 } from "./little-endian.ts";
import { readFully, type RandomAccessSource } from "./random-access-source.ts";
import type { ZipEntry } from "./zip-entry.ts";
import { SIG_DESCRIPTOR } from "./zip-format.ts";

const LAYOUTS = [
  { signature: true, wide: false, size: 16 },
  { signature: true, wide: true, size: 24 },
  { signature: false, wide: false, size: 12 },
  { signature: false, wide: true, size: 20 },
] as const;

export async function checkDataDescriptor(
  source: RandomAccessSource,
  entry: ZipEntry,
  dataEnd: number,
  limit: number,
  ctx: ArchiveErrorContext,
): Promise<void> {
  const bytes = await readFully(source, dataEnd, Math.min(24, limit - dataEnd), "the data descriptor", ctx);
  const hasSignature = u32(bytes, 0) === SIG_DESCRIPTOR;
  for (const layout of LAYOUTS) {
    if (layout.size > bytes.length || (layout.signature && !hasSignature)) continue;
    const p = layout.signature ? 4 : 0;
    if (u32(bytes, p) !== entry.crc32) continue;
    const compressed = layout.wide ? wide(bytes, p + 4) : u32(bytes, p + 4);
    const uncompressed = layout.wide ? wide(bytes, p + 12) : u32(bytes, p + 8);
    if (compressed === entry.compressedSize && uncompressed === entry.uncompressedSize) return;
  }
  const p = hasSignature ? 4 : 0;
  throw new ArchiveError(
    "ZIP_BAD_DESCRIPTOR",
    `the data descriptor (CRC-32 ${hex(u32(bytes, p))}, sizes ${u32(bytes, p + 4)}/${u32(bytes, p + 8)}) does not match the central ` +
      `directory (CRC-32 ${hex(entry.crc32)}, sizes ${entry.compressedSize}/${entry.uncompressedSize})`,
    { ...ctx, offset: dataEnd },
  );
}

/** A 64-bit size; exact for anything below 2^53, which is all a central directory can declare. */
function wide(b: Uint8Array, at: number): number {
  return u32(b, at + 4) * 0x1_0000_0000 + u32(b, at);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
