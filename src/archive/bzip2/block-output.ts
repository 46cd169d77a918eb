/**
 * The second half of a block: inverse BWT (inverse-bwt.ts), then the initial run-length encoding
 * undone (RLE1: four equal bytes are followed by a count 0..255 of further copies), into output
 * chunks, with the block CRC folded in as bytes are written.
 *
 * Invariants:
 *  - fill() stops when the chunk is full and resumes where it stopped, even inside an RLE1 run of
 *    up to 255 copies: output memory is the caller's chunk, whatever the expansion (up to ~51×).
 *  - The block's bytes are read in order from the inverse BWT's segments (each a list of pages),
 *    exactly nblock of them.
 *  - The RLE1 state starts fresh with each block (bzip2 ends every run inside its block).
 */
import { CRC_INIT, crcUpdate } from "./crc32.ts";
import { END, InverseBwt, PAGE } from "./inverse-bwt.ts";

/** Runs shorter than this are copied byte by byte (fill() has a call cost). */
const FILL_MIN = 16;

export class BlockOutput {
  /** The running CRC register of the block's output so far (crc32.ts). */
  crc = CRC_INIT;

  private readonly bwt = new InverseBwt();
  /** The segment being read, its bytes not yet in [src, srcEnd), and its current page. */
  private seg = END;
  private segLeft = 0;
  private page = 0;
  private src = 0;
  private srcEnd = 0;
  private last = -1;
  /** How many equal bytes in a row were just written (4: the next byte is a run count). */
  private rep = 0;
  /** Copies of `last` still owed from a run count, when a chunk filled up in the middle of one. */
  private runLeft = 0;

  /** True when every byte of the block has been written. */
  get done(): boolean {
    if (this.runLeft !== 0 || this.src !== this.srcEnd || this.segLeft !== 0) return false;
    return this.seg === END || this.bwt.segNext[this.seg] === END;
  }

  /**
   * Prepares block output from tt[0, nblock) (bytes in bits 0..7, as block-decoder.ts left them;
   * `counts` their counts); the caller has checked origPtr < nblock.
   */
  start(tt: Int32Array, nblock: number, origPtr: number, counts: Int32Array): void {
    this.bwt.run(tt, nblock, origPtr, counts);
    this.seg = 0;
    this.page = this.bwt.segHead[0]!;
    this.segLeft = this.bwt.segLen[0]!;
    this.src = this.srcEnd = 0;
    this.last = -1;
    this.rep = 0;
    this.runLeft = 0;
    this.crc = CRC_INIT;
    this.nextRange();
  }

  /** Writes the block's next bytes into out[o, outEnd); returns the index after the last one written. */
  fill(out: Uint8Array, o: number, outEnd: number): number {
    const from = o;
    const pool = this.bwt.pool;
    let last = this.last;
    let rep = this.rep;
    let runLeft = this.runLeft;

    for (;;) {
      if (runLeft > 0) {
        const n = Math.min(runLeft, outEnd - o);
        out.fill(last, o, o + n);
        o += n;
        runLeft -= n;
        if (runLeft > 0) break;
      }
      let src = this.src;
      // One output byte per input byte, except run counts (which recompute the stop).
      let stop = Math.min(this.srcEnd, src + (outEnd - o));
      while (src < stop) {
        const b = pool[src++]!;
        if (rep === 4) {
          // b is the count of further copies of `last`.
          rep = 0;
          if (b < FILL_MIN && b <= outEnd - o) {
            for (let k = 0; k < b; k++) out[o++] = last;
            stop = Math.min(this.srcEnd, src + (outEnd - o));
            continue;
          }
          runLeft = b;
          break;
        }
        if (b === last) rep++;
        else {
          last = b;
          rep = 1;
        }
        out[o++] = b;
      }
      this.src = src;
      if (runLeft > 0) continue;
      if (o === outEnd || (src === this.srcEnd && !this.nextRange())) break;
    }

    this.last = last;
    this.rep = rep;
    this.runLeft = runLeft;
    this.crc = crcUpdate(this.crc, out, from, o);
    return o;
  }

  /** Moves [src, srcEnd) to the next page of the block's bytes; false at the end of the block. */
  private nextRange(): boolean {
    const bwt = this.bwt;
    if (this.segLeft === 0) {
      const next = this.seg === END ? END : bwt.segNext[this.seg]!;
      this.seg = next;
      if (next === END) return false;
      this.page = bwt.segHead[next]!;
      this.segLeft = bwt.segLen[next]!;
    }
    const n = Math.min(PAGE, this.segLeft);
    this.src = this.page * PAGE;
    this.srcEnd = this.src + n;
    this.segLeft -= n;
    this.page = bwt.pageNext[this.page]!; // stale after a segment's last page, and then unused
    return true;
  }
}
