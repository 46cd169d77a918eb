/**
 * A deliberately naive bzip2 writer for tests: RLE1, a BWT by sorting rotations, MTF/RLE2, and
 * flat Huffman tables (every symbol the same length), with knobs to write what no encoder writes
 * (bad counts, out-of-range lengths, extra selectors, oscillating length deltas, wrong CRCs...).
 * For small blocks only (the BWT is quadratic). Valid output is checked against `bzip2 -dc`.
 * Its CRC is computed bit by bit, independently of src/archive/bzip2/crc32.ts.
 */

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  bits(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) & 1);
  }

  bit(b: number): void {
    this.acc = (this.acc << 1) | (b & 1);
    if (++this.n === 8) {
      this.bytes.push(this.acc);
      this.acc = 0;
      this.n = 0;
    }
  }

  finish(): Uint8Array {
    while (this.n !== 0) this.bit(0);
    return new Uint8Array(this.bytes);
  }
}

/** bzip2's CRC-32 of `data`, one bit at a time (uint32). */
export function referenceCrc(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  }
  return ~crc >>> 0;
}

export interface BlockSpec {
  /** The block's bytes (before RLE1). */
  data: Uint8Array;
  /** Stored block CRC (default: the right one). */
  crc?: number;
  randomised?: boolean;
  /** Stored BWT origin (default: the right one). */
  origPtr?: number;
  /** Write an empty used-bytes map. */
  noBytesUsed?: boolean;
  /** Number of Huffman groups (default 2; all tables are the same flat code). */
  nGroups?: number;
  /** Declared selector count (default: exactly enough for the symbols); extra ones are written as group 0. */
  nSelectors?: number;
  /** Unary MTF value written for the first selector (default 0). */
  firstSelector?: number;
  /** Start length of every table (default: the flat code's length). */
  startLength?: number;
  /** Extra (+1, −1) delta pairs written before every symbol's length (default 0). */
  lengthWobble?: number;
  /** Symbols to write instead of the encoded data (EOB is appended). */
  symbols?: number[];
}

export interface StreamSpec {
  level?: number;
  blocks: BlockSpec[];
  /** Stored stream CRC (default: the right one). */
  streamCrc?: number;
}

export function craftStream(spec: StreamSpec): Uint8Array {
  const w = new BitWriter();
  for (const c of "BZh") w.bits(c.charCodeAt(0), 8);
  w.bits(0x30 + (spec.level ?? 9), 8);
  let combined = 0;
  for (const block of spec.blocks) {
    const crc = referenceCrc(block.data);
    combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
    writeBlock(w, block, crc);
  }
  w.bits(0x177245, 24);
  w.bits(0x385090, 24);
  w.bits(spec.streamCrc ?? combined, 32);
  return w.finish();
}

function writeBlock(w: BitWriter, spec: BlockSpec, crc: number): void {
  const rle = rle1(spec.data);
  const { last, origPtr } = naiveBwt(rle);
  const used = [...new Set(rle)].sort((a, b) => a - b);
  const symbols = spec.symbols ?? mtfRle2(last, used);
  const alphaSize = used.length + 2;
  symbols.push(alphaSize - 1);
  const codeLen = Math.max(1, Math.ceil(Math.log2(alphaSize)));

  w.bits(0x314159, 24);
  w.bits(0x265359, 24);
  w.bits(spec.crc ?? crc, 32);
  w.bit(spec.randomised ? 1 : 0);
  w.bits(spec.origPtr ?? origPtr, 24);

  const inUse = new Set(spec.noBytesUsed ? [] : used);
  let ranges = 0;
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) if (inUse.has(i * 16 + j)) ranges |= 0x8000 >>> i;
  w.bits(ranges, 16);
  for (let i = 0; i < 16; i++) {
    if (!(ranges & (0x8000 >>> i))) continue;
    let bits = 0;
    for (let j = 0; j < 16; j++) if (inUse.has(i * 16 + j)) bits |= 0x8000 >>> j;
    w.bits(bits, 16);
  }

  const nGroups = spec.nGroups ?? 2;
  const nSelectors = spec.nSelectors ?? Math.ceil(symbols.length / 50);
  w.bits(nGroups, 3);
  w.bits(nSelectors, 15);
  for (let i = 0; i < nSelectors; i++) {
    const j = i === 0 ? (spec.firstSelector ?? 0) : 0;
    for (let k = 0; k < j; k++) w.bit(1);
    w.bit(0);
  }
  for (let t = 0; t < nGroups; t++) {
    w.bits(spec.startLength ?? codeLen, 5);
    for (let s = 0; s < alphaSize; s++) {
      for (let k = 0; k < (spec.lengthWobble ?? 0); k++) w.bits(0b1011, 4); // +1 then −1
      w.bit(0);
    }
  }
  for (const s of symbols) w.bits(s, codeLen); // flat canonical code: symbol s has code s
}

/** bzip2's initial run-length encoding: 4..255 equal bytes → 4 bytes and a count of the rest. */
function rle1(data: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 255 && data[i + run] === data[i]) run++;
    for (let k = 0; k < Math.min(run, 4); k++) out.push(data[i]!);
    if (run >= 4) out.push(run - 4);
    i += run;
  }
  return out;
}

/** BWT by sorting all rotations: the last column and the row of the unrotated block. */
export function naiveBwt(block: number[]): { last: number[]; origPtr: number } {
  const n = block.length;
  const rows = Array.from({ length: n }, (_, i) => i);
  rows.sort((a, b) => {
    for (let k = 0; k < n; k++) {
      const d = block[(a + k) % n]! - block[(b + k) % n]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  return { last: rows.map((r) => block[(r + n - 1) % n]!), origPtr: rows.indexOf(0) };
}

/** MTF over the used bytes, zero runs as RUNA/RUNB (bijective base 2), others as position + 1. */
function mtfRle2(last: number[], used: number[]): number[] {
  const list = used.slice();
  const out: number[] = [];
  let zeros = 0;
  const flush = () => {
    if (zeros === 0) return;
    let n = zeros - 1;
    for (;;) {
      out.push(n & 1); // RUNB (1) for odd, RUNA (0) for even
      if (n < 2) break;
      n = (n - 2) >> 1;
    }
    zeros = 0;
  };
  for (const b of last) {
    const i = list.indexOf(b);
    if (i === 0) {
      zeros++;
      continue;
    }
    flush();
    list.splice(i, 1);
    list.unshift(b);
    out.push(i + 1);
  }
  flush();
  return out;
}
