/**
 * Streaming unxz: compressed chunks in, decompressed chunks out. Same contract as gunzip
 * (../gzip/gunzip.ts). The container is ours; the LZMA2 data and CRC-64 go to the engine the
 * caller passes (xz-engine.ts): our TypeScript decoder (lzma2-decoder.ts, lzma-symbols.ts, the
 * default) or the system's liblzma. Legacy .lzma always uses the TypeScript LZMA decoder.
 *
 * Invariants:
 *  - Pull-based: output is produced only while the consumer asks for it (a full chunk is yielded and
 *    the generator waits), and a source chunk is pulled only when the decoder has used the last one.
 *    Memory = one LZMA2 window per block (≤ the dictionary, checked first) + one output chunk,
 *    whatever the expansion ratio.
 *  - Dictionary: every block's LZMA2 dictionary size goes to options.checkDictionary before its
 *    window is allocated (the pipeline passes LimitTracker.checkDictionary); without one, more than
 *    128 MiB (DEFAULT_ARCHIVE_LIMITS.maxDictionaryBytes; xz -9 uses 64) is ARCHIVE_LIMIT_DICTIONARY.
 *    The window itself is min(dictionary, the block's declared uncompressed size).
 *  - Everything `xz -dc` reads: concatenated streams, stream padding (zero bytes in groups of 4)
 *    between and after them, any number of blocks, checks None / CRC32 / CRC64 / SHA-256 (verified:
 *    ARCHIVE_CRC_MISMATCH; reserved check IDs: ARCHIVE_UNSUPPORTED), the Delta filter. BCJ filters
 *    are ARCHIVE_UNSUPPORTED (see xz-filters.ts). Each stream's index is checked against its blocks
 *    and the footer against the header and the index (ARCHIVE_CORRUPT); sizes a block header declares
 *    against the block (ARCHIVE_SIZE_MISMATCH). Legacy .lzma files (LZMA_Alone) are decoded too when
 *    their 13-byte header is the kind xz writes (lzma-alone.ts).
 *  - Endings: no input at all, or input ending inside any structure, is ARCHIVE_TRUNCATED; bytes
 *    after the last stream that are neither padding nor another stream are ARCHIVE_CORRUPT.
 *  - Damaged LZMA data is ARCHIVE_CORRUPT (or a check/size mismatch), never a hang or a read
 *    outside the window: every loop consumes input or produces output, or fails.
 *  - Errors are ArchiveError with context { entry: options.name, offset: compressed bytes consumed,
 *    bytesOut: decompressed bytes produced }; errors of the source itself pass through unchanged.
 *  - The consumer stopping (return/throw), or any error, stops the source (its iterator's return()).
 *  - As with gzip, bytes of a block are passed on before its check is verified.
 */
import { ArchiveError } from "../archive-error.ts";
import { DEFAULT_ARCHIVE_LIMITS } from "../limits.ts";
import { isLzmaAloneHeader, decodeLzmaAlone } from "./lzma-alone.ts";
import { decodeBlock, OutputChunks, type BlockContext } from "./xz-block.ts";
import { requireSupportedCheck } from "./xz-checks.ts";
import { blockHeaderSize, isMagicPrefix, parseBlockHeader, parseStreamFooter, parseStreamHeader, STREAM_FOOTER_SIZE, STREAM_HEADER_SIZE } from "./xz-headers.ts";
import { BlockRecords, IndexParser } from "./xz-index.ts";
import { BUILTIN_XZ_ENGINE, type XzEngine } from "./xz-engine.ts";
import { XzInput } from "./xz-input.ts";

export { isXz } from "../magic.ts";

export interface UnxzOptions {
  /** For messages: the entry or file this stream is. */
  name?: string;
  /** Output chunk size (default 256 KiB). */
  chunkSize?: number;
  /** Called with each block's LZMA2 dictionary size BEFORE the window is allocated; throw to refuse (the caller passes LimitTracker.checkDictionary). */
  checkDictionary?: (bytes: number) => void;
  /** Who decodes LZMA2 and computes CRC-64 (default: the built-in TypeScript decoder; the pipeline passes the DSP_XZ_DECODER choice). */
  engine?: XzEngine;
}

const DEFAULT_CHUNK = 256 * 1024;

