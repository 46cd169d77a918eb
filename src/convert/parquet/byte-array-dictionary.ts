/**
 * Builds the dictionary of a BYTE_ARRAY column chunk without creating a JS string per value: an
 * open-addressing hash table over the raw UTF-8 ranges, holding entry numbers. Gives up (returns
 * false) as soon as the dictionary grows past `maxEntries` or `maxBytes`, so a high-cardinality
 * column costs only a partial pass before the writer falls back to PLAIN.
 *
 * Invariants: `table[slot]` is 0 (empty) or entry + 1; `entryHashes[e]` is the hash of entry e,
 * compared before bytes and reused when the table grows. Buffers are reused across chunks.
 */

import type { DictionaryBuild } from "./dictionary-build.ts";
import { growInt32, mix32, tableSizeFor } from "./dictionary-build.ts";
import { Int32Scratch } from "./scratch-buffers.ts";

export class ByteArrayDictionaryBuilder implements DictionaryBuild {
  entryCount = 0;
  entryRows = new Int32Array(1024);
  plainBytes = 0;
  private entryHashes = new Int32Array(1024);
  private table = new Int32Array(tableSizeFor(0));
  private readonly indexScratch = new Int32Scratch();
  indices = new Int32Array(0);

  build(
    data: Uint8Array,
    offsets: Int32Array,
    nulls: Uint8Array,
    rows: number,
    nonNullCount: number,
    maxEntries: number,
    maxBytes: number,
  ): boolean {
    this.entryCount = 0;
    this.plainBytes = 0;
    this.table.fill(0);
    const indices = this.indexScratch.get(nonNullCount);
    this.indices = indices;
    let table = this.table;
    let mask = table.length - 1;
    // Locals, not fields, in the loop: re-read only when an array grows.
    let entryRows = this.entryRows;
    let entryHashes = this.entryHashes;
    let entryCount = 0;
    let plainBytes = 0;
    let n = 0;
    for (let row = 0; row < rows; row++) {
      if (nulls[row] !== 0) continue;
      const from = offsets[row]!;
      const to = offsets[row + 1]!;
      const hash = hashBytes(data, from, to);
      let slot = hash & mask;
      let entry = -1;
      for (;;) {
        const stored = table[slot]!;
        if (stored === 0) break;
        if (entryHashes[stored - 1] === hash) {
          const candidateRow = entryRows[stored - 1]!;
          if (bytesEqual(data, from, to, offsets[candidateRow]!, offsets[candidateRow + 1]!)) {
            entry = stored - 1;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
      if (entry < 0) {
        entry = entryCount;
        plainBytes += 4 + to - from;
        if (entry >= maxEntries || plainBytes > maxBytes) return false;
        if (entry >= entryRows.length) {
          entryRows = this.entryRows = growInt32(entryRows, entry + 1);
          entryHashes = this.entryHashes = growInt32(entryHashes, entry + 1);
        }
        entryRows[entry] = row;
        entryHashes[entry] = hash;
        table[slot] = entry + 1;
        entryCount = this.entryCount = entry + 1;
        this.plainBytes = plainBytes;
        if (entryCount * 2 > table.length) {
          table = this.rehash(tableSizeFor(entryCount * 2));
          mask = table.length - 1;
        }
      }
      indices[n++] = entry;
    }
    return true;
  }

  private rehash(size: number): Int32Array<ArrayBuffer> {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let e = 0; e < this.entryCount; e++) {
      let slot = this.entryHashes[e]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = e + 1;
    }
    this.table = table;
    return table;
  }
}

/** murmur3-style hash over the bytes [from, to), four bytes per step. */
function hashBytes(data: Uint8Array, from: number, to: number): number {
  let h = (to - from) ^ 0x9e3779b9;
  let k = from;
  for (; k + 4 <= to; k += 4) {
    let x = data[k]! | (data[k + 1]! << 8) | (data[k + 2]! << 16) | (data[k + 3]! << 24);
    x = Math.imul(x, 0xcc9e2d51);
    x = (x << 15) | (x >>> 17);
    h ^= Math.imul(x, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  for (; k < to; k++) h = Math.imul(h ^ data[k]!, 0x01000193);
  return mix32(h);
}

function bytesEqual(data: Uint8Array, aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
  if (aTo - aFrom !== bTo - bFrom) return false;
  for (let k = 0; k < aTo - aFrom; k++) if (data[aFrom + k] !== data[bFrom + k]) return false;
  return true;
}
