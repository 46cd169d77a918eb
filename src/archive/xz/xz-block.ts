/**
 * One .xz block: header already parsed → LZMA2 data, Delta filters, the check, padding, sizes.
 *
 * Invariants:
 *  - The dictionary size is passed to checkDictionary BEFORE the window is allocated; the window is
 *    min(dictionary, the uncompressed size the header declares), and is reused by the next block
 *    when that one needs the same size (threaded `xz` writes many equal blocks).
 *  - Output goes into the shared OutputChunks; a chunk is yielded when full, so the generator does
 *    no work ahead of its consumer and memory is the window plus one output chunk.
 *  - Sizes declared in the block header are enforced while decoding: output past the declared
 *    uncompressed size, or input past the declared compressed size, is ARCHIVE_SIZE_MISMATCH before
 *    any of the extra bytes leaves; so is ending short of either.
 *  - The check covers the bytes after every filter and is compared when the block ends: a mismatch
 *    is ARCHIVE_CRC_MISMATCH. Bytes of the block were passed on before (streaming cannot wait), so a
 *    consumer must treat an error as "this whole stream is bad".
 *  - Input ending anywhere inside the block is ARCHIVE_TRUNCATED.
 */
import { ArchiveError } from "../archive-error.ts";
import { LzWindow } from "./lz-window.ts";
import { checkName, checkSize, sameBytes, toHex } from "./xz-checks.ts";
import type { Lzma2Stream, XzEngine } from "./xz-engine.ts";
import { planFilters } from "./xz-filters.ts";
import type { BlockHeader } from "./xz-headers.ts";
import type { XzInput } from "./xz-input.ts";
import { ChunkPool } from "../../util/chunk-pool.ts";

/** The output side: one chunk being filled, handed over whole when full. */
export class OutputChunks {
  buf: Uint8Array;
  fill = 0;
  /** Bytes produced so far (handed over or not). */
  total = 0;
  private readonly pool: ChunkPool;

  constructor(readonly chunkSize: number) {
    this.pool = new ChunkPool(chunkSize);
    this.buf = this.pool.take();
  }

  get isFull(): boolean {
    return this.fill === this.buf.length;
  }

  /**
   * The full chunk; another takes its place: a chunk the consumer recycled, else a fresh one
   * (../../util/chunk-pool.ts). Not zero-filled (zeroing every output byte once more measured 2% of
   * xz decoding): only [0, fill) is ever handed out, and fill advances only over bytes the decoder
   * has written.
   */
  take(): Uint8Array {
    const full = this.buf;
    this.buf = this.pool.take();
    this.fill = 0;
    return full;
  }

  /** What is left at the end, or null. */
  rest(): Uint8Array | null {
    if (this.fill === 0) return null;
    const out = this.buf.subarray(0, this.fill);
    this.fill = 0;
    return out;
  }
}

export interface BlockContext {
  input: XzInput;
  out: OutputChunks;
  checkId: number;
  checkDictionary: (bytes: number) => void;
  /** Who decodes LZMA2 and computes CRC-64 (xz-engine.ts). */
  engine: XzEngine;
  /** The previous block's decoder, reused when the window size is the same; unxz closes it at the end. */
  decoder?: Lzma2Stream;
}

export interface BlockRecord {
  unpadded: number;
  uncompressed: number;
}

const truncated = (what: string) => new ArchiveError("ARCHIVE_TRUNCATED", `xz data ends ${what}`);

export async function* decodeBlock(ctx: BlockContext, header: BlockHeader): AsyncGenerator<Uint8Array, BlockRecord, undefined> {
  const { input, out } = ctx;
  const plan = planFilters(header.filters);
  ctx.checkDictionary(plan.dictSize);
  const windowBytes = Math.min(plan.dictSize, header.uncompressedSize ?? plan.dictSize);
  let dec = ctx.decoder;
  if (dec !== undefined && dec.windowSize === LzWindow.sizeFor(windowBytes)) dec.reset();
  else {
    ctx.decoder = undefined; // let the old window go before the new one is allocated
    dec?.close();
    dec = ctx.engine.lzma2(windowBytes);
    ctx.decoder = dec;
  }
  const check = ctx.engine.check(ctx.checkId);
  const declaredIn = header.compressedSize;
  const declaredOut = header.uncompressedSize;
  let compressed = 0;
  let uncompressed = 0;

  for (;;) {
    if (out.isFull) yield out.take();
    if (input.available === 0 && !(await input.fill())) throw truncated("inside a block's LZMA2 data");
    const from = out.fill;
    dec.decode(input.chunk, input.pos, input.chunk.length, out.buf, from, out.buf.length);
    compressed += dec.inPos - input.pos;
    input.advance(dec.inPos - input.pos);
    const to = dec.outPos;
    if (to > from) {
      for (const delta of plan.deltas) delta.apply(out.buf, from, to);
      uncompressed += to - from;
      if (declaredOut !== undefined && uncompressed > declaredOut) {
        throw sizeMismatch(`decompresses to more than the ${declaredOut} bytes its header declares`, declaredOut, uncompressed);
      }
      check.update(out.buf.subarray(from, to));
      out.fill = to;
      out.total += to - from;
    }
    if (declaredIn !== undefined && compressed > declaredIn) {
      throw sizeMismatch(`has more than the ${declaredIn} compressed bytes its header declares`, declaredIn, compressed);
    }
    if (dec.finished) break;
  }
  if (declaredOut !== undefined && uncompressed !== declaredOut) {
    throw sizeMismatch(`decompresses to ${uncompressed} bytes, its header declares ${declaredOut}`, declaredOut, uncompressed);
  }
  if (declaredIn !== undefined && compressed !== declaredIn) {
    throw sizeMismatch(`has ${compressed} compressed bytes, its header declares ${declaredIn}`, declaredIn, compressed);
  }

  const padding = (4 - ((header.size + compressed) % 4)) % 4;
  const pad = await input.read(padding);
  if (pad.length < padding) throw truncated("inside a block's padding");
  if (pad.some((b) => b !== 0)) throw new ArchiveError("ARCHIVE_CORRUPT", "xz block padding is not zero");

  const size = checkSize(ctx.checkId);
  const stored = await input.read(size);
  if (stored.length < size) throw truncated("inside a block's check");
  const computed = check.digest();
  if (!sameBytes(stored, computed)) {
    throw new ArchiveError("ARCHIVE_CRC_MISMATCH", `xz block ${checkName(ctx.checkId)} does not match its data`, {
      stored: toHex(stored),
      computed: toHex(computed),
    });
  }
  return { unpadded: header.size + compressed + size, uncompressed };
}

function sizeMismatch(what: string, declared: number, actual: number): ArchiveError {
  return new ArchiveError("ARCHIVE_SIZE_MISMATCH", `xz block ${what}`, { declared, actual });
}
