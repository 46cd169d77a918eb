/**
 * The low bits of an LZMA match distance, for position slots 4..63 (slots 0..3 are the distance
 * itself). Out of the symbol loop (lzma-symbols.ts) to keep that function small enough for the JIT to
 * compile quickly; it runs once per match, not per bit, so the hand-over costs little.
 *
 * A slot s ≥ 4 has n = (s >> 1) - 1 low bits under the base (2 | (s & 1)) << n:
 *  - slots 4..13: the n bits come from a reverse bit tree of their own (SPEC_POS + base - s);
 *  - slots 14..63: n - 4 direct bits (probability 1/2), then 4 bits from the ALIGN reverse tree.
 * Slot 63 with every bit set is 0xFFFFFFFF, the end-of-payload marker; it comes back as -1 (int32).
 *
 * Hand-over: range and code in s.rc (code as documented in range-decoder.ts), the input position in
 * s.inPos; all three are read at entry and written back before returning. Same inline bit
 * arithmetic as the symbol loop.
 */
import { ALIGN, SPEC_POS, type LzmaState } from "./lzma-state.ts";

const SIGN = 0x80000000 | 0;

/** The distance - 1 (rep0) for slot ≥ 4, as an int32 (-1 is the end marker). */
export function decodeDistance(s: LzmaState, slot: number, input: Uint8Array): number {
  const probs = s.probs;
  let range = s.rc.range;
  let code = s.rc.code;
  let inPos = s.inPos;
  const bits = (slot >>> 1) - 1;
  let dist = (2 | (slot & 1)) << bits;
  let treeBase: number;
  let treeBits: number;
  if (slot < 14) {
    treeBase = SPEC_POS + dist - slot;
    treeBits = bits;
  } else {
    let direct = 0;
    for (let i = bits - 4; i > 0; i--) {
      range >>>= 1;
      code = (code - range) | 0;
      const t = code >> 31; // -1: the bit is 0, and code gets range back
      code = (code + (range & t)) | 0;
      direct = (direct << 1) + t + 1;
      if (range >>> 24 === 0) {
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
    }
    dist |= direct << 4;
    treeBase = ALIGN;
    treeBits = 4;
  }
  // Reverse bit tree: the first bit decoded is the lowest.
  let sym = 1;
  for (let i = 0; i < treeBits; i++) {
    const p = treeBase + sym;
    const prob = probs[p]!;
    const bound = Math.imul(range >>> 11, prob);
    if ((code ^ SIGN) < (bound ^ SIGN)) {
      range = bound;
      probs[p] = prob + ((2048 - prob) >> 5);
      sym <<= 1;
    } else {
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      probs[p] = prob - (prob >> 5);
      sym = (sym << 1) | 1;
      dist |= 1 << i;
    }
    if (range >>> 24 === 0) {
      range <<= 8;
      code = (code << 8) | input[inPos++]!;
    }
  }
  s.rc.range = range;
  s.rc.code = code;
  s.inPos = inPos;
  return dist;
}
