/**
 * Streaming bunzip2 in TypeScript: compressed chunks in, decompressed chunks out, pulled by the
 * consumer. The stream framing, CRC checks and errors are here; the work is in bit-reader.ts,
 * block-tables.ts + huffman.ts (a block's coding tables), block-decoder.ts (Huffman/RLE2/MTF),
 * inverse-bwt.ts and block-output.ts (RLE1, block CRC).
 *
 * Invariants:
 *  - Pull-based: nothing is decoded or read ahead of the consumer. Each next() decodes blocks
 *    until one output chunk (`chunkSize`, default 256 KiB) is full or the input has ended.
 *  - Memory: one block's tt array (level × 100 000 Int32 entries, 3.6 MB at level 9) and its
 *    bytes after the inverse BWT (1 byte per entry + 64 KiB, see inverse-bwt.ts: the price of a
 *    ~3× faster BWT walk), the input buffer (about one source chunk) and the output chunk being
 *    filled: ~4.6 MB at level 9, allocated once per stream of the highest level seen. It does not
 *    depend on the expansion ratio: a block of zeros expands 45 MB, and comes out chunk by chunk.
 *  - Chunks handed out are fresh (the last one a subarray of a fresh buffer): consumers may keep them.
 *  - Multi-stream input (concatenated .bz2 streams, as `bzip2 -dc` and pbzip2's output) decodes to
 *    the concatenation; each stream may have its own level.
 *  - Every block CRC and every stream CRC is checked: a mismatch is ARCHIVE_CRC_MISMATCH. Bytes of a
 *    block are passed on before its CRC can be checked (a block expands up to 45 MB), so, as with
 *    gunzip, a consumer must treat a thrown error as "all of this stream is bad".
 *  - Damage: bad magic, headers, tables, counts or origPtr → ARCHIVE_CORRUPT; input ending inside a
 *    stream (or empty input) → ARCHIVE_TRUNCATED; a block with the obsolete "randomised" flag
 *    (written by bzip2 0.9.0 only) → ARCHIVE_UNSUPPORTED. Errors carry { entry, offset (compressed
 *    bytes consumed), bytesOut (decompressed bytes produced, the unfinished chunk's included) }.
 *  - Trailing zeros after the last stream are ignored; any other trailing bytes are
 *    ARCHIVE_CORRUPT (gunzip's decision: bzip2 only warns, but "decompressed, with a warning" is
 *    not a state the pipeline has).
 *  - The consumer stopping early (return/throw) or any error stops the source (its iterator's
 *    return()). The source's own errors come through unchanged.
 */
import { ArchiveError } from "../archive-error.ts";
import { BitReader } from "./bit-reader.ts";
import { BlockDecoder } from "./block-decoder.ts";
import { BlockOutput } from "./block-output.ts";
import { BlockTables } from "./block-tables.ts";
import { combineStreamCrc, crcFinal } from "./crc32.ts";
import { BLOCK_MAGIC_HI, BLOCK_MAGIC_LO, BzDataError, corrupt, END_MAGIC_HI, END_MAGIC_LO, STREAM_MAGIC } from "./format.ts";
import { ChunkPool } from "../../util/chunk-pool.ts";

export { isBzip2 } from "../magic.ts";

export interface Bunzip2Options {
  /** For messages: the entry or file this stream is. */
  name?: string;
  /** Output chunk size in bytes (default 256 KiB). */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 256 * 1024;
/** Bytes to have loadable before reading a block header (10 bytes) or a stream header (4). */
const HEADER_BYTES = 64;

export async function* bunzip2(source: AsyncIterable<Uint8Array>, options: Bunzip2Options = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new Bunzip2Decoder(source, options);
  try {
    for (;;) {
      const chunk = await decoder.next();
      if (chunk === null) return;
      yield chunk;
    }
  } finally {
    await decoder.close();
  }
}

const enum Phase {
  StreamStart,
  BlockHeader,
  Output,
  Done,
}

class Bunzip2Decoder {
  private readonly input: BitReader;
  private readonly tables = new BlockTables();
  private readonly block = new BlockDecoder();
  private readonly output = new BlockOutput();
  private readonly chunks: ChunkPool;
  private readonly name: string | undefined;
  private phase = Phase.StreamStart;
  private streams = 0;
  private level = 0;
  private blockCrc = 0;
  private streamCrc = 0;
  private bytesOut = 0;

  constructor(source: AsyncIterable<Uint8Array>, options: Bunzip2Options) {
    const size = Math.floor(options.chunkSize ?? DEFAULT_CHUNK);
    if (!(size >= 1)) throw new RangeError(`bunzip2: chunkSize must be a positive number (got ${options.chunkSize})`);
    this.chunks = new ChunkPool(size);
    this.name = options.name;
    this.input = new BitReader(source);
  }

