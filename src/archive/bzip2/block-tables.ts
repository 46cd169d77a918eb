/**
 * The coding tables at the start of every bzip2 block, after its header: which byte values occur,
 * the Huffman group selectors and each group's code lengths; ends with the Huffman tables built.
 *
 * Invariants (the checks bzip2 1.0.8 makes, in its order, so that the same inputs are refused):
 *  - at least one byte value is used; 2..6 groups; at least one selector;
 *  - a selector's unary MTF index is below the number of groups; selectors past MAX_SELECTORS are
 *    read (the bits are there) and ignored, as bzip2 1.0.8 does;
 *  - every code length stays within 1..20 while it is delta-coded.
 *  Every count is checked before anything is sized from it; nothing here allocates per block.
 *  - Input is awaited only when the buffer runs low (BitReader.ensure), so a header that goes on
 *    forever (code-length deltas that oscillate) costs time in proportion to its input, not memory.
 */
import type { BitReader } from "./bit-reader.ts";
import { corrupt, MAX_ALPHA, MAX_CODE_LEN, MAX_GROUPS, MAX_SELECTORS, MIN_CODE_LEN, MIN_GROUPS } from "./format.ts";
import { HuffmanTables } from "./huffman.ts";

/** Bytes to have loadable before reading a few fields (well above the 37 bytes of the largest run). */
const FIELD_BYTES = 64;

export class BlockTables {
  /** MTF start order: the byte values the block uses, ascending (symbolToByte[0..nInUse)). */
  readonly symbolToByte = new Uint8Array(256);
  nInUse = 0;
  /** nInUse + 2: RUNA, RUNB, MTF positions 1..nInUse-1, EOB. */
  alphaSize = 0;
  nGroups = 0;
  /** The Huffman group of each run of 50 symbols (MTF already undone). */
  readonly selectors = new Uint8Array(MAX_SELECTORS);
  nSelectors = 0;
  readonly huffman = new HuffmanTables();
  private readonly lengths = new Uint8Array(MAX_ALPHA);
  private readonly groupOrder = new Uint8Array(MAX_GROUPS);

  /** Reads the tables of one block; `input` is just past the block header's origPtr field. */
  async read(input: BitReader): Promise<void> {
    await input.ensure(FIELD_BYTES);
    this.readUsedBytes(input);
    const nGroups = input.bits(3);
    if (nGroups < MIN_GROUPS || nGroups > MAX_GROUPS) corrupt(`has a block with ${nGroups} Huffman groups (2..6 allowed)`);
    this.nGroups = nGroups;
    const declared = input.bits(15);
    if (declared < 1) corrupt("has a block with no Huffman group selectors");
    // Each selector takes at most nGroups bits; the whole list is loaded before reading it.
    await input.ensure(Math.ceil((declared * nGroups) / 8) + FIELD_BYTES);
    this.readSelectors(input, declared);
    await this.readCodeLengths(input);
  }

  private readUsedBytes(input: BitReader): void {
    const ranges = input.bits(16);
    let n = 0;
    for (let i = 0; i < 16; i++) {
      if ((ranges & (0x8000 >>> i)) === 0) continue;
      const used = input.bits(16);
      for (let j = 0; j < 16; j++) if (used & (0x8000 >>> j)) this.symbolToByte[n++] = (i << 4) | j;
    }
    if (n === 0) corrupt("has a block that uses no byte values");
    this.nInUse = n;
    this.alphaSize = n + 2;
  }

  private readSelectors(input: BitReader, declared: number): void {
    const order = this.groupOrder;
    const nGroups = this.nGroups;
    for (let g = 0; g < nGroups; g++) order[g] = g;
    const selectors = this.selectors;
    for (let i = 0; i < declared; i++) {
      let j = 0;
      while (input.bit() === 1) {
        if (++j >= nGroups) corrupt(`has a Huffman group selector beyond its ${nGroups} groups`);
      }
      if (i >= MAX_SELECTORS) continue;
      const group = order[j]!;
      for (; j > 0; j--) order[j] = order[j - 1]!;
      order[0] = group;
      selectors[i] = group;
    }
    this.nSelectors = Math.min(declared, MAX_SELECTORS);
  }

  private async readCodeLengths(input: BitReader): Promise<void> {
    const lengths = this.lengths;
    const alphaSize = this.alphaSize;
    for (let t = 0; t < this.nGroups; t++) {
      if (input.end - input.pos < 8) await input.ensure(FIELD_BYTES);
      let len = input.bits(5);
      for (let s = 0; s < alphaSize; s++) {
        for (;;) {
          if (len < MIN_CODE_LEN || len > MAX_CODE_LEN) corrupt(`has a Huffman code length of ${len} (1..20 allowed)`);
          // Four unloaded bytes cover the two bits of a step; refill only when fewer remain.
          if (input.end - input.pos < 4) await input.ensure(FIELD_BYTES);
          if (input.bit() === 0) break;
          len += input.bit() === 0 ? 1 : -1;
        }
        lengths[s] = len;
      }
      this.huffman.build(t, lengths, alphaSize);
    }
  }
}
