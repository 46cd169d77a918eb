/**
 * The layout check against overlapping entries (David Fifield's non-recursive zip bomb, where
 * thousands of central records point into one shared deflate kernel, and its "quoted" variants):
 * sorted by local header offset, every entry must end before the next one starts, and the last one
 * before the central directory. It runs on the whole directory before any entry is yielded.
 *
 * An entry's extent here is its lower bound, local header (30 bytes + the name, which must equal
 * the central one) + compressed data (+ the smallest data descriptor when bit 3 is set): the local
 * extra field's length is only known by reading each local header, which would cost one read per
 * entry before the first byte is yielded. The exact extent is checked against the returned limit
 * when the entry is opened, before any of its data is read, so no byte is ever extracted twice.
 *
 * Invariant: limit[i] is the offset where the next entry (in file order) starts, or where the
 * central directory starts; entry i's local header, data and descriptor must fit below it.
 */
import { ArchiveError } from "./archive-error.ts";

export function checkLayout(
  headerOffsets: Float64Array,
  minimumEnds: Float64Array,
  centralOffset: number,
  nameOf: (index: number) => string,
  archive?: string,
): Float64Array {
  const n = headerOffsets.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => headerOffsets[a]! - headerOffsets[b]! || a - b);

  const limit = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const next = k + 1 < n ? order[k + 1]! : -1;
    const bound = next >= 0 ? headerOffsets[next]! : centralOffset;
    if (minimumEnds[i]! > bound) {
      const ctx = { ...(archive === undefined ? {} : { archive }), entry: nameOf(i), offset: headerOffsets[i]! };
      const what =
        next >= 0
          ? `its data (to offset ${minimumEnds[i]}) overlaps entry ${JSON.stringify(nameOf(next))} at offset ${bound}`
          : `its data (to offset ${minimumEnds[i]}) runs into the central directory at offset ${bound}`;
      throw new ArchiveError("ZIP_OVERLAP", `entries must not share bytes: ${what}`, ctx);
    }
    limit[i] = bound;
  }
  return limit;
}
