/**
 * LZMA2 decoding and CRC-64 by the system's liblzma (liblzma.ts), behind the same interfaces as
 * our TypeScript Lzma2Decoder and Crc64, for xz-block.ts. The symbol loop is about 80% of .xz
 * decoding time; in TypeScript it runs at 0.4-0.5x `xz -dc`, through liblzma at xz's own speed.
 *
 * Invariants:
 *  - Same contract as Lzma2Decoder.decode(): one call consumes input and produces output until the
 *    input is used up, the output is full, or the end marker (0x00) was read; bytes after the end
 *    marker are never consumed (liblzma's raw LZMA2 decoder stops there, as its own block decoder
 *    relies on). Output goes only into output[outPos, outEnd).
 *  - liblzma keeps no pointer to our buffers between calls: next_in / next_out are set before every
 *    lzma_code() and the call is synchronous, so a moving or collected buffer is never read.
 *  - Native memory (the dictionary, ~window bytes, and ~30 KB of state) is freed by close(), which
 *    xz-block.ts / unxz.ts call when a block's decoder is replaced and when the stream ends or fails;
 *    a FinalizationRegistry frees it too if a consumer abandons a stream without closing it.
 *  - liblzma's errors become the ArchiveError codes our decoder gives: damaged data ARCHIVE_CORRUPT.
 */
import { ptr } from "bun:ffi";
import { ArchiveError } from "../archive-error.ts";
import {
  getU64,
  LZMA_DATA_ERROR,
  LZMA_FILTER_LZMA2,
  LZMA_MEM_ERROR,
  LZMA_OK,
  LZMA_OPTIONS_BYTES,
  LZMA_OPTIONS_ERROR,
  LZMA_RUN,
  LZMA_STREAM_BYTES,
  LZMA_STREAM_END,
  setU64,
  type Liblzma,
} from "./liblzma.ts";
import type { BlockCheck } from "./xz-checks.ts";

const NEXT_IN = 0;
const AVAIL_IN = 8;
const NEXT_OUT = 24;
const AVAIL_OUT = 32;

/** lzma_end for streams nobody closed (the held value is the stream struct, kept alive by the registry). */
const unclosed = new FinalizationRegistry<{ lib: Liblzma; strm: Uint8Array }>(({ lib, strm }) => lib.end(strm));

export class NativeLzma2Decoder {
  inPos = 0;
  outPos = 0;
  finished = false;
  private readonly strm = new Uint8Array(LZMA_STREAM_BYTES);
  private readonly words = new Uint32Array(this.strm.buffer);
  private open = false;

  /**
   * `windowSize`: the dictionary liblzma allocates (the caller checked it against its limit).
   * `lzma1`: decode raw LZMA (a 7z folder's coder, ../sevenzip/direct/) with these literal and
   * position bits instead of LZMA2; the caller stops at the known size (no end marker is needed).
   */
  constructor(
    private readonly lib: Liblzma,
    readonly windowSize: number,
    private readonly lzma1?: { lc: number; lp: number; pb: number },
  ) {
    this.init();
    this.open = true;
    unclosed.register(this, { lib, strm: this.strm }, this);
  }

  /** Starts a new, independent LZMA2 stream (the next xz block); liblzma reuses its dictionary. */
  reset(): void {
    this.finished = false;
    this.init();
  }

  decode(input: Uint8Array, inPos: number, inEnd: number, output: Uint8Array, outPos: number, outEnd: number): void {
    this.inPos = inPos;
    this.outPos = outPos;
    if (this.finished || outPos >= outEnd && inPos >= inEnd) return;
    const w = this.words;
    const availIn = inEnd - inPos;
    const availOut = outEnd - outPos;
    // A zero-length view has no address to take; liblzma accepts NULL with a zero length.
    setU64(w, NEXT_IN, availIn > 0 ? ptr(input, inPos) : 0);
    setU64(w, AVAIL_IN, availIn);
    setU64(w, NEXT_OUT, availOut > 0 ? ptr(output, outPos) : 0);
    setU64(w, AVAIL_OUT, availOut);
    const ret = this.lib.code(this.strm, LZMA_RUN);
    this.inPos = inEnd - getU64(w, AVAIL_IN);
    this.outPos = outEnd - getU64(w, AVAIL_OUT);
    if (ret === LZMA_STREAM_END) this.finished = true;
    else if (ret !== LZMA_OK) throw codeError(ret);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    unclosed.unregister(this);
    this.lib.end(this.strm);
  }

  private init(): void {
    const options = new Uint8Array(LZMA_OPTIONS_BYTES);
    const ov = new DataView(options.buffer);
    ov.setUint32(0, this.windowSize, true); // dict_size; for LZMA2, lc/lp/pb come with each chunk's properties
    ov.setUint32(20, this.lzma1?.lc ?? 3, true);
    ov.setUint32(24, this.lzma1?.lp ?? 0, true);
    ov.setUint32(28, this.lzma1?.pb ?? 2, true);
    const filters = new Uint8Array(32);
    const fw = new Uint32Array(filters.buffer);
    if (this.lzma1) {
      fw[0] = 0x00000001; // LZMA_FILTER_LZMA1, 0x4000000000000001 (above 2^53: written as two halves)
      fw[1] = 0x40000000;
    } else setU64(fw, 0, LZMA_FILTER_LZMA2);
    setU64(fw, 8, ptr(options));
    fw[4] = 0xffffffff; // LZMA_VLI_UNKNOWN (UINT64_MAX) ends the list
    fw[5] = 0xffffffff;
    const ret = this.lib.rawDecoder(this.strm, filters);
    if (ret !== LZMA_OK) throw codeError(ret);
  }
}

function codeError(ret: number): Error {
  switch (ret) {
    case LZMA_DATA_ERROR:
      return new ArchiveError("ARCHIVE_CORRUPT", "LZMA2 data is corrupt (liblzma: data error)", { liblzmaCode: ret });
    case LZMA_OPTIONS_ERROR:
      return new ArchiveError("ARCHIVE_CORRUPT", "LZMA2 data is corrupt: a chunk's properties are invalid (liblzma: options error)", { liblzmaCode: ret });
    case LZMA_MEM_ERROR:
      // The dictionary passed the limit check: the machine itself is out of memory. Not the file's fault.
      return new Error("liblzma could not allocate memory for an LZMA2 dictionary");
    default:
      return new Error(`liblzma returned unexpected code ${ret}`);
  }
}

/** The .xz CRC-64 check by liblzma (~GB/s; our TypeScript one was ~11% of xz decoding time). */
export class NativeCrc64 implements BlockCheck {
  private value = 0n;

  constructor(private readonly lib: Liblzma) {}

  update(data: Uint8Array): void {
    if (data.length > 0) this.value = this.lib.crc64(ptr(data), data.length, this.value);
  }

  digest(): Uint8Array {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, this.value, true);
    return out;
  }
}
