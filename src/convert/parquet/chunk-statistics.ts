/**
 * Column chunk statistics: null count and min/max in the byte form parquet.thrift's
 * `min_value`/`max_value` expect (little-endian numbers, raw bytes for BYTE_ARRAY), following the
 * column order TypeDefinedOrder (signed for INT32/INT64, numeric for DOUBLE, unsigned
 * byte-wise for strings, false < true).
 *
 * Rules from the spec: NaN never becomes a bound (all-NaN leaves min/max unset); a zero minimum is
 * written as -0.0 and a zero maximum as +0.0, because readers cannot know which zero was seen.
 * Strings longer than MAX_STRING_STAT_BYTES omit both bounds rather than truncating.
 *
 * Min/max can be computed over all rows or, with `rowList`, over given rows only (a dictionary's
 * entries: the same bounds, fewer comparisons). Assumes a little-endian host, like the encoders.
 */

export interface ChunkStatistics {
  nullCount: number;
  distinctCount?: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

export interface Bounds {
  min: Uint8Array;
  max: Uint8Array;
}

export const MAX_STRING_STAT_BYTES = 64;

/** Which rows to look at: the non-null rows among [0, count), or `rowList[0, count)`. */
export interface RowSelection {
  nulls: Uint8Array;
  count: number;
  rowList: Int32Array | null;
}

export function int64Bounds(words: Int32Array, rows: RowSelection): Bounds | undefined {
  const { nulls, count, rowList } = rows;
  let minRow = -1, maxRow = -1;
  let minHi = 0, minLo = 0, maxHi = 0, maxLo = 0;
  for (let k = 0; k < count; k++) {
    const row = rowList === null ? k : rowList[k]!;
    if (nulls[row] !== 0) continue;
    const hi = words[2 * row + 1]!;
    const lo = words[2 * row]! >>> 0;
    if (minRow < 0 || hi < minHi || (hi === minHi && lo < minLo)) (minRow = row), (minHi = hi), (minLo = lo);
    if (maxRow < 0 || hi > maxHi || (hi === maxHi && lo > maxLo)) (maxRow = row), (maxHi = hi), (maxLo = lo);
  }
  if (minRow < 0) return undefined;
  return { min: wordBytes(words, 2 * minRow, 2), max: wordBytes(words, 2 * maxRow, 2) };
}

export function int32Bounds(words: Int32Array, rows: RowSelection): Bounds | undefined {
  const { nulls, count, rowList } = rows;
  let minRow = -1, maxRow = -1;
  for (let k = 0; k < count; k++) {
    const row = rowList === null ? k : rowList[k]!;
    if (nulls[row] !== 0) continue;
    const v = words[row]!;
    if (minRow < 0 || v < words[minRow]!) minRow = row;
    if (maxRow < 0 || v > words[maxRow]!) maxRow = row;
  }
  if (minRow < 0) return undefined;
  return { min: wordBytes(words, minRow, 1), max: wordBytes(words, maxRow, 1) };
}

export function doubleBounds(values: Float64Array, rows: RowSelection): Bounds | undefined {
  const { nulls, count, rowList } = rows;
  let seen = false;
  let min = 0, max = 0;
  for (let k = 0; k < count; k++) {
    const row = rowList === null ? k : rowList[k]!;
    if (nulls[row] !== 0) continue;
    const v = values[row]!;
    if (v !== v) continue; // NaN
    if (!seen) (min = v), (max = v), (seen = true);
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (!seen) return undefined;
  return { min: float64Bytes(min === 0 ? -0 : min), max: float64Bytes(max === 0 ? 0 : max) };
}

export function booleanBounds(values: Uint8Array, rows: RowSelection): Bounds | undefined {
  const { nulls, count } = rows;
  let sawTrue = false, sawFalse = false;
  for (let row = 0; row < count && !(sawTrue && sawFalse); row++) {
    if (nulls[row] !== 0) continue;
    if (values[row] !== 0) sawTrue = true;
    else sawFalse = true;
  }
  if (!sawTrue && !sawFalse) return undefined;
  return { min: Uint8Array.of(sawFalse ? 0 : 1), max: Uint8Array.of(sawTrue ? 1 : 0) };
}

export function byteArrayBounds(data: Uint8Array, offsets: Int32Array, rows: RowSelection): Bounds | undefined {
  const { nulls, count, rowList } = rows;
  let minRow = -1, maxRow = -1;
  for (let k = 0; k < count; k++) {
    const row = rowList === null ? k : rowList[k]!;
    if (nulls[row] !== 0) continue;
    const from = offsets[row]!, to = offsets[row + 1]!;
    if (minRow < 0) {
      minRow = maxRow = row;
      continue;
    }
    if (compareBytes(data, from, to, offsets[minRow]!, offsets[minRow + 1]!) < 0) minRow = row;
    else if (compareBytes(data, from, to, offsets[maxRow]!, offsets[maxRow + 1]!) > 0) maxRow = row;
  }
  if (minRow < 0) return undefined;
  const min = data.slice(offsets[minRow]!, offsets[minRow + 1]!);
  const max = data.slice(offsets[maxRow]!, offsets[maxRow + 1]!);
  if (min.length > MAX_STRING_STAT_BYTES || max.length > MAX_STRING_STAT_BYTES) return undefined;
  return { min, max };
}

/** Unsigned lexicographic order of two byte ranges of `data`; a prefix sorts first. */
function compareBytes(data: Uint8Array, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  const aLength = aTo - aFrom, bLength = bTo - bFrom;
  const common = aLength < bLength ? aLength : bLength;
  for (let k = 0; k < common; k++) {
    const diff = data[aFrom + k]! - data[bFrom + k]!;
    if (diff !== 0) return diff;
  }
  return aLength - bLength;
}

function wordBytes(words: Int32Array, firstWord: number, wordCount: number): Uint8Array {
  return new Uint8Array(words.buffer.slice(words.byteOffset + firstWord * 4, words.byteOffset + (firstWord + wordCount) * 4));
}

function float64Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return bytes;
}
