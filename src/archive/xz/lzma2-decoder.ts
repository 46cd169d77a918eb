/**
 * LZMA2 decoder: the chunked framing around LZMA used by .xz (filter 0x21) and 7z (method 21).
 *
 * Pull-style API, like zlib's inflate() with explicit buffers:
 *
 *   const dec = new Lzma2Decoder(dictSize);           // caller checked dictSize against its limit
 *   dec.decode(input, inPos, inEnd, output, outPos, outEnd);
 *   // dec.inPos: input consumed up to here; dec.outPos: output written up to here
 *   // dec.finished: the end marker (control byte 0x00) was read and all output handed over
 *
 * One call consumes input and produces output until the input is used up, the output is full, or
 * the stream has finished. Input bytes after the end marker are never consumed, so a container can
 * read what follows (xz: block padding and check). The caller keeps calling with more input while
 * `inPos === inEnd && !finished`; input that ends there means the stream was truncated. Output
 * bytes are the caller's to keep; the decoder never writes to `output` outside [outPos, outEnd).
 *
 * Format (each chunk starts with a control byte):
 *   0x00                end of the LZMA2 stream
 *   0x01 / 0x02         uncompressed chunk, with / without a dictionary reset; then a 16-bit
 *                       big-endian size - 1, then the bytes (≤ 64 KiB)
 *   0x80..0xFF          LZMA chunk; bits 0-4 are bits 16-20 of the unpacked size - 1, bits 5-6 say
 *                       what resets: 0 nothing, 1 state, 2 state + new properties, 3 all of that +
 *                       dictionary. Then unpacked size - 1 (16 bits), packed size - 1 (16 bits), the
 *                       properties byte when bits 5-6 ≥ 2, and the packed bytes: a fresh range coder run
 *   0x03..0x7F          invalid
 * The first chunk must reset the dictionary; a dictionary reset requires new properties before the
 * next LZMA chunk. Each LZMA chunk must decode to exactly its unpacked size from exactly its packed
 * size, with the range coder cleanly finished and no match running past the chunk; anything else,
 * or an invalid control byte, is ARCHIVE_CORRUPT.
 *
 * Memory: the window (min(dictSize, windowSize), allocated once), one packed chunk (64 KiB), the
 * probabilities (~28 KB). A packed chunk is buffered whole before it is decoded, so the symbol loop
 * never has to stop for input in the middle of a symbol; it stops only at output limits.
 */
import { ArchiveError } from "../archive-error.ts";
import { LzWindow } from "./lz-window.ts";
import { checkProps, LzmaState, parsePropsByte, STEP_OUTPUT } from "./lzma-state.ts";
import { decodeSymbols } from "./lzma-symbols.ts";
import { MAX_SYMBOL_INPUT, RC_INIT_BYTES } from "./range-decoder.ts";

const CONTROL = 0;
const HEADER = 1;
const FILL = 2;
const LZMA = 3;
const COPY = 4;
const END = 5;

export interface Lzma2DecoderOptions {
  /** Allocate a smaller window when the total output is known to be smaller than the dictionary. */
  windowSize?: number;
}

export class Lzma2Decoder {
  readonly dictSize: number;
  readonly window: LzWindow;
  /** After decode(): input consumed up to here. */
  inPos = 0;
  /** After decode(): output written up to here. */
  outPos = 0;
  private readonly lzma: LzmaState;
  private readonly chunk = new Uint8Array(65536 + MAX_SYMBOL_INPUT);
  private readonly header = new Uint8Array(5);
  private phase = CONTROL;
  private control = 0;
  private headerHave = 0;
  private headerNeed = 0;
  private unpacked = 0;
  private packed = 0;
  private filled = 0;
  private rcPos = 0;
  private needDictReset = true;
  private needProps = true;

  /** The dictionary size an LZMA2 properties byte (xz filter properties) declares. */
  static dictSizeFromProps(byte: number): number {
    if ((byte & 0xc0) !== 0) throw new ArchiveError("ARCHIVE_UNSUPPORTED", `LZMA2 properties byte 0x${byte.toString(16)} has reserved bits set`);
    if (byte > 40) throw new ArchiveError("ARCHIVE_CORRUPT", `LZMA2 dictionary size code ${byte} is out of range (max 40)`);
    if (byte === 40) return 0xffffffff;
    return (2 + (byte & 1)) * 2 ** ((byte >>> 1) + 11);
  }

  constructor(dictSize: number, options: Lzma2DecoderOptions = {}) {
    this.dictSize = dictSize;
    this.window = new LzWindow(Math.min(dictSize, options.windowSize ?? dictSize));
    this.lzma = new LzmaState(this.window, { lc: 0, lp: 0, pb: 0 }, 4);
  }

  /** The end marker was read and every decoded byte was handed over. */
  get finished(): boolean {
    return this.phase === END && this.window.pending === 0;
  }

