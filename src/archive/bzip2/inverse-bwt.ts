/**
 * The inverse Burrows-Wheeler transform of one block, walked with several cursors at once.
 *
 * After link(), entry r of `tt` holds its byte (bits 0..7) and the row that follows it in the
 * original order (bits 8..27): following the links from row ptr(origPtr) gives the block's bytes in
 * order, ending at row origPtr. That walk is one long chain of dependent loads over a 3.6 MB array,
 * so a single cursor waits on a cache miss at every byte (measured: ~15 ns per byte, about half of
 * all decoding time). Several cursors started at different rows overlap those misses (16 cursors:
 * ~4 ns per byte).
 *
 * How: row j_k (k = 1..CHAINS-1, evenly spaced) is marked (bit 31) and cursor k starts at the row
 * after it, ptr(j_k); cursor 0 starts at ptr(origPtr) and origPtr is marked as the end. All cursors
 * step in lockstep; a cursor that reads a marked row stops there, and its segment is followed by
 * cursor k's (or is the last one). Each cursor writes its bytes into pages of `pool` taken as
 * needed; block-output.ts reads them back in order: segment 0, then segNext[0]'s, ... up to END.
 *
 * Invariants:
 *  - Memory: tt (the caller's) plus pool (nblock bytes and one page per cursor): 4.5 MB at level 9.
 *  - Same bytes as bzip2's single walk, always. The links always form a permutation (they come from
 *    a counting sort of tt's own bytes) but not always one cycle: a periodic block has one cycle per
 *    period, and a damaged block any number. The cursors stop after nblock steps in all, and unless
 *    their segments chain from cursor 0 to the end covering all nblock bytes, the block is walked
 *    again bzip2's way (walkOne): at most 2 × nblock steps, whatever the input.
 */

/** Bytes per page of the segment pool. */
export const PAGE = 4096;
const CHAINS = 16;
/** Blocks smaller than this fit the caches well enough for one cursor. */
const MIN_MULTI = 1 << 16;
const MARK = 0x80000000 | 0;
/** segNext value of the last segment. */
export const END = -1;

export class InverseBwt {
  /** The block's bytes, in segments of pages (see segHead, segLen, segNext, pageNext). */
  pool = new Uint8Array(0);
  pageNext = new Int32Array(0);
  /** Per cursor: its first page, its length in bytes, and the cursor whose segment comes next. */
  readonly segHead = new Int32Array(CHAINS);
  readonly segLen = new Int32Array(CHAINS);
  readonly segNext = new Int32Array(CHAINS);

  private readonly markRow = new Int32Array(CHAINS);
  private readonly curRow = new Int32Array(CHAINS);
  private readonly curWrite = new Int32Array(CHAINS);
  private readonly curEnd = new Int32Array(CHAINS);
  private readonly curPage = new Int32Array(CHAINS);
  private readonly curId = new Int32Array(CHAINS);
  private readonly starts = new Int32Array(256);

  /**
   * Inverts the BWT of tt[0, nblock) (bytes in bits 0..7; `counts` are their counts) into pool.
   * The caller has checked origPtr < nblock. tt is used up (its links and marks are left in it).
   */
  run(tt: Int32Array, nblock: number, origPtr: number, counts: Int32Array): void {
    this.link(tt, nblock, counts);
    const pages = Math.ceil(nblock / PAGE) + CHAINS;
    if (this.pageNext.length < pages) {
      this.pool = new Uint8Array(pages * PAGE);
      this.pageNext = new Int32Array(pages);
    }
    const chains = nblock >= MIN_MULTI ? CHAINS : 1;
    for (let k = 0; k < chains; k++) {
      let row = origPtr;
      if (k > 0) {
        row = Math.floor((k * nblock) / chains);
        if (row === origPtr) row--; // rows are ≥ 4096 apart: still distinct, still > 0
      }
      this.markRow[k] = row;
      this.curRow[k] = tt[row]! >>> 8;
      this.curId[k] = k;
      this.curPage[k] = k;
      this.curWrite[k] = k * PAGE;
      this.curEnd[k] = (k + 1) * PAGE;
      this.segHead[k] = k;
    }
    for (let k = 0; k < chains; k++) tt[this.markRow[k]!]! |= MARK;
    const ok = this.walk(tt, nblock, chains) && this.inOrder(nblock, chains);
    if (!ok) {
      for (let k = 0; k < chains; k++) tt[this.markRow[k]!]! &= ~MARK;
      this.walkOne(tt, nblock, origPtr);
    }
  }

