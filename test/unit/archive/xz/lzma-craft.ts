/**
 * Test-only LZMA writer: a range ENCODER and a symbol writer that mirror the decoder's model
 * (same probability layout, state machine and distance coding), so tests can write exact symbol
 * sequences no real encoder produces: a match before any data, a distance past the dictionary, an
 * end marker inside LZMA2, a match running past its chunk, a stream with no end marker...
 *
 * It is not a compressor: the caller chooses every symbol. It tracks the bytes its symbols stand
 * for (`out`), so literals after a match are coded as "matched" literals like the decoder expects.
 */
import { ALIGN, IS_MATCH, IS_REP, IS_REP0_LONG, IS_REP_G0, LEN_HIGH, LEN_LOW, LEN_MATCH, LEN_MID, LITERAL, POS_SLOT, probsLength, SPEC_POS } from "../../../../src/archive/xz/lzma-state.ts";

export class RangeEncoder {
  private low = 0; // up to 2^32 + carry, kept in a double
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private readonly bytes: number[] = [];

  bit(probs: Uint16Array, at: number, bit: number): void {
    const p = probs[at]!;
    const bound = Math.floor(this.range / 2048) * p;
    if (bit === 0) {
      this.range = bound;
      probs[at] = p + ((2048 - p) >>> 5);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[at] = p - (p >>> 5);
    }
    this.normalize();
  }

  direct(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range = Math.floor(this.range / 2);
      if ((value >>> i) & 1) this.low += this.range;
      this.normalize();
    }
  }

  /** Flushes and returns the encoded bytes (the first one is always 0). */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return Uint8Array.from(this.bytes);
  }

  private normalize(): void {
    while (this.range < 2 ** 24) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 2 ** 32) {
      const carry = this.low >= 2 ** 32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.bytes.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / 2 ** 24) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % 2 ** 24) * 256;
  }
}

export class LzmaWriter {
  readonly rc = new RangeEncoder();
  readonly out: number[] = [];
  private readonly probs: Uint16Array;
  private state = 0;
  private reps = [0, 0, 0, 0];

  constructor(
    readonly lc = 3,
    readonly lp = 0,
    readonly pb = 2,
  ) {
    this.probs = new Uint16Array(probsLength(lc, lp)).fill(1024);
  }

  /** The properties byte for these lc/lp/pb. */
  get propsByte(): number {
    return (this.pb * 5 + this.lp) * 9 + this.lc;
  }

  private get posState(): number {
    return this.out.length & ((1 << this.pb) - 1);
  }

  literal(byte: number): this {
    const pos = this.out.length;
    this.rc.bit(this.probs, IS_MATCH + (this.state << 4) + this.posState, 0);
    const prev = pos > 0 ? this.out[pos - 1]! : 0;
    const base = LITERAL + 0x300 * (((pos & ((1 << this.lp) - 1)) << this.lc) + (prev >> (8 - this.lc)));
    let sym = 1;
    let matched = this.state >= 7;
    const matchByte = matched ? (this.out[pos - this.reps[0]! - 1] ?? 0) : 0;
    for (let i = 7; i >= 0; i--) {
      const b = (byte >> i) & 1;
      if (matched) {
        const mb = (matchByte >> i) & 1;
        this.rc.bit(this.probs, base + ((1 + mb) << 8) + sym, b);
        matched = mb === b;
      } else {
        this.rc.bit(this.probs, base + sym, b);
      }
      sym = (sym << 1) | b;
    }
    this.state = this.state < 4 ? 0 : this.state < 10 ? this.state - 3 : this.state - 6;
    this.out.push(byte);
    return this;
  }

  text(s: string): this {
    for (const b of new TextEncoder().encode(s)) this.literal(b);
    return this;
  }

