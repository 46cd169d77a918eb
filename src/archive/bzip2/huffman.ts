/**
 * The Huffman tables of one bzip2 block (2..6 of them, one per group), built for table-driven
 * decoding: a code of up to PRIMARY_BITS bits is resolved by one lookup of the next PRIMARY_BITS
 * bits; longer codes (rare: bzip2 writes up to 17 bits, accepts up to 20) take decodeLong().
 *
 * Codes are canonical, as bzip2 assigns them: by length, then by symbol value, counting up.
 *
 * Invariants:
 *  - lookup[(t << PRIMARY_BITS) + next bits] is (symbol << 5) | length for codes of length ≤
 *    PRIMARY_BITS, and 0 when the prefix starts a longer code or no code at all (an incomplete
 *    table): both go to decodeLong(), which answers -1 for a bit pattern that is no code.
 *  - An over-subscribed table (lengths that cannot form a prefix code) is not built: it is marked
 *    `bad`, and the decoder refuses a block only when a selector actually uses it. (bzip2 decodes
 *    such tables in its own undefined way; no encoder writes them.)
 *  - All arrays are allocated once per decoder and rebuilt in place per block.
 */
import { MAX_ALPHA, MAX_CODE_LEN, MAX_GROUPS } from "./format.ts";

export const PRIMARY_BITS = 10;
const PRIMARY_SIZE = 1 << PRIMARY_BITS;
/** Per-table stride of the per-length arrays (index = length, 0..MAX_CODE_LEN). */
const LEN_STRIDE = MAX_CODE_LEN + 1;

export class HuffmanTables {
  /** Primary lookup, PRIMARY_SIZE entries per table. */
  readonly lookup = new Uint16Array(MAX_GROUPS * PRIMARY_SIZE);
  /** 1 for a table whose lengths are over-subscribed. */
  readonly bad = new Uint8Array(MAX_GROUPS);
  /** Per table and length L: the largest L-bit code of length L (−1 if none, as codes are ≥ 0). */
  private readonly limit = new Int32Array(MAX_GROUPS * LEN_STRIDE);
  /** Per table and length L: index in `perm` of the symbol with code c is c + offset[L]. */
  private readonly offset = new Int32Array(MAX_GROUPS * LEN_STRIDE);
  /** Per table: symbols sorted by (length, symbol). */
  private readonly perm = new Uint16Array(MAX_GROUPS * MAX_ALPHA);
  private readonly maxLen = new Uint8Array(MAX_GROUPS);
  private readonly count = new Int32Array(LEN_STRIDE);
  private readonly nextCode = new Int32Array(LEN_STRIDE);

  /** Builds table `t` from the code lengths of its `alphaSize` symbols (each 1..MAX_CODE_LEN). */
  build(t: number, lengths: Uint8Array, alphaSize: number): void {
    const count = this.count;
    count.fill(0);
    let maxLen = 0;
    for (let s = 0; s < alphaSize; s++) {
      const len = lengths[s]!;
      count[len]!++;
      if (len > maxLen) maxLen = len;
    }
    const lb = t * LEN_STRIDE;
    const nextCode = this.nextCode;
    let code = 0;
    let index = 0;
    let oversubscribed = false;
    for (let len = 1; len <= MAX_CODE_LEN; len++) {
      const n = count[len]!;
      nextCode[len] = code;
      this.offset[lb + len] = index - code;
      this.limit[lb + len] = code + n - 1;
      code += n;
      index += n;
      if (code > 1 << len) oversubscribed = true;
      code <<= 1;
    }
    this.maxLen[t] = maxLen;
    this.bad[t] = oversubscribed ? 1 : 0;
    const lookup = this.lookup;
    const pb = t << PRIMARY_BITS;
    lookup.fill(0, pb, pb + PRIMARY_SIZE);
    if (oversubscribed) return;

    const perm = this.perm;
    const permBase = t * MAX_ALPHA;
    for (let s = 0; s < alphaSize; s++) {
      const len = lengths[s]!;
      const c = nextCode[len]!++;
      perm[permBase + c + this.offset[lb + len]!] = s;
      if (len <= PRIMARY_BITS) {
        const shift = PRIMARY_BITS - len;
        const from = pb + (c << shift);
        lookup.fill((s << 5) | len, from, from + (1 << shift));
      }
    }
  }

  /**
   * Decodes a code longer than PRIMARY_BITS from the register (`bitCount` ≥ 20 valid bits in the low
   * bits of `bitBuf`). Returns (symbol << 5) | length, or −1 when the bits are no code of table t.
   */
  decodeLong(t: number, bitBuf: number, bitCount: number): number {
    const lb = t * LEN_STRIDE;
    const maxLen = this.maxLen[t]!;
    for (let len = PRIMARY_BITS + 1; len <= maxLen; len++) {
      const c = (bitBuf >>> (bitCount - len)) & ((1 << len) - 1);
      if (c <= this.limit[lb + len]!) return (this.perm[t * MAX_ALPHA + c + this.offset[lb + len]!]! << 5) | len;
    }
    return -1;
  }
}
