/**
 * What a dictionary builder produces for one column chunk, and the growth policy its hash tables
 * share. The dictionary refers to values by the row of their first occurrence (`entryRows`), so
 * building it copies no value bytes; `indices` holds one dictionary index per non-null row, in
 * row order, ready for the RLE_DICTIONARY pages.
 */

export interface DictionaryBuild {
  /** Distinct non-null values, in order of first occurrence. */
  readonly entryCount: number;
  /** `entryRows[k]` is a row holding entry k. Valid for `entryCount` elements. */
  readonly entryRows: Int32Array;
  /** One index per non-null row, in row order. Valid for the chunk's non-null count. */
  readonly indices: Int32Array;
  /** Bytes of the dictionary page body (PLAIN encoding of the entries). */
  readonly plainBytes: number;
}

/** Open addressing at load factor <= 1/2 keeps probe chains short. */
export function tableSizeFor(entries: number): number {
  let size = 1024;
  while (size < entries * 2) size *= 2;
  return size;
}

export function growInt32(array: Int32Array<ArrayBuffer>, minLength: number): Int32Array<ArrayBuffer> {
  if (array.length >= minLength) return array;
  let length = array.length * 2;
  while (length < minLength) length *= 2;
  const grown = new Int32Array(length);
  grown.set(array);
  return grown;
}

/** A 32-bit finalizer (murmur3 fmix32): spreads close keys (1, 2, 3...) over the table. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