  /** Counting sort: entry starts[b]++ (the LF mapping of i) gets i as its successor row. */
  private link(tt: Int32Array, nblock: number, counts: Int32Array): void {
    const starts = this.starts;
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      starts[b] = sum;
      sum += counts[b]!;
    }
    for (let i = 0; i < nblock; i++) {
      const b = tt[i]! & 0xff;
      tt[starts[b]!++]! |= i << 8;
    }
  }

  /** The lockstep walk; false when the cursors would take more than nblock steps (several cycles). */
  private walk(tt: Int32Array, nblock: number, chains: number): boolean {
    const pool = this.pool;
    const pageNext = this.pageNext;
    const markRow = this.markRow;
    const curRow = this.curRow;
    const curWrite = this.curWrite;
    const curEnd = this.curEnd;
    const curPage = this.curPage;
    const curId = this.curId;
    let nextPage = chains;
    let active = chains;
    let steps = 0;
    for (let round = 1; active > 0; round++) {
      steps += active;
      if (steps > nblock) return false;
      for (let a = 0; a < active; a++) {
        const row = curRow[a]!;
        const v = tt[row]!;
        let w = curWrite[a]!;
        if (w === curEnd[a]) {
          const page = nextPage++;
          pageNext[curPage[a]!] = page;
          curPage[a] = page;
          w = page * PAGE;
          curEnd[a] = w + PAGE;
        }
        pool[w] = v;
        curWrite[a] = w + 1;
        if (v >= 0) {
          curRow[a] = v >>> 8;
          continue;
        }
        // A marked row: this cursor's segment ends here; cursor k's starts after it.
        let k = 0;
        while (k < chains && markRow[k] !== row) k++;
        if (k === chains) return false; // cannot happen with links from link(); never loop on it
        const id = curId[a]!;
        this.segNext[id] = k === 0 ? END : k;
        this.segLen[id] = round;
        active--;
        curRow[a] = curRow[active]!;
        curWrite[a] = curWrite[active]!;
        curEnd[a] = curEnd[active]!;
        curPage[a] = curPage[active]!;
        curId[a] = curId[active]!;
        a--;
      }
    }
    return true;
  }

  /** The segments chain from cursor 0 to END through every cursor, nblock bytes in all. */
  private inOrder(nblock: number, chains: number): boolean {
    let bytes = 0;
    let k = 0;
    for (let n = 0; n < chains && k !== END; n++) {
      bytes += this.segLen[k]!;
      k = this.segNext[k]!;
    }
    return k === END && bytes === nblock;
  }

  /**
   * What bzip2 does: nblock steps of one cursor from ptr(origPtr), into one segment. Used when the
   * links are several cycles: a periodic block (RLE1 output "ab" × n, or the 5-byte unit of a long
   * run of zeros) legitimately has one cycle per period, which this walk goes round and round; a
   * damaged block gives wrong bytes here, and the block CRC says so.
   */
  private walkOne(tt: Int32Array, nblock: number, origPtr: number): void {
    const pool = this.pool;
    let row = tt[origPtr]! >>> 8;
    for (let i = 0; i < nblock; i++) {
      const v = tt[row]!;
      pool[i] = v;
      row = v >>> 8;
    }
    const pages = Math.ceil(nblock / PAGE);
    for (let p = 0; p < pages; p++) this.pageNext[p] = p + 1;
    this.segHead[0] = 0;
    this.segLen[0] = nblock;
    this.segNext[0] = END;
  }
}
