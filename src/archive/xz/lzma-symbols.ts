/**
 * The LZMA symbol loop: literals, matches, rep matches and short reps, decoded into the window.
 * This is the hot path of every .xz/.7z/.lzma byte; it is written for the JIT, not for reading:
 *  - range, code, input position, window position, state and the four distances live in locals for
 *    the whole call and are written back once at the end;
 *  - every bit is decoded inline (range-decoder.ts describes the arithmetic: int32 values, unsigned
 *    compares by flipping the sign bit, eager normalization);
 *  - matches of up to 32 bytes are copied by a byte loop in place, longer ones through copyMatch
 *    (lz-window.ts: copyWithin / fill);
 *  - the distance bits are decoded here too: a helper taking range, code and position through the
 *    state cost 4-7% of the time (CSV-like data: mostly matches with long distances). The literal
 *    tree is a loop: unrolled, it measured no faster.
 *
 * Contract of decodeSymbols(s, input, inPos, inLimit, outLimit):
 *  - decodes whole symbols while window.pos < outLimit and inPos < inLimit; returns the new inPos.
 *    outLimit ≤ window.size (the caller flushes and wraps the window between calls).
 *  - A symbol started below inLimit may read up to MAX_SYMBOL_INPUT bytes past it; the caller
 *    either stops MAX_SYMBOL_INPUT short of the bytes it has (streaming), or, holding all of the
 *    data (end = its length), passes inLimit = end + 1 — the last symbols of a run often read no new
 *    byte, so one may start at `end` — and keeps MAX_SYMBOL_INPUT readable bytes after `end`. A
 *    result > end means the data ran out mid-symbol (damage or truncation).
 *  - A match cut by outLimit leaves its remaining length in s.pendingLen; the next call copies it
 *    first. The end-of-payload marker sets s.sawEndMarker and stops the loop.
 *  - Damage that would make the decoder read outside what was decoded (a distance reaching before
 *    the first byte, or past the dictionary) throws ARCHIVE_CORRUPT, with s.inPos set (a
 *    streaming caller whose input had ended turns it into ARCHIVE_TRUNCATED when that is past the
 *    end: the symbol was decoded from bytes that do not exist). Nothing else can go out of
 *    bounds: probabilities are indexed by values the code bounds, and the window by pos < outLimit.
 */
import { ArchiveError } from "../archive-error.ts";
import { copyMatch } from "./lz-window.ts";
import { ALIGN, IS_MATCH, IS_REP, IS_REP0_LONG, IS_REP_G0, IS_REP_G1, IS_REP_G2, LEN_HIGH, LEN_LOW, LEN_MATCH, LEN_MID, LEN_REP, LITERAL, POS_SLOT, SPEC_POS, type LzmaState } from "./lzma-state.ts";

const SIGN = 0x80000000 | 0;