  /** Starts a new, independent LZMA2 stream with the same window (the next xz block). */
  reset(): void {
    this.window.reset();
    this.lzma.resetState();
    this.phase = CONTROL;
    this.needDictReset = true;
    this.needProps = true;
  }

  decode(input: Uint8Array, inPos: number, inEnd: number, output: Uint8Array, outPos: number, outEnd: number): void {
    const win = this.window;
    for (;;) {
      outPos = win.flush(output, outPos, outEnd);
      if (win.pending > 0 || this.phase === END) break;
      if (this.phase === LZMA) {
        if (outPos >= outEnd) break;
        this.decodeLzma(win.limit(Math.min(outEnd - outPos, STEP_OUTPUT)));
      } else if (this.phase === FILL) {
        const take = Math.min(this.packed - this.filled, inEnd - inPos);
        this.chunk.set(input.subarray(inPos, inPos + take), this.filled);
        inPos += take;
        this.filled += take;
        if (this.filled < this.packed) break;
        this.rcPos = this.lzma.rc.init(this.chunk, 0);
        this.phase = LZMA;
      } else if (this.phase === COPY) {
        if (inPos >= inEnd || outPos >= outEnd) break;
        const n = win.write(input, inPos, Math.min(this.unpacked, inEnd - inPos), win.limit(outEnd - outPos));
        inPos += n;
        this.unpacked -= n;
        if (this.unpacked === 0) this.phase = CONTROL;
      } else if (this.phase === HEADER) {
        while (this.headerHave < this.headerNeed && inPos < inEnd) this.header[this.headerHave++] = input[inPos++]!;
        if (this.headerHave < this.headerNeed) break;
        this.startChunk();
      } else {
        if (inPos >= inEnd) break;
        this.readControl(input[inPos++]!);
      }
    }
    this.inPos = inPos;
    this.outPos = outPos;
  }

  private readControl(control: number): void {
    if (control === 0x00) {
      this.phase = END;
      return;
    }
    if (control >= 0x03 && control < 0x80) throw corrupt(`invalid LZMA2 control byte 0x${control.toString(16)}`);
    const dictReset = control === 0x01 || control >= 0xe0;
    if (!dictReset && this.needDictReset) throw corrupt("the first LZMA2 chunk does not reset the dictionary");
    if (dictReset) {
      this.window.reset(); // nothing is pending here: decode() flushed before reading the control byte
      this.needDictReset = false;
      this.needProps = true;
    }
    if (control >= 0x80 && control < 0xc0 && this.needProps) throw corrupt("an LZMA2 chunk after a dictionary reset does not set properties");
    this.control = control;
    this.headerHave = 0;
    this.headerNeed = control < 0x80 ? 2 : control >= 0xc0 ? 5 : 4;
    this.phase = HEADER;
  }

  private startChunk(): void {
    const h = this.header;
    const c = this.control;
    if (c < 0x80) {
      this.unpacked = ((h[0]! << 8) | h[1]!) + 1;
      this.phase = COPY;
      return;
    }
    this.unpacked = (((c & 0x1f) << 16) | (h[0]! << 8) | h[1]!) + 1;
    this.packed = ((h[2]! << 8) | h[3]!) + 1;
    if (this.packed < RC_INIT_BYTES) throw corrupt(`LZMA2 chunk of ${this.packed} packed bytes is too short for a range coder`);
    if (c >= 0xc0) {
      const props = parsePropsByte(h[4]!);
      checkProps(props, true);
      this.lzma.setProps(props);
      this.needProps = false;
    } else if (c >= 0xa0) {
      this.lzma.resetState();
    }
    this.filled = 0;
    this.phase = FILL;
  }

  /** Decodes the buffered chunk up to `limit` in the window (never past the chunk's unpacked size). */
  private decodeLzma(limit: number): void {
    const s = this.lzma;
    const win = this.window;
    const before = win.pos;
    // The whole chunk is buffered: a symbol may start even at its end (the last symbols of a run
    // often need no new byte), and reading past it shows as rcPos > packed.
    this.rcPos = decodeSymbols(s, this.chunk, this.rcPos, this.packed + 1, Math.min(limit, before + this.unpacked));
    this.unpacked -= win.pos - before;
    if (s.sawEndMarker) throw corrupt("an LZMA2 chunk contains an end-of-payload marker");
    if (this.rcPos > this.packed) throw corrupt("an LZMA2 chunk's data ends in the middle of a symbol");
    if (this.unpacked === 0) {
      if (s.pendingLen > 0) throw corrupt("a match runs past the end of its LZMA2 chunk");
      if (this.rcPos !== this.packed || !s.rc.finished) throw corrupt("an LZMA2 chunk's packed size does not match its data");
      this.phase = CONTROL;
    } else if (win.pos === before && this.rcPos >= this.packed) {
      throw corrupt("an LZMA2 chunk's data ends before its unpacked size");
    }
  }
}

function corrupt(what: string): ArchiveError {
  return new ArchiveError("ARCHIVE_CORRUPT", `LZMA2 data is corrupt: ${what}`);
}