export async function* unxz(source: AsyncIterable<Uint8Array>, options: UnxzOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const input = new XzInput(source);
  const out = new OutputChunks(options.chunkSize ?? DEFAULT_CHUNK);
  const checkDictionary = options.checkDictionary ?? ((bytes: number) => defaultDictionaryCheck(bytes, options.name));
  const ctx: BlockContext = { input, out, checkId: 0, checkDictionary, engine: options.engine ?? BUILTIN_XZ_ENGINE };
  try {
    yield* decodeStreams(ctx);
    const rest = out.rest();
    if (rest !== null) yield rest;
  } catch (err) {
    throw withContext(err, options.name, input.position, out.total);
  } finally {
    ctx.decoder?.close();
    await input.close();
  }
}

function defaultDictionaryCheck(bytes: number, name?: string): void {
  const allowed = DEFAULT_ARCHIVE_LIMITS.maxDictionaryBytes;
  if (bytes > allowed) {
    throw new ArchiveError("ARCHIVE_LIMIT_DICTIONARY", `xz stream needs a ${bytes}-byte dictionary; ${allowed} bytes are allowed`, {
      entry: name,
      dictionaryBytes: bytes,
      allowed,
    });
  }
}

async function* decodeStreams(ctx: BlockContext): AsyncGenerator<Uint8Array, void, undefined> {
  const { input, out, checkDictionary } = ctx;
  for (let streams = 0; ; streams++) {
    const head = await input.read(STREAM_HEADER_SIZE);
    if (streams === 0 && !isMagicPrefix(head) && isLzmaAloneHeader(head)) {
      yield* decodeLzmaAlone(head, input, out, checkDictionary);
      return;
    }
    if (head.length === 0) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz input is empty");
    if (!isMagicPrefix(head)) {
      throw new ArchiveError("ARCHIVE_CORRUPT", streams === 0 ? "input is not xz data (no stream header magic)" : "xz stream is followed by data that is not an xz stream");
    }
    if (head.length < STREAM_HEADER_SIZE) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz data ends inside a stream header");
    const flags = parseStreamHeader(head);
    requireSupportedCheck(flags.checkId);
    ctx.checkId = flags.checkId;

    const records = new BlockRecords();
    for (;;) {
      const first = await input.peek();
      if (first < 0) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz data ends before the stream's index");
      if (first === 0) break;
      const bytes = await input.read(blockHeaderSize(first));
      if (bytes.length < blockHeaderSize(first)) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz data ends inside a block header");
      const record = yield* decodeBlock(ctx, parseBlockHeader(bytes));
      records.add(record.unpadded, record.uncompressed);
    }

    input.advance(1); // the index indicator
    const index = new IndexParser(records);
    while (!index.done) {
      if (!(await input.fill())) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz data ends inside a stream's index");
      input.advance(index.push(input.chunk, input.pos, input.chunk.length) - input.pos);
    }
    const foot = await input.read(STREAM_FOOTER_SIZE);
    if (foot.length < STREAM_FOOTER_SIZE) throw new ArchiveError("ARCHIVE_TRUNCATED", "xz data ends inside a stream footer");
    const footer = parseStreamFooter(foot);
    if (footer.backwardSize !== index.size) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `xz stream footer gives an index of ${footer.backwardSize} bytes, the index has ${index.size}`);
    }
    if (footer.flags !== flags.flags) throw new ArchiveError("ARCHIVE_CORRUPT", "xz stream footer flags differ from the stream header's");

    // Stream padding: zero bytes in groups of four, then the end or another stream.
    let zeros = 0;
    while (await input.fill()) {
      const c = input.chunk;
      let p = input.pos;
      while (p < c.length && c[p] === 0) p++;
      zeros += p - input.pos;
      input.advance(p - input.pos);
      if (p < c.length) break;
    }
    if (zeros % 4 !== 0) throw new ArchiveError("ARCHIVE_CORRUPT", `xz stream padding of ${zeros} bytes is not a multiple of 4`);
    if (input.available === 0) return;
  }
}

/** Adds where it happened to errors raised while decoding (the source's own errors pass unchanged). */
function withContext(err: unknown, name: string | undefined, offset: number, bytesOut: number): unknown {
  if (!(err instanceof ArchiveError) || err.context.offset !== undefined) return err;
  const where = `${name ? `"${name}": ` : ""}at compressed byte ${offset}, after ${bytesOut} decompressed bytes`;
  return new ArchiveError(err.code, `${err.message} (${where})`, { ...err.context, entry: err.context.entry ?? name, offset, bytesOut }, { cause: err });
}