export function decodeSymbols(s: LzmaState, input: Uint8Array, inPos: number, inLimit: number, outLimit: number): number {
  const win = s.window;
  const dict = win.buf;
  const dictSize = win.size;
  const full = win.full;
  let pos = win.pos;
  let rep0 = s.rep0;
  if (s.pendingLen > 0) {
    const n = Math.min(s.pendingLen, outLimit - pos);
    const src = pos - rep0 - 1;
    pos = copyMatch(dict, dictSize, pos, src < 0 ? src + dictSize : src, rep0, n);
    s.pendingLen -= n;
  }
  let rep1 = s.rep1;
  let rep2 = s.rep2;
  let rep3 = s.rep3;
  let state = s.state;
  let range = s.rc.range;
  let code = s.rc.code ^ SIGN; // kept with its sign bit flipped: compares need one XOR less
  const probs = s.probs;
  const pbMask = (1 << s.pb) - 1;
  const lpMask = (1 << s.lp) - 1;
  const lc = s.lc;
  const lcShift = 8 - lc;
  let prevByte = pos > 0 ? dict[pos - 1]! : full ? dict[dictSize - 1]! : 0;
  let p = 0, prob = 0, bound = 0, sym = 0;

  while (pos < outLimit && inPos < inLimit) {
    const posState = pos & pbMask;
    p = IS_MATCH + (state << 4) + posState; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
    if (code < (bound ^ SIGN)) {
      // ---- literal ----
      range = bound;
      probs[p] = prob + ((2048 - prob) >> 5);
      if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      const base = LITERAL + 0x300 * (((pos & lpMask) << lc) + (prevByte >>> lcShift));
      sym = 1;
      if (state < 7) {
        do {
          p = base + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
          if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; }
          else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; }
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
        } while (sym < 0x100);
        state = state < 4 ? 0 : state - 3;
      } else {
        // "Matched" literal: the byte at rep0 steers the probabilities until the first differing bit.
        let src = pos - rep0 - 1;
        if (src < 0) src += dictSize;
        let matchByte = dict[src]!;
        do {
          const matchBit = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          p = base + ((1 + matchBit) << 8) + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
          let bit: number;
          if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; bit = 0; }
          else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; bit = 1; }
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
          if (matchBit !== bit) {
            while (sym < 0x100) {
              p = base + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
              if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; }
              else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; }
              if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
            }
            break;
          }
        } while (sym < 0x100);
        state = state < 10 ? state - 3 : state - 6;
      }
      prevByte = sym & 0xff;
      dict[pos++] = prevByte;
      continue;
    }
    range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
    if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }

    // ---- match or rep: which kind, and its distance for reps ----
    let lenBase: number, isMatch: boolean;
    p = IS_REP + state; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
    if (code < (bound ^ SIGN)) {
      range = bound; probs[p] = prob + ((2048 - prob) >> 5);
      if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      isMatch = true; lenBase = LEN_MATCH;
    } else {
      range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
      if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      isMatch = false; lenBase = LEN_REP;
      p = IS_REP_G0 + state; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
      if (code < (bound ^ SIGN)) {
        range = bound; probs[p] = prob + ((2048 - prob) >> 5);
        if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
        p = IS_REP0_LONG + (state << 4) + posState; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
        if (code < (bound ^ SIGN)) {
          // ---- short rep: one byte at rep0 ----
          range = bound; probs[p] = prob + ((2048 - prob) >> 5);
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
          if (rep0 < 0 || rep0 >= (full ? dictSize : pos)) throw badDistance(s, inPos, rep0, full ? dictSize : pos);
          state = state < 7 ? 9 : 11;
          let src = pos - rep0 - 1;
          if (src < 0) src += dictSize;
          prevByte = dict[src]!;
          dict[pos++] = prevByte;
          continue;
        }
        range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
        if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      } else {
        range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
        if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
        let dist: number;
        p = IS_REP_G1 + state; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
        if (code < (bound ^ SIGN)) {
          range = bound; probs[p] = prob + ((2048 - prob) >> 5);
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
          dist = rep1;
        } else {
          range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
          p = IS_REP_G2 + state; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
          if (code < (bound ^ SIGN)) {
            range = bound; probs[p] = prob + ((2048 - prob) >> 5);
            dist = rep2;
          } else {
            range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
            dist = rep3;
            rep3 = rep2;
          }
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      state = state < 7 ? 8 : 11;
    }

    // ---- length: choice bits pick a 3-bit low/mid tree (per posState) or the 8-bit high tree ----
    let treeBase: number, treeEnd: number, len: number;
    p = lenBase; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
    if (code < (bound ^ SIGN)) {
      range = bound; probs[p] = prob + ((2048 - prob) >> 5);
      treeBase = lenBase + LEN_LOW + (posState << 3); treeEnd = 8; len = 2 - 8;
    } else {
      range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
      if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      p = lenBase + 1; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
      if (code < (bound ^ SIGN)) {
        range = bound; probs[p] = prob + ((2048 - prob) >> 5);
        treeBase = lenBase + LEN_MID + (posState << 3); treeEnd = 8; len = 10 - 8;
      } else {
        range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5);
        treeBase = lenBase + LEN_HIGH; treeEnd = 256; len = 18 - 256;
      }
    }
    if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
    sym = 1;
    do {
      p = treeBase + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
      if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; }
      else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; }
      if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
    } while (sym < treeEnd);
    len += sym;

    if (isMatch) {
      // ---- distance: 6-bit slot by length class, then reverse-tree or direct + aligned low bits ----
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      state = state < 7 ? 7 : 10;
      treeBase = POS_SLOT + ((len < 6 ? len - 2 : 3) << 6);
      sym = 1;
      do {
        p = treeBase + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
        if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; }
        else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; }
        if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
      } while (sym < 64);
      const slot = sym - 64;
      if (slot < 4) {
        rep0 = slot;
      } else {
        // Slot s ≥ 4: n = (s >> 1) - 1 low bits under the base (2 | (s & 1)) << n. Slots 4..13 take
        // them from a reverse tree of their own; 14..63 as n - 4 direct bits (probability 1/2) and
        // 4 from the ALIGN reverse tree. All 32 bits set (-1) is the end-of-payload marker.
        const bits = (slot >>> 1) - 1;
        let dist = (2 | (slot & 1)) << bits;
        let revBase = SPEC_POS + dist - slot;
        let revBits = bits;
        if (slot >= 14) {
          code ^= SIGN; // the direct-bit trick reads the sign of the true code
          let direct = 0;
          for (let i = bits - 4; i > 0; i--) {
            range >>>= 1;
            code = (code - range) | 0;
            const t = code >> 31; // -1: the bit is 0, and code gets range back
            code = (code + (range & t)) | 0;
            direct = (direct << 1) + t + 1;
            if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]!; }
          }
          code ^= SIGN;
          dist |= direct << 4;
          revBase = ALIGN;
          revBits = 4;
        }
        sym = 1; // reverse tree: the first bit decoded is the lowest
        for (let i = 0; i < revBits; i++) {
          p = revBase + sym; prob = probs[p]!; bound = Math.imul(range >>> 11, prob);
          if (code < (bound ^ SIGN)) { range = bound; probs[p] = prob + ((2048 - prob) >> 5); sym <<= 1; }
          else { range = (range - bound) | 0; code = (code - bound) | 0; probs[p] = prob - (prob >> 5); sym = (sym << 1) | 1; dist |= 1 << i; }
          if (range >>> 24 === 0) { range <<= 8; code = ((code << 8) | input[inPos++]!) ^ SIGN; }
        }
        rep0 = dist;
        if (rep0 === -1) {
          s.sawEndMarker = true;
          break;
        }
      }
    }

    // ---- copy len bytes from distance rep0 + 1 ----
    const available = full ? dictSize : pos;
    if (rep0 < 0 || rep0 >= available) throw badDistance(s, inPos, rep0, available);
    let n = len;
    const room = outLimit - pos;
    if (n > room) {
      s.pendingLen = n - room;
      n = room;
    }
    let src = pos - rep0 - 1;
    if (src < 0) src += dictSize; // behind the wrap point: the end of the buffer holds it
    if (n <= 32 && src + n <= dictSize) {
      // Forward byte copy: right for overlapping sources too (a short distance repeats itself).
      for (let i = 0; i < n; i++) dict[pos + i] = dict[src + i]!;
      pos += n;
    } else {
      pos = copyMatch(dict, dictSize, pos, src, rep0, n);
    }
    prevByte = dict[pos - 1]!;
  }

  win.pos = pos;
  s.state = state;
  s.rep0 = rep0;
  s.rep1 = rep1;
  s.rep2 = rep2;
  s.rep3 = rep3;
  s.rc.range = range;
  s.rc.code = code ^ SIGN;
  return inPos;
}

/** The error for a distance outside the history; records where input reading had got to. */
function badDistance(s: LzmaState, inPos: number, rep0: number, available: number): ArchiveError {
  s.inPos = inPos;
  const distance = (rep0 >>> 0) + 1;
  return new ArchiveError("ARCHIVE_CORRUPT", `LZMA data is corrupt: a match reaches ${distance} bytes back with only ${available} bytes of history`, {
    distance,
    available,
  });
}
