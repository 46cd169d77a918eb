/**
 * The first walk over the central directory, before any entry is yielded: checks every record
 * (structure, names, limits, duplicates, layout) so a hostile archive is refused as a whole before
 * a single entry reaches the caller. What the second walk and `open` need is kept in two typed
 * arrays (12 bytes an entry: fingerprint, layout limit), not the entries themselves, so what stays
 * in memory is small and fixed per entry however long the names are.
 *
 * Invariants: names are compared decoded (two names that decode to one key are duplicates); the
 * declared total and the archive's declared ratio are checked here, the produced ones while
 * streaming; the name set is released when the walk ends.
 */
import { ArchiveError } from "./archive-error.ts";
import { readCentralDirectory } from "./central-directory.ts";
import type { EndRecord } from "./end-record.ts";
import { checkLayout } from "./layout.ts";
import { checkRatio, checkTotal, type ZipLimits } from "./limits.ts";
import type { RandomAccessSource } from "./random-access-source.ts";
import { LOCAL_HEADER_SIZE, MIN_DESCRIPTOR_SIZE } from "./zip-format.ts";

export interface DirectoryIndex {
  /** CRC-32 of each central record's bytes, to prove the second walk reads the same directory. */
  fingerprints: Uint32Array;
  /** Offset below which each entry's local header, data and descriptor must end (layout.ts). */
  limits: Float64Array;
  declaredTotal: number;
}

export async function indexDirectory(
  source: RandomAccessSource,
  end: EndRecord,
  limits: ZipLimits,
  chunkSize: number,
  archive?: string,
): Promise<DirectoryIndex> {
  const n = end.entryCount;
  const fingerprints = new Uint32Array(n);
  const headerOffsets = new Float64Array(n);
  const minimumEnds = new Float64Array(n);
  const seen = new Map<string, number>();
  const names: string[] = new Array(n);
  let declaredTotal = 0;
  const base = archive === undefined ? {} : { archive };

  for await (const { entry, fingerprint } of readCentralDirectory(source, end, chunkSize, archive)) {
    const i = entry.index;
    const ctx = { ...base, entry: entry.name, offset: entry.localHeaderOffset };
    const nameBytes = Math.max(entry.rawName.length, Buffer.byteLength(entry.name));
    if (nameBytes > limits.maxNameBytes) {
      throw new ArchiveError("ARCHIVE_LIMIT_NAME_BYTES", `an entry name of ${nameBytes} bytes is above the limit of ${limits.maxNameBytes}`, {
        ...ctx,
        entry: entry.name.slice(0, 200),
      });
    }
    const earlier = seen.get(entry.name);
    if (earlier !== undefined) {
      throw new ArchiveError("ZIP_DUPLICATE_NAME", `entries ${earlier} and ${i} have the same name`, ctx);
    }
    seen.set(entry.name, i);
    names[i] = entry.name;
    fingerprints[i] = fingerprint;
    headerOffsets[i] = entry.localHeaderOffset;
    minimumEnds[i] =
      entry.localHeaderOffset +
      LOCAL_HEADER_SIZE +
      entry.rawName.length +
      entry.compressedSize +
      (entry.hasDataDescriptor ? MIN_DESCRIPTOR_SIZE : 0);
    declaredTotal += entry.uncompressedSize;
  }
  seen.clear();

  // Layout first: an overlap explains a huge declared total better than the limit it breaks.
  const layoutLimits = checkLayout(headerOffsets, minimumEnds, end.centralOffset, (i) => names[i]!, archive);
  checkTotal(declaredTotal, limits, true, base);
  checkRatio(declaredTotal, source.size, limits, "archive (as declared)", base);
  return { fingerprints, limits: layoutLimits, declaredTotal };
}