  /** A match of `len` bytes at `distance` (1-based) back; distance 2^32 writes the end marker. */
  match(distance: number, len: number): this {
    const posState = this.posState;
    this.rc.bit(this.probs, IS_MATCH + (this.state << 4) + posState, 1);
    this.rc.bit(this.probs, IS_REP + this.state, 0);
    this.length(LEN_MATCH, len, posState);
    const dist = distance - 1;
    const slot = dist < 4 ? dist : 2 * Math.floor(Math.log2(dist)) + (Math.floor(dist / 2 ** (Math.floor(Math.log2(dist)) - 1)) & 1);
    this.tree(POS_SLOT + (Math.min(len - 2, 3) << 6), slot, 6);
    if (slot >= 4) {
      const bits = (slot >>> 1) - 1;
      const base = (2 + (slot & 1)) * 2 ** bits;
      const rest = dist - base;
      if (slot < 14) this.reverseTree(SPEC_POS + base - slot, rest, bits);
      else {
        this.rc.direct(Math.floor(rest / 16), bits - 4);
        this.reverseTree(ALIGN, rest % 16, 4);
      }
    }
    this.reps = [dist, this.reps[0]!, this.reps[1]!, this.reps[2]!];
    this.state = this.state < 7 ? 7 : 10;
    this.copy(dist, len);
    return this;
  }

  endMarker(): this {
    return this.match(2 ** 32, 2);
  }

  /** One byte at the last distance. */
  shortRep(): this {
    const posState = this.posState;
    this.rc.bit(this.probs, IS_MATCH + (this.state << 4) + posState, 1);
    this.rc.bit(this.probs, IS_REP + this.state, 1);
    this.rc.bit(this.probs, IS_REP_G0 + this.state, 0);
    this.rc.bit(this.probs, IS_REP0_LONG + (this.state << 4) + posState, 0);
    this.state = this.state < 7 ? 9 : 11;
    this.copy(this.reps[0]!, 1);
    return this;
  }

  finish(): Uint8Array {
    return this.rc.finish();
  }

  private copy(dist: number, len: number): void {
    for (let i = 0; i < len; i++) this.out.push(this.out[this.out.length - dist - 1] ?? 0);
  }

  private length(base: number, len: number, posState: number): void {
    const l = len - 2;
    if (l < 8) {
      this.rc.bit(this.probs, base, 0);
      this.tree(base + LEN_LOW + (posState << 3), l, 3);
    } else if (l < 16) {
      this.rc.bit(this.probs, base, 1);
      this.rc.bit(this.probs, base + 1, 0);
      this.tree(base + LEN_MID + (posState << 3), l - 8, 3);
    } else {
      this.rc.bit(this.probs, base, 1);
      this.rc.bit(this.probs, base + 1, 1);
      this.tree(base + LEN_HIGH, l - 16, 8);
    }
  }

  private tree(base: number, value: number, bits: number): void {
    let sym = 1;
    for (let i = bits - 1; i >= 0; i--) {
      const b = (value >>> i) & 1;
      this.rc.bit(this.probs, base + sym, b);
      sym = (sym << 1) | b;
    }
  }

  private reverseTree(base: number, value: number, bits: number): void {
    let sym = 1;
    for (let i = 0; i < bits; i++) {
      const b = (value >>> i) & 1;
      this.rc.bit(this.probs, base + sym, b);
      sym = (sym << 1) | b;
    }
  }
}

/** One LZMA2 LZMA chunk with a full reset (control 0xE0) and the writer's properties. */
export function lzma2Chunk(w: LzmaWriter, packed: Uint8Array, unpacked = w.out.length, control = 0xe0): Uint8Array {
  const u = unpacked - 1;
  const p = packed.length - 1;
  const head = [control | ((u >>> 16) & 0x1f), (u >>> 8) & 0xff, u & 0xff, (p >>> 8) & 0xff, p & 0xff];
  if (control >= 0xc0) head.push(w.propsByte);
  return Uint8Array.from([...head, ...packed]);
}
