/**
 * The state an LZMA decoder carries between symbols: literal/position properties (lc, lp, pb), the
 * adaptive probabilities, the 12-value state machine, the four most recent distances, the range
 * decoder and the dictionary window. LZMA (lzma-decoder.ts) and LZMA2 (lzma2-decoder.ts) share it;
 * they differ only in framing: LZMA2 resets parts of it at chunk boundaries.
 *
 * Probability layout: ONE Uint16Array, each model at a fixed offset (below), so that the hot loop
 * indexes a single array. Sizes follow the LZMA format:
 *  - IS_MATCH, IS_REP0_LONG: per state (12) and position state (2^pb ≤ 16) → 12 × 16
 *  - IS_REP, IS_REP_G0, IS_REP_G1, IS_REP_G2: per state
 *  - POS_SLOT: 6-bit trees, one per length class (lengths 2, 3, 4, 5+)
 *  - SPEC_POS: reverse trees for the low bits of distances with slot 4..13; slot s with
 *    n = (s >> 1) - 1 bits and base b = (2 | (s & 1)) << n uses entries (b - s) + 1 .. (b - s) + 2^n - 1
 *  - ALIGN: the 4-bit reverse tree for the low bits of long distances
 *  - LEN_MATCH, LEN_REP: a length decoder each: choice, choice2, low (16 × 3-bit trees),
 *    mid (16 × 3-bit trees), high (one 8-bit tree)
 *  - LITERAL: 0x300 per literal context, 2^(lc + lp) contexts
 *
 * State machine: 0..6 mean the previous symbol was a literal, 7..11 a match or rep. After a
 * literal: s < 4 → 0, s < 10 → s - 3, else s - 6. After a match: s < 7 → 7 else 10; after a rep
 * match: 8 / 11; after a short rep (one byte at rep0): 9 / 11.
 */
import { ArchiveError } from "../archive-error.ts";
import type { LzWindow } from "./lz-window.ts";
import { PROB_INIT, RangeDecoder } from "./range-decoder.ts";

export interface LzmaProps {
  /** Literal context bits: how many high bits of the previous byte select the literal coder (0..8). */
  lc: number;
  /** Literal position bits (0..4). */
  lp: number;
  /** Position bits for matches (0..4). */
  pb: number;
}

export const STATES = 12;
export const POS_STATES_MAX = 16;
export const IS_MATCH = 0;
export const IS_REP = IS_MATCH + STATES * POS_STATES_MAX; // 192
export const IS_REP_G0 = IS_REP + STATES;
export const IS_REP_G1 = IS_REP_G0 + STATES;
export const IS_REP_G2 = IS_REP_G1 + STATES;
export const IS_REP0_LONG = IS_REP_G2 + STATES; // 240
export const POS_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX; // 432
export const SPEC_POS = POS_SLOT + 4 * 64; // 688
export const ALIGN = SPEC_POS + 115; // 803
export const LEN_MATCH = ALIGN + 16; // 819
/** Offsets inside a length decoder. */
export const LEN_CHOICE = 0;
export const LEN_CHOICE2 = 1;
export const LEN_LOW = 2;
export const LEN_MID = LEN_LOW + POS_STATES_MAX * 8; // 130
export const LEN_HIGH = LEN_MID + POS_STATES_MAX * 8; // 258
export const LEN_CODER_SIZE = LEN_HIGH + 256; // 514
export const LEN_REP = LEN_MATCH + LEN_CODER_SIZE; // 1333
export const LITERAL = LEN_REP + LEN_CODER_SIZE; // 1847
export const LITERAL_CODER_SIZE = 0x300;

/** Shortest match: 2 bytes; longest: 273. */
export const MATCH_LEN_MIN = 2;
export const MATCH_LEN_MAX = 273;

/**
 * The most output the decoders ask of one decodeSymbols call (lzma-symbols.ts). With many short
 * calls the JIT's optimized code is entered at a call; calls of 64-256 KiB made it compile an extra
 * "OSR entry" version and then recompile (3 optimizing compiles, ~135 ms of compiler time, instead
 * of 1): a fresh process decoding 100 MB of CSV-like .xz used ~0.05 s less CPU with 16 KiB (4 KiB
 * measured the same).
 */
export const STEP_OUTPUT = 16 * 1024;

/** Probabilities needed for `lc + lp` literal context bits. */
export function probsLength(lc: number, lp: number): number {
  return LITERAL + (LITERAL_CODER_SIZE << (lc + lp));
}

/** The LZMA properties byte: (pb * 5 + lp) * 9 + lc, below 225. */
export function parsePropsByte(byte: number): LzmaProps {
  if (!(byte >= 0 && byte < 9 * 5 * 5)) throw new ArchiveError("ARCHIVE_CORRUPT", `LZMA properties byte ${byte} is not valid (must be below 225)`);
  const lc = byte % 9;
  const rest = (byte - lc) / 9;
  return { lc, lp: rest % 5, pb: (rest - (rest % 5)) / 5 };
}

export function checkProps(props: LzmaProps, lzma2: boolean): void {
  const { lc, lp, pb } = props;
  const ok = [lc, lp, pb].every(Number.isInteger) && lc >= 0 && lc <= 8 && lp >= 0 && lp <= 4 && pb >= 0 && pb <= 4;
  if (!ok) throw new ArchiveError("ARCHIVE_CORRUPT", `LZMA properties lc=${lc} lp=${lp} pb=${pb} are out of range`);
  if (lzma2 && lc + lp > 4) throw new ArchiveError("ARCHIVE_CORRUPT", `LZMA2 properties lc=${lc} lp=${lp}: lc + lp must not exceed 4`);
}

/** Everything one LZMA decoder carries between symbols (and between calls). */
export class LzmaState {
  lc = 0;
  lp = 0;
  pb = 0;
  probs: Uint16Array;
  /** 0..11, see above. */
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;
  /** Bytes of a match still to copy when the last call stopped at its output limit. */
  pendingLen = 0;
  /** Set when the end-of-payload marker (distance 0xFFFFFFFF) was decoded. */
  sawEndMarker = false;
  /** Input position handed between the symbol loop and its helpers, and where it was when it threw. */
  inPos = 0;
  readonly rc = new RangeDecoder();
  readonly window: LzWindow;

  constructor(window: LzWindow, props: LzmaProps, maxLiteralBits = props.lc + props.lp) {
    this.window = window;
    this.probs = new Uint16Array(probsLength(0, Math.max(maxLiteralBits, props.lc + props.lp)));
    this.setProps(props);
  }

  /** New properties, with a state reset (LZMA2 control ≥ 0xC0). */
  setProps(props: LzmaProps): void {
    const need = probsLength(props.lc, props.lp);
    if (this.probs.length < need) this.probs = new Uint16Array(need);
    this.lc = props.lc;
    this.lp = props.lp;
    this.pb = props.pb;
    this.resetState();
  }

  /** Probabilities to one half, state and distances to 0 (LZMA2 control ≥ 0xA0, and every start). */
  resetState(): void {
    this.probs.fill(PROB_INIT, 0, probsLength(this.lc, this.lp));
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
    this.pendingLen = 0;
    this.sawEndMarker = false;
  }
}
