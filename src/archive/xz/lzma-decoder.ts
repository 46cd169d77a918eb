/**
 * LZMA decoder ("LZMA1"): one range-coded stream with no framing, as 7z (method 03 01 01) and
 * .lzma files hold it. Shares the symbol loop and state with LZMA2 (lzma-symbols.ts, lzma-state.ts).
 *
 * Pull-style API, like zlib's inflate() with explicit buffers:
 *
 *   const dec = new LzmaDecoder({ lc, lp, pb }, dictSize, { outSize });  // caller checked dictSize
 *   dec.decode(input, inPos, inEnd, output, outPos, outEnd, inputEnded);
 *   // dec.inPos: input consumed up to here (it may be buffered inside, see below)
 *   // dec.outPos: output written up to here
 *   // dec.finished: the stream ended and all output was handed over
 *   // dec.unusedInput: bytes taken from input but not part of the stream (after it ended)
 *
 * - One call takes input and produces output until the input is used up, the output is full, or
 *   the stream has finished. Pass inputEnded = true with the last input (or with none): the decoder
 *   then decodes what it holds and throws ARCHIVE_TRUNCATED if the stream is incomplete.
 * - The decoder copies input into a 64 KiB staging buffer, so a symbol is decoded only when it is
 *   wholly buffered (MAX_SYMBOL_INPUT bytes ahead) or the input has ended: no symbol is ever split
 *   across calls, and damage can never make it read past what it was given.
 * - End of the stream: with `outSize` (7z always knows it), after exactly outSize bytes; an end
 *   marker right there is accepted and consumed. Without `outSize`, at the end marker, required.
 * - Damage (a distance beyond the decoded data or the dictionary, a range coder that does not start
 *   with 0 or does not end cleanly, an end marker before outSize) is ARCHIVE_CORRUPT.
 * - lc may be 0..8 here (7-Zip allows it; xz limits lc + lp to 4); lp and pb 0..4.
 */
import { ArchiveError } from "../archive-error.ts";
import { LzWindow } from "./lz-window.ts";
import { checkProps, LzmaState, STEP_OUTPUT, type LzmaProps } from "./lzma-state.ts";
import { decodeSymbols } from "./lzma-symbols.ts";
import { MAX_SYMBOL_INPUT, RC_INIT_BYTES } from "./range-decoder.ts";

const STAGING = 64 * 1024;

export interface LzmaDecoderOptions {
  /** The uncompressed size when known (7z, .lzma with a size); else the stream ends with a marker. */
  outSize?: number;
  /** Allocate a smaller window when the output is known to be smaller than the dictionary. */
  windowSize?: number;
}

export class LzmaDecoder {
  readonly window: LzWindow;
  /** After decode(): input consumed up to here. */
  inPos = 0;
  /** After decode(): output written up to here. */
  outPos = 0;
  private readonly state: LzmaState;
  private readonly outSize: number | undefined;
  private readonly staging = new Uint8Array(STAGING + MAX_SYMBOL_INPUT);
  private bufPos = 0;
  private bufEnd = 0;
  private started = false;
  private ended = false;
  private produced = 0;

  constructor(props: LzmaProps, dictSize: number, options: LzmaDecoderOptions = {}) {
    checkProps(props, false);
    this.outSize = options.outSize;
    const windowBytes = Math.min(dictSize, options.windowSize ?? dictSize, options.outSize ?? dictSize);
    this.window = new LzWindow(windowBytes);
    this.state = new LzmaState(this.window, props);
  }

  /** The stream ended (size reached or end marker) and every decoded byte was handed over. */
  get finished(): boolean {
    return this.ended && this.window.pending === 0;
  }

  /** Bytes taken from the input but not part of the stream (only meaningful once finished). */
  get unusedInput(): number {
    return this.bufEnd - this.bufPos;
  }

  /** Uncompressed bytes decoded so far. */
  get totalOut(): number {
    return this.produced;
  }

  decode(input: Uint8Array, inPos: number, inEnd: number, output: Uint8Array, outPos: number, outEnd: number, inputEnded = false): void {
    const win = this.window;
    const s = this.state;
    for (;;) {
      outPos = win.flush(output, outPos, outEnd);
      if (win.pending > 0 || this.ended) break;
      inPos = this.stage(input, inPos, inEnd);
      const last = inputEnded && inPos === inEnd;
      if (!this.started) {
        if (this.bufEnd - this.bufPos < RC_INIT_BYTES) {
          if (last) throw truncated();
          break;
        }
        this.bufPos = s.rc.init(this.staging, this.bufPos);
        this.started = true;
      }
      const atSize = this.outSize !== undefined && this.produced === this.outSize;
      if (atSize && s.rc.finished) {
        this.ended = true; // no end marker: the range coder ended cleanly right at the size
        break;
      }
      if (outPos >= outEnd && !atSize) break;
      // With all input here, a symbol may start at its very end (the last ones often read nothing).
      const inLimit = last ? this.bufEnd + 1 : this.bufEnd - MAX_SYMBOL_INPUT;
      if (this.bufPos >= inLimit) {
        if (last) throw truncated();
        break; // wait for more input
      }
      // At the size, only an end marker may follow: allow one byte, which a marker does not use.
      let limit = atSize ? win.pos + 1 : win.limit(Math.min(outEnd - outPos, STEP_OUTPUT));
      if (this.outSize !== undefined && !atSize) limit = Math.min(limit, win.pos + (this.outSize - this.produced));
      const before = win.pos;
      try {
        this.bufPos = decodeSymbols(s, this.staging, this.bufPos, inLimit, limit);
      } catch (err) {
        if (last && s.inPos > this.bufEnd) throw truncated(); // decoded from bytes that do not exist
        throw err;
      }
      this.produced += win.pos - before;
      if (this.bufPos > this.bufEnd) throw truncated();
      if (atSize && !s.sawEndMarker) throw corrupt(`the data continues past its declared size of ${this.outSize} bytes`);
      if (s.sawEndMarker) {
        if (this.outSize !== undefined && this.produced !== this.outSize) throw corrupt(`an end marker after ${this.produced} of ${this.outSize} bytes`);
        if (!s.rc.finished) throw corrupt("the range coder does not end cleanly after the end marker");
        this.ended = true;
      }
    }
    this.inPos = inPos;
    this.outPos = outPos;
  }

  /** Moves input into the staging buffer (compacting it first); returns the new input position. */
  private stage(input: Uint8Array, inPos: number, inEnd: number): number {
    const buf = this.staging;
    if (this.bufPos > STAGING / 2 || (this.bufPos > 0 && this.bufEnd - this.bufPos < MAX_SYMBOL_INPUT)) {
      buf.copyWithin(0, this.bufPos, this.bufEnd);
      this.bufEnd -= this.bufPos;
      this.bufPos = 0;
    }
    const take = Math.min(inEnd - inPos, STAGING - this.bufEnd);
    if (take > 0) {
      buf.set(input.subarray(inPos, inPos + take), this.bufEnd);
      this.bufEnd += take;
    }
    return inPos + take;
  }
}

function corrupt(what: string): ArchiveError {
  return new ArchiveError("ARCHIVE_CORRUPT", `LZMA data is corrupt: ${what}`);
}

function truncated(): ArchiveError {
  return new ArchiveError("ARCHIVE_TRUNCATED", "LZMA data ends in the middle of the stream");
}
