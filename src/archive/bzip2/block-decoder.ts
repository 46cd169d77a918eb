/**
 * The hot loop of bzip2 decoding: Huffman symbols → RUNA/RUNB runs (RLE2) → move-to-front →
 * the block's BWT output column in `tt` (one byte per entry, low 8 bits), with per-byte counts.
 *
 * Invariants:
 *  - Resumable: decode() runs until end of block (true) or until fewer than SAFE_BYTES unloaded
 *    input bytes remain (false); the caller then awaits more input and calls it again. All state
 *    lives in fields between calls and in locals during one (no per-symbol calls or allocations).
 *  - One symbol loads at most 3 bytes (2 for the primary lookup, 1 for a long code), so stopping
 *    while pos > end - SAFE_BYTES never reads past the buffer.
 *  - Counts are checked before they are used, with bzip2 1.0.8's rules: a run of RUNA/RUNB symbols
 *    has at most MAX_RUN_SHIFT of them; nothing is stored past the block size the stream header
 *    declared (level × 100 000); a symbol after the last selector's group, a bit pattern that is no
 *    code, or a selector naming an over-subscribed table are ARCHIVE_CORRUPT.
 *  - `tt` is allocated once per decoder, at the largest level seen, and reused for every block.
 */
import type { BitReader } from "./bit-reader.ts";
import type { BlockTables } from "./block-tables.ts";
import { BLOCK_UNIT, corrupt, GROUP_SIZE, MAX_RUN_SHIFT, RUNB } from "./format.ts";
import { PRIMARY_BITS } from "./huffman.ts";

const SAFE_BYTES = 4;
const PRIMARY_MASK = (1 << PRIMARY_BITS) - 1;
/** Below this MTF position a plain loop beats copyWithin's call overhead. */
const MTF_LOOP_MAX = 24;

export class BlockDecoder {
  /** The block's entries; decode() stores bytes, block-output.ts adds the BWT links above them. */
  tt: Int32Array = new Int32Array(0);
  /** Entries stored in tt so far. */
  nblock = 0;
  /** How many times each byte value occurs in tt[0, nblock). */
  readonly byteCounts = new Int32Array(256);

  private nblockMax = 0;
  private readonly mtf = new Uint8Array(256);
  private tables: BlockTables | null = null;
  private run = 0;
  private runShift = 0;
  private groupNo = -1;
  private groupLeft = 0;
  private group = 0;

  /** Prepares for a block of a level-`level` stream whose tables were just read. */
  start(tables: BlockTables, level: number): void {
    this.nblockMax = level * BLOCK_UNIT;
    if (this.tt.length < this.nblockMax) this.tt = new Int32Array(this.nblockMax);
    this.tables = tables;
    this.nblock = 0;
    this.byteCounts.fill(0);
    this.mtf.set(tables.symbolToByte.subarray(0, tables.nInUse));
    this.run = 0;
    this.runShift = 0;
    this.groupNo = -1;
    this.groupLeft = 0;
    this.group = 0;
  }

  /** Decodes symbols until the end of the block (true) or until the input runs low (false). */
  decode(input: BitReader): boolean {
    const tables = this.tables!;
    const huffman = tables.huffman;
    const lookup = huffman.lookup;
    const bad = huffman.bad;
    const selectors = tables.selectors;
    const nSelectors = tables.nSelectors;
    const eob = tables.alphaSize - 1;
    const tt = this.tt;
    const counts = this.byteCounts;
    const mtf = this.mtf;
    const nblockMax = this.nblockMax;
    const buf = input.buf;
    const limit = input.end - SAFE_BYTES;

    let pos = input.pos;
    let bitBuf = input.bitBuf;
    let bitCount = input.bitCount;
    let nblock = this.nblock;
    let run = this.run;
    let runShift = this.runShift;
    let groupNo = this.groupNo;
    let groupLeft = this.groupLeft;
    let group = this.group;
    let tBase = group << PRIMARY_BITS;
    let done = false;
    let error = "";

    while (pos <= limit) {
      if (groupLeft === 0) {
        if (++groupNo >= nSelectors) {
          error = `has a block with more symbols than its ${nSelectors} selectors cover`;
          break;
        }
        group = selectors[groupNo]!;
        if (bad[group] === 1) {
          error = "has a block whose Huffman code lengths do not form a prefix code";
          break;
        }
        tBase = group << PRIMARY_BITS;
        groupLeft = GROUP_SIZE;
      }
      if (bitCount < 16) {
        bitBuf = (bitBuf << 16) | (buf[pos]! << 8) | buf[pos + 1]!;
        pos += 2;
        bitCount += 16;
      }
      let entry = lookup[tBase + ((bitBuf >>> (bitCount - PRIMARY_BITS)) & PRIMARY_MASK)]!;
      if (entry === 0) {
        if (bitCount < 24) {
          bitBuf = (bitBuf << 8) | buf[pos++]!;
          bitCount += 8;
        }
        entry = huffman.decodeLong(group, bitBuf, bitCount);
        if (entry < 0) {
          error = "has a bit pattern that is not a Huffman code of its table";
          break;
        }
      }
      groupLeft--;
      bitCount -= entry & 31;
      const sym = entry >>> 5;

      if (sym <= RUNB) {
        if (runShift >= MAX_RUN_SHIFT) {
          error = "has a run of repeated bytes too long for any block";
          break;
        }
        run += (sym + 1) << runShift;
        runShift++;
        continue;
      }
      if (run > 0) {
        if (run > nblockMax - nblock) {
          error = `has a block larger than the ${nblockMax} bytes its stream header allows`;
          break;
        }
        const b = mtf[0]!;
        counts[b]! += run;
        const stop = nblock + run;
        if (run < 16) while (nblock < stop) tt[nblock++] = b;
        else {
          tt.fill(b, nblock, stop);
          nblock = stop;
        }
        run = 0;
        runShift = 0;
      }
      if (sym === eob) {
        done = true;
        break;
      }
      if (nblock >= nblockMax) {
        error = `has a block larger than the ${nblockMax} bytes its stream header allows`;
        break;
      }
      // Move-to-front: the byte at position sym - 1 moves to the front.
      let k = sym - 1;
      const b = mtf[k]!;
      if (k < MTF_LOOP_MAX) {
        for (; k > 0; k--) mtf[k] = mtf[k - 1]!;
      } else {
        mtf.copyWithin(1, 0, k);
      }
      mtf[0] = b;
      counts[b]!++;
      tt[nblock++] = b;
    }

    input.pos = pos;
    input.bitBuf = bitBuf;
    input.bitCount = bitCount;
    this.nblock = nblock;
    this.run = run;
    this.runShift = runShift;
    this.groupNo = groupNo;
    this.groupLeft = groupLeft;
    this.group = group;
    if (error !== "") corrupt(error);
    return done;
  }
}