  /** The next chunk of output (full, except the last), or null at the end. */
  async next(): Promise<Uint8Array | null> {
    let out: Uint8Array | null = null;
    let o = 0;
    try {
      for (;;) {
        if (this.phase === Phase.Output) {
          out ??= this.chunks.take(); // a chunk the consumer recycled, else a fresh one
          const before = o;
          o = this.output.fill(out, o, out.length);
          this.bytesOut += o - before;
          if (this.output.done) this.endBlock();
          if (o === out.length) return out;
        } else if (this.phase === Phase.BlockHeader) {
          await this.readBlock();
        } else if (this.phase === Phase.StreamStart) {
          await this.startStream();
        } else {
          return out === null || o === 0 ? null : out.subarray(0, o);
        }
      }
    } catch (err) {
      this.phase = Phase.Done;
      throw err instanceof BzDataError ? this.archiveError(err) : err;
    }
  }

  async close(): Promise<void> {
    this.phase = Phase.Done;
    await this.input.close();
  }

  /** At a byte boundary: a stream header, the end of input, or (after a stream) trailing bytes. */
  private async startStream(): Promise<void> {
    const input = this.input;
    input.alignToByte();
    const n = await input.peekBytes(4);
    const buf = input.buf;
    const p = input.pos;
    let matched = 0;
    while (matched < n && matched < 3 && buf[p + matched] === STREAM_MAGIC[matched]) matched++;
    if (matched === 3 && n === 4) {
      const digit = buf[p + 3]! - 0x30;
      if (digit >= 1 && digit <= 9) {
        input.pos += 4;
        this.level = digit;
        this.streamCrc = 0;
        this.streams++;
        this.phase = Phase.BlockHeader;
        return;
      }
    }
    if (n < 4 && matched === n && (n > 0 || this.streams === 0)) {
      throw new BzDataError("ARCHIVE_TRUNCATED", n === 0 ? "is empty" : "ends inside a stream header");
    }
    if (this.streams === 0) corrupt(matched === 3 ? "has an invalid block-size digit in its header" : "is not bzip2 data");
    if (n === 0 || (await input.skipZerosToEnd())) {
      this.phase = Phase.Done;
      return;
    }
    corrupt("has data after the last stream that is not a bzip2 stream");
  }

  /** A block header then the whole block's symbols, or the end-of-stream marker and stream CRC. */
  private async readBlock(): Promise<void> {
    const input = this.input;
    await input.ensure(HEADER_BYTES);
    const hi = input.bits(24);
    const lo = input.bits(24);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const stored = (input.bits(16) * 0x10000 + input.bits(16)) >>> 0;
      if (input.overrun) throw new BzDataError("ARCHIVE_TRUNCATED", "ends inside its end-of-stream marker");
      if (stored !== this.streamCrc) {
        throw new BzDataError("ARCHIVE_CRC_MISMATCH", `stream CRC does not match its blocks (stored ${hex(stored)}, computed ${hex(this.streamCrc)})`);
      }
      this.phase = Phase.StreamStart;
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) corrupt("has a damaged block header (no block or end-of-stream magic)");
    this.blockCrc = (input.bits(16) * 0x10000 + input.bits(16)) >>> 0;
    if (input.bit() === 1) {
      throw new BzDataError("ARCHIVE_UNSUPPORTED", "has a block in the obsolete randomised format (bzip2 0.9.0), which dsp does not decode");
    }
    const origPtr = input.bits(24);
    await this.tables.read(input);
    const block = this.block;
    block.start(this.tables, this.level);
    while (!block.decode(input)) {
      if (input.overrun) break;
      await input.ensure(HEADER_BYTES);
    }
    if (input.overrun) throw new BzDataError("ARCHIVE_TRUNCATED", "ends inside a block");
    if (origPtr >= block.nblock) corrupt(`has a block whose BWT origin (${origPtr}) is outside its ${block.nblock} bytes`);
    this.output.start(block.tt, block.nblock, origPtr, block.byteCounts);
    this.phase = Phase.Output;
  }

  private endBlock(): void {
    const crc = crcFinal(this.output.crc);
    if (crc !== this.blockCrc) {
      throw new BzDataError("ARCHIVE_CRC_MISMATCH", `block CRC does not match its data (stored ${hex(this.blockCrc)}, computed ${hex(crc)})`);
    }
    this.streamCrc = combineStreamCrc(this.streamCrc, crc);
    this.phase = Phase.BlockHeader;
  }

  private archiveError(err: BzDataError): ArchiveError {
    const input = this.input;
    // Whatever went wrong, if it was read past the end of the input, the input is what is wrong.
    const truncated = input.overrun && err.code !== "ARCHIVE_TRUNCATED";
    const code = truncated ? "ARCHIVE_TRUNCATED" : err.code;
    const what = truncated ? "ends in the middle of a stream" : err.message;
    const offset = input.byteOffset;
    const where = `${this.name ? `"${this.name}": ` : ""}after ${this.bytesOut} decompressed bytes, at compressed byte ${offset}`;
    return new ArchiveError(code, `bzip2 stream ${what} (${where})`, { entry: this.name, offset, bytesOut: this.bytesOut }, { cause: err });
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
