/**
 * Reads an entry's local file header (APPNOTE 4.3.7) when the entry is opened and checks it against
 * the central directory, which this reader treats as the authority. A streaming reader (or another
 * tool) reads local headers instead, so any disagreement means two readers would see two different
 * archives: the local name must be the central name byte for byte, and method, encryption and
 * data-descriptor flags, CRC and sizes (when the local header carries them) must match.
 *
 * Invariant: returns where the compressed data starts only after checking that the local header,
 * the data and the smallest possible descriptor fit below the entry's layout limit (layout.ts), so
 * no read for this entry ever touches bytes that belong to another entry or to the directory.
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { localZip64Sizes, parseExtraFields } from "./extra-fields.ts";
import { sameBytes, u16, u32 } from "./little-endian.ts";
import { readFully, type RandomAccessSource } from "./random-access-source.ts";
import type { ZipEntry } from "./zip-entry.ts";
import {
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_MASKED_HEADERS,
  FLAG_STRONG_ENCRYPTION,
  LOCAL_HEADER_SIZE,
  MIN_DESCRIPTOR_SIZE,
  SIG_LOCAL,
} from "./zip-format.ts";

/** Guess of the local extra field's size for the first read; a longer one costs a second read. */
const EXTRA_GUESS = 128;
const COMPARED_FLAGS = FLAG_ENCRYPTED | FLAG_DATA_DESCRIPTOR | FLAG_STRONG_ENCRYPTION;

export async function readLocalHeader(source: RandomAccessSource, entry: ZipEntry, limit: number, ctx: ArchiveErrorContext): Promise<number> {
  const at = entry.localHeaderOffset;
  const here = { ...ctx, offset: at };
  const nameLength = entry.rawName.length;
  const first = Math.min(LOCAL_HEADER_SIZE + nameLength + EXTRA_GUESS, limit - at);
  let head = await readFully(source, at, first, "the local header", ctx);
  if (u32(head, 0) !== SIG_LOCAL) throw new ArchiveError("ARCHIVE_CORRUPT", "the local header has a bad signature", here);

  // The name first: the central name's length is what the layout check counted.
  const localNameLength = u16(head, 26);
  const localName = head.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + Math.min(localNameLength, head.length - LOCAL_HEADER_SIZE));
  if (localNameLength !== nameLength || !sameBytes(localName, entry.rawName)) {
    const shown = JSON.stringify(new TextDecoder().decode(localName));
    throw new ArchiveError("ZIP_NAME_MISMATCH", `the local header names the entry ${shown}${localNameLength > localName.length ? "..." : ""}`, here);
  }
  const extraLength = u16(head, 28);
  const headerEnd = at + LOCAL_HEADER_SIZE + nameLength + extraLength;
  const dataEnd = headerEnd + entry.compressedSize + (entry.hasDataDescriptor ? MIN_DESCRIPTOR_SIZE : 0);
  if (dataEnd > limit) {
    throw new ArchiveError(
      "ZIP_OVERLAP",
      `with its ${extraLength}-byte local extra field the entry runs to offset ${dataEnd}, into the next entry or the central directory at ${limit}`,
      here,
    );
  }
  if (headerEnd - at > head.length) head = await readFully(source, at, headerEnd - at, "the local header", ctx);

  const flags = u16(head, 6);
  const mismatch = (what: string) =>
    new ArchiveError("ZIP_HEADER_MISMATCH", `the local header and the central directory disagree on the ${what}`, here);
  if ((flags & COMPARED_FLAGS) !== (entry.flags & COMPARED_FLAGS)) throw mismatch("flags");
  if (u16(head, 8) !== entry.method) throw mismatch("compression method");

  // With a data descriptor, or masked by central directory encryption, the local CRC and sizes
  // are placeholders (often zero) by design; otherwise they must be the central ones.
  if ((flags & (FLAG_DATA_DESCRIPTOR | FLAG_MASKED_HEADERS)) === 0) {
    if (u32(head, 14) !== entry.crc32) throw mismatch("CRC-32");
    const extra = parseExtraFields(head.subarray(LOCAL_HEADER_SIZE + nameLength, headerEnd - at), here);
    const sizes = localZip64Sizes(extra.zip64, u32(head, 18), u32(head, 22), here);
    if (sizes.compressedSize !== undefined && sizes.compressedSize !== entry.compressedSize) throw mismatch("compressed size");
    if (sizes.uncompressedSize !== undefined && sizes.uncompressedSize !== entry.uncompressedSize) throw mismatch("uncompressed size");
  }
  return headerEnd;
}
