/**
 * Legacy .lzma files (LZMA_Alone, "LZMA Utils" format), which `xz -dc` also reads: a 13-byte header
 * and one LZMA stream (lzma-decoder.ts).
 *
 *   properties byte ((pb * 5 + lp) * 9 + lc) | dictionary size (LE32) | uncompressed size (LE64,
 *   all ones = unknown: the data then ends with an end marker)
 *
 * There is no magic number, so unxz takes a stream that is not .xz for .lzma only when the header is
 * the kind xz itself accepts in auto-detection: properties below 225 with lc + lp ≤ 4, a dictionary
 * of 2^n or 3 × 2^n bytes, and a size that is unknown or below 2^38. Anything else stays "not xz
 * data" (ARCHIVE_CORRUPT).
 *
 * Invariants (as for .xz): the dictionary size goes to checkDictionary before the window is
 * allocated, the window is min(dictionary, declared size); output flows through OutputChunks, one
 * chunk at a time; input ending early is ARCHIVE_TRUNCATED; bytes after the end of the stream are
 * ARCHIVE_CORRUPT (the format has no padding and no concatenation). .lzma has no integrity check:
 * damage is caught only when it breaks the LZMA data itself.
 */
import { ArchiveError } from "../archive-error.ts";
import { LzmaDecoder } from "./lzma-decoder.ts";
import { parsePropsByte } from "./lzma-state.ts";
import type { OutputChunks } from "./xz-block.ts";
import type { XzInput } from "./xz-input.ts";

export const LZMA_ALONE_HEADER_SIZE = 13;

/** 2^n or 3 × 2^n. */
function isUsualDictSize(d: number): boolean {
  if (d <= 0) return false;
  let odd = d;
  while (odd % 2 === 0) odd /= 2;
  return odd === 1 || odd === 3;
}

/** Whether the first 12 bytes of a stream look like an .lzma header as xz would accept it. */
export function isLzmaAloneHeader(head: Uint8Array): boolean {
  if (head.length < 12 || head[0]! >= 225) return false;
  const { lc, lp } = parsePropsByte(head[0]!);
  if (lc + lp > 4) return false;
  const dict = (head[1]! | (head[2]! << 8) | (head[3]! << 16) | (head[4]! << 24)) >>> 0;
  if (dict !== 0xffffffff && !isUsualDictSize(dict)) return false;
  const unknown = head.subarray(5, 12).every((b) => b === 0xff);
  return unknown || (head[9]! < 0x40 && head[10] === 0 && head[11] === 0);
}

/** Decodes a .lzma stream whose first 12 bytes (`head`) were already read. */
export async function* decodeLzmaAlone(
  head: Uint8Array,
  input: XzInput,
  out: OutputChunks,
  checkDictionary: (bytes: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  const last = await input.read(1);
  if (last.length < 1) throw new ArchiveError("ARCHIVE_TRUNCATED", ".lzma data ends inside its header");
  const unknown = head.subarray(5, 12).every((b) => b === 0xff) && last[0] === 0xff;
  if (!unknown && last[0] !== 0) throw new ArchiveError("ARCHIVE_CORRUPT", ".lzma header declares an impossible uncompressed size");
  const props = parsePropsByte(head[0]!);
  const dictSize = (head[1]! | (head[2]! << 8) | (head[3]! << 16) | (head[4]! << 24)) >>> 0;
  const lo = (head[5]! | (head[6]! << 8) | (head[7]! << 16) | (head[8]! << 24)) >>> 0;
  const outSize = unknown ? undefined : lo + ((head[9]! | (head[10]! << 8) | (head[11]! << 16)) >>> 0) * 2 ** 32;

  checkDictionary(dictSize);
  // xz uses at least 4 KiB whatever the header says; so does the window here.
  const dec = new LzmaDecoder(props, Math.max(dictSize, 4096), { outSize });
  for (;;) {
    if (out.isFull) yield out.take();
    const more = input.available > 0 || (await input.fill());
    const from = out.fill;
    dec.decode(input.chunk, input.pos, input.chunk.length, out.buf, from, out.buf.length, !more);
    input.advance(dec.inPos - input.pos);
    out.fill = dec.outPos;
    out.total += dec.outPos - from;
    if (dec.finished) break;
  }
  if (dec.unusedInput > 0 || (await input.fill())) {
    throw new ArchiveError("ARCHIVE_CORRUPT", ".lzma stream is followed by more data");
  }
}
