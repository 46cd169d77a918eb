/**
 * Builds the dictionary of a fixed-width column chunk (INT64, DOUBLE and timestamps as two 32-bit
 * words per value, DATE as one) with an open-addressing hash table over the words. Values are
 * compared bit for bit, so -0.0 and 0.0, or two NaN payloads, stay distinct entries and round-trip
 * exactly. Gives up (returns false) once the dictionary passes `maxEntries`, or when the first 4,096
 * values are nearly all distinct, which makes trying it on a high-cardinality column cheap. The
 * probe only decides the encoding (and so the size), never a value.
 *
 * Invariant: `table[slot]` is 0 (empty) or entry + 1. Buffers are reused across chunks.
 */

import type { DictionaryBuild } from "./dictionary-build.ts";
import { growInt32, mix32, tableSizeFor } from "./dictionary-build.ts";
import { Int32Scratch } from "./scratch-buffers.ts";

/** Values looked at before judging a column's cardinality, and the share of them that must repeat. */
const PROBE = 4096;
const PROBE_DISTINCT = 0.9;

export class FixedWidthDictionaryBuilder implements DictionaryBuild {
  entryCount = 0;
  entryRows = new Int32Array(1024);
  plainBytes = 0;
  private table = new Int32Array(tableSizeFor(0));
  private readonly indexScratch = new Int32Scratch();
  indices = new Int32Array(0);

  build(words: Int32Array, wordsPerValue: 1 | 2, nulls: Uint8Array, rows: number, nonNullCount: number, maxEntries: number): boolean {
    this.entryCount = 0;
    this.table.fill(0);
    const indices = this.indexScratch.get(nonNullCount);
    this.indices = indices;
    let table = this.table;
    let mask = table.length - 1;
    let n = 0;
    // A column whose first PROBE values are nearly all distinct (ids, timestamps, measurements) will
    // not get a dictionary worth having: stop there instead of hashing a quarter of the chunk.
    const probeUntil = nonNullCount >= 4 * PROBE ? PROBE : -1;
    for (let row = 0; row < rows; row++) {
      if (nulls[row] !== 0) continue;
      if (n === probeUntil && this.entryCount > PROBE_DISTINCT * PROBE) return false;
      const lo = wordsPerValue === 2 ? words[2 * row]! : words[row]!;
      const hi = wordsPerValue === 2 ? words[2 * row + 1]! : 0;
      let slot = mix32(lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      let entry = -1;
      for (;;) {
        const stored = table[slot]!;
        if (stored === 0) break;
        const candidateRow = this.entryRows[stored - 1]!;
        const same = wordsPerValue === 2
          ? words[2 * candidateRow] === lo && words[2 * candidateRow + 1] === hi
          : words[candidateRow] === lo;
        if (same) {
          entry = stored - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (entry < 0) {
        entry = this.entryCount;
        if (entry >= maxEntries) return false;
        this.entryRows = growInt32(this.entryRows, entry + 1);
        this.entryRows[entry] = row;
        table[slot] = entry + 1;
        this.entryCount = entry + 1;
        if (this.entryCount * 2 > table.length) {
          table = this.rehash(tableSizeFor(this.entryCount * 2), words, wordsPerValue);
          mask = table.length - 1;
        }
      }
      indices[n++] = entry;
    }
    this.plainBytes = this.entryCount * wordsPerValue * 4;
    return true;
  }

  private rehash(size: number, words: Int32Array, wordsPerValue: 1 | 2): Int32Array<ArrayBuffer> {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let e = 0; e < this.entryCount; e++) {
      const row = this.entryRows[e]!;
      const lo = wordsPerValue === 2 ? words[2 * row]! : words[row]!;
      const hi = wordsPerValue === 2 ? words[2 * row + 1]! : 0;
      let slot = mix32(lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = e + 1;
    }
    this.table = table;
    return table;
  }
}
