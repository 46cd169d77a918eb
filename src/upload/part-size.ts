/**
 * Part size policy. S3 allows at most 10,000 parts of 5 MiB..5 GiB (the last may be smaller) and
 * parts of one upload may differ in size. With the size known, the configured part size grows just
 * enough to fit; with the size unknown (streams), it doubles every 1,000 parts, so 10,000 parts
 * reach far past any realistic object (8 MiB start: 8 GiB after 1,000 parts, 5 TiB before 10,000)
 * while small streams keep small parts and memory.
 */

export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;
const GROWTH_EVERY = 1000;
const MiB = 1024 ** 2;

/** Part size for an object of known size. */
export function partSizeForKnownSize(configured: number, size: number): number {
  const needed = Math.ceil(size / MAX_PARTS);
  const base = Math.max(configured, MIN_PART_SIZE, needed);
  // Round up to whole MiB so part boundaries stay readable in logs and listings.
  return Math.min(MAX_PART_SIZE, Math.ceil(base / MiB) * MiB);
}

/** Size of part number `partNumber` (1-based) of a stream of unknown size. */
export function partSizeForStream(configured: number, partNumber: number): number {
  const doublings = Math.floor((partNumber - 1) / GROWTH_EVERY);
  return Math.min(MAX_PART_SIZE, Math.max(configured, MIN_PART_SIZE) * 2 ** doublings);
}

/** Largest object a stream can reach within MAX_PARTS parts under partSizeForStream. */
export function streamCapacity(configured: number): number {
  let total = 0;
  for (let tier = 0; tier < MAX_PARTS / GROWTH_EVERY; tier++) {
    total += GROWTH_EVERY * partSizeForStream(configured, tier * GROWTH_EVERY + 1);
  }
  return total;
}
